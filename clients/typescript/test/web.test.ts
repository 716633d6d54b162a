// "@csat/client/web" (fetch-based, for browsers), run from Node.js: a quick round through each of
// its two transports. The bar itself runs through the Node.js transports in the other files.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, Metric, createCsatWebClient, errorCode, errorReason, fieldViolations } from "@csat/client/web";
import { rejection } from "./bar.js";
import { startServer, type RunningServer } from "./server.js";

for (const transport of ["grpc-web", "connect"] as const) {
  describe(`@csat/client/web over ${transport}`, () => {
    let server: RunningServer;

    before(async () => {
      server = await startServer();
    });

    after(async () => {
      assert.equal(await server?.stop(), 0);
    });

    it("creates a survey, submits, decodes a bad rating and reads a stream", async () => {
      const client = createCsatWebClient({ baseUrl: server.baseUrl, transport, defaultTimeoutMs: 10_000 });
      await client.surveys.createSurvey({
        surveyId: "web-survey",
        survey: { displayName: "Web", question: "How was it?", touchpoint: "web", metric: Metric.CSAT },
      });
      const submitted = await client.ratings.submitRating({ rating: { surveyId: "web-survey", ratingId: "w-1", score: 4 } });
      assert.equal(submitted.duplicate, false);

      const err = await rejection(client.ratings.submitRating({ rating: { surveyId: "web-survey", ratingId: "w-2", score: 0 } }));
      assert.equal(errorCode(err), Code.InvalidArgument);
      assert.equal(errorReason(err), "INVALID_FIELD");
      assert.deepEqual(
        fieldViolations(err).map(({ field, reason }) => ({ field, reason })),
        [{ field: "rating.score", reason: "OUT_OF_RANGE" }],
      );

      const streamed: string[] = [];
      for await (const { rating } of client.ratings.streamRatings({ filter: { surveyIds: ["web-survey"] } })) {
        streamed.push(rating!.ratingId);
      }
      assert.deepEqual(streamed, ["w-1"]);
    });
  });
}
