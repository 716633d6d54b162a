// Keys and scopes against a server started with a keys file: the token option reaches every call,
// a followed stream included, and the refusals decode with the error helpers.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Code, Metric, createCsatClient, errorCode, errorInfo, errorReason, retryDelayMs } from "@csat/client";
import { rejection } from "./bar.js";
import { startServer, type RunningServer } from "./server.js";

const adminKey = "csat-ts-test-admin-key";
const readerKey = "csat-ts-test-reader-key";
const limitedKey = "csat-ts-test-limited-key";

function sha256(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

describe("keys and scopes", () => {
  let server: RunningServer;
  let folder: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "csat-ts-keys-"));
    const keysFile = join(folder, "keys.yaml");
    writeFileSync(
      keysFile,
      "keys:\n" +
        `  - {name: admin, sha256: ${sha256(adminKey)}, scopes: [admin]}\n` +
        `  - {name: reader, sha256: ${sha256(readerKey)}, scopes: ['surveys:read']}\n` +
        `  - {name: limited, sha256: ${sha256(limitedKey)}, scopes: ['surveys:read'], requests_per_second: 1}\n`,
    );
    server = await startServer(["--api-keys-file", keysFile]);
  });

  after(async () => {
    const exitCode = await server?.stop();
    rmSync(folder, { recursive: true, force: true });
    assert.equal(exitCode, 0);
  });

  function clientWith(token?: string) {
    return createCsatClient({ baseUrl: server.baseUrl, token, defaultTimeoutMs: 10_000 });
  }

  it("answers a call with the key", async () => {
    const admin = clientWith(adminKey);
    const { survey } = await admin.surveys.createSurvey({
      surveyId: "keyed",
      survey: { displayName: "Keyed", question: "Happy?", touchpoint: "support_chat", metric: Metric.CSAT },
    });
    admin.close();
    assert.equal(survey?.surveyId, "keyed");
  });

  it("refuses a call without a key: UNAUTHENTICATED, API_KEY_INVALID", async () => {
    const anonymous = clientWith();
    const err = await rejection(anonymous.surveys.getSurvey({ surveyId: "keyed" }));
    anonymous.close();
    assert.equal(errorCode(err), Code.Unauthenticated);
    assert.equal(errorReason(err), "API_KEY_INVALID");
  });

  it("refuses a key without the scope: PERMISSION_DENIED, SCOPE_MISSING naming it", async () => {
    const reader = clientWith(readerKey);
    const err = await rejection(
      reader.ratings.submitRating({ rating: { surveyId: "keyed", ratingId: "denied", score: 5 } }),
    );
    reader.close();
    assert.equal(errorCode(err), Code.PermissionDenied);
    assert.equal(errorInfo(err)?.reason, "SCOPE_MISSING");
    assert.equal(errorInfo(err)?.metadata["scope"], "ratings:write");
  });

  it("sends the key on a followed stream, which receives a rating", async () => {
    const admin = createCsatClient({ baseUrl: server.baseUrl, token: adminKey });
    const abort = new AbortController();
    const stream = admin.ratings.streamRatings(
      { filter: { surveyIds: ["keyed"] }, follow: true },
      { signal: abort.signal, timeoutMs: 10_000 },
    );
    const first = stream[Symbol.asyncIterator]().next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await admin.ratings.submitRating({ rating: { surveyId: "keyed", ratingId: "streamed", score: 4 } });
    const received = await first;
    abort.abort();
    admin.close();
    assert.equal(received.done, false);
    assert.equal(received.value?.rating?.ratingId, "streamed");
    assert.equal(received.value?.rating?.score, 4);
  });

  it("tells a key over its rate when to retry: RESOURCE_EXHAUSTED, RATE_LIMITED", async () => {
    const limited = clientWith(limitedKey);
    let err: unknown;
    for (let attempt = 0; attempt < 5 && err === undefined; attempt++) {
      err = await limited.surveys.listSurveys({}).then(
        () => undefined,
        (refusal: unknown) => refusal,
      );
    }
    limited.close();
    assert.equal(errorCode(err), Code.ResourceExhausted);
    assert.equal(errorReason(err), "RATE_LIMITED");
    const delay = retryDelayMs(err);
    assert.ok(delay !== undefined && delay > 0 && delay <= 1000, `delay ${delay}`);
  });
});
