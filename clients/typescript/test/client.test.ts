// createCsatClient without a server: the bearer token reaches every call's headers, on every
// transport, and a mistyped transport is refused at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError, createCsatClient, errorCode, type CsatTransportKind } from "@csat/client";
import type { Interceptor } from "@connectrpc/connect";
import { rejection } from "./bar.js";

/** An interceptor that records the request's authorization header and answers without the network. */
function recordAuthorization(seen: (string | null)[]): Interceptor {
  return () => async (request) => {
    seen.push(request.header.get("authorization"));
    throw new ConnectError("stopped before the network", Code.Canceled);
  };
}

describe("createCsatClient", () => {
  for (const transport of ["grpc", "grpc-web", "connect"] as const) {
    it(`sends the token as a bearer authorization header over ${transport}`, async () => {
      const seen: (string | null)[] = [];
      const client = createCsatClient({
        baseUrl: "http://127.0.0.1:9",
        token: "k-123",
        transport,
        interceptors: [recordAuthorization(seen)],
      });

      const err = await rejection(client.surveys.getSurvey({ surveyId: "s" }));
      client.close();

      assert.equal(errorCode(err), Code.Canceled);
      assert.deepEqual(seen, ["Bearer k-123"]);
    });
  }

  it("sends no authorization header without a token", async () => {
    const seen: (string | null)[] = [];
    const client = createCsatClient({ baseUrl: "http://127.0.0.1:9", interceptors: [recordAuthorization(seen)] });

    await rejection(client.ratings.getRating({ surveyId: "s", ratingId: "r" }));
    client.close();

    assert.deepEqual(seen, [null]);
  });

  it("refuses an unknown transport", () => {
    assert.throws(
      () => createCsatClient({ baseUrl: "http://127.0.0.1:9", transport: "http" as CsatTransportKind }),
      /unknown transport "http"/,
    );
  });
});
