// The Connect protocol: the whole bar with JSON bodies (application/json unary,
// application/connect+json streams, what curl and Connect clients in any language send) and again
// with binary bodies; then the HTTP surface itself, seen as a client with no Connect library.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Interceptor } from "@connectrpc/connect";
import { Code, Metric, createCsatClient, errorCode, errorReason } from "@csat/client";
import { describeBar } from "./bar.js";
import { startServer, type RunningServer } from "./server.js";

describeBar("Connect (JSON, HTTP/1.1)", { transport: "connect" });
describeBar("Connect (binary, HTTP/1.1)", { transport: "connect", useBinaryFormat: true });

describe("the Connect protocol as plain HTTP", () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    assert.equal(await server?.stop(), 0);
  });

  it("answers a JSON POST in the proto3 JSON mapping (int64 as a string)", async () => {
    await post(server, "csat.v1.SurveyService/CreateSurvey", {
      surveyId: "curl-survey",
      survey: { displayName: "Curl", question: "How was it?", touchpoint: "web", metric: "METRIC_CSAT" },
    });

    const response = await post(server, "csat.v1.RatingService/SubmitRating", {
      rating: { surveyId: "curl-survey", ratingId: "c-1", score: 5 },
    });

    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    const body = (await response.json()) as { rating: { ratingId: string; score: number; sequence: string } };
    assert.equal(body.rating.ratingId, "c-1");
    assert.equal(body.rating.score, 5);
    assert.equal(body.rating.sequence, "1");
  });

  it("answers an error as Connect error JSON with its ErrorInfo", async () => {
    const response = await post(server, "csat.v1.SurveyService/GetSurvey", { surveyId: "absent" });

    assert.equal(response.status, 404);
    const body = (await response.json()) as { code: string; message: string; details?: { type: string }[] };
    assert.equal(body.code, "not_found");
    assert.ok(body.details?.some((detail) => detail.type === "google.rpc.ErrorInfo"), JSON.stringify(body));
  });

  it("answers an unknown content type with HTTP 415", async () => {
    const response = await fetch(`${server.baseUrl}/csat.v1.SurveyService/GetSurvey`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "survey_id=absent",
    });

    assert.equal(response.status, 415);
  });

  it("speaks JSON by default and protobuf with useBinaryFormat, unary and streaming", async () => {
    const expected = {
      json: ["application/json", "application/json", "application/connect+json", "application/connect+json"],
      binary: ["application/proto", "application/proto", "application/connect+proto", "application/connect+proto"],
    };
    for (const [format, contentTypes] of Object.entries(expected)) {
      const seen: string[] = [];
      const client = createCsatClient({
        baseUrl: server.baseUrl,
        transport: "connect",
        useBinaryFormat: format === "binary",
        interceptors: [recordContentTypes(seen)],
      });

      await client.surveys.listSurveys({});
      for await (const _ of client.ratings.streamRatings({})) {
        // Drains the stream (it ends: no follow).
      }
      client.close();

      assert.deepEqual(seen, contentTypes, format);
    }
  });

  it("serves Connect over cleartext HTTP/2 too", async () => {
    const client = createCsatClient({ baseUrl: server.baseUrl, transport: "connect", httpVersion: "2" });
    try {
      await client.surveys.createSurvey({
        surveyId: "h2-survey",
        survey: { displayName: "H2", question: "How was it?", touchpoint: "web", metric: Metric.CSAT },
      });
      const { survey } = await client.surveys.getSurvey({ surveyId: "h2-survey" });
      assert.equal(survey?.displayName, "H2");

      const err = await client.surveys.getSurvey({ surveyId: "absent" }).then(
        () => assert.fail("expected NOT_FOUND"),
        (e: unknown) => e,
      );
      assert.equal(errorCode(err), Code.NotFound);
      assert.equal(errorReason(err), "SURVEY_NOT_FOUND");
    } finally {
      client.close();
    }
  });
});

/** Records the content type of each request, then of its response. */
function recordContentTypes(seen: string[]): Interceptor {
  return (next) => async (request) => {
    seen.push(request.header.get("content-type") ?? "");
    const response = await next(request);
    seen.push(response.header.get("content-type") ?? "");
    return response;
  };
}

function post(server: RunningServer, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.baseUrl}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
