// The error helpers on errors built by hand (no server): what they return for details present,
// absent, or an error that is not a ConnectError at all.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  ErrorInfoSchema,
  errorCode,
  errorInfo,
  errorReason,
  fieldViolations,
} from "@csat/client";

describe("error helpers", () => {
  const badRequest = create(BadRequestSchema, {
    fieldViolations: [
      { field: "rating.score", description: "score 9 is outside the scale 1-5", reason: "OUT_OF_RANGE" },
      { field: "rating.survey_id", description: "required", reason: "REQUIRED" },
    ],
  });

  it("decodes every field violation of a BadRequest detail", () => {
    const err = new ConnectError("bad rating", Code.InvalidArgument, undefined, [
      { desc: ErrorInfoSchema, value: { reason: "INVALID_FIELD", domain: "csat" } },
      { desc: BadRequestSchema, value: badRequest },
    ]);

    assert.deepEqual(fieldViolations(err), [
      { field: "rating.score", description: "score 9 is outside the scale 1-5", reason: "OUT_OF_RANGE" },
      { field: "rating.survey_id", description: "required", reason: "REQUIRED" },
    ]);
    assert.equal(errorReason(err), "INVALID_FIELD");
    assert.equal(errorCode(err), Code.InvalidArgument);
  });

  it("prefers csat's ErrorInfo when another domain's comes first", () => {
    const err = new ConnectError("not found", Code.NotFound, undefined, [
      { desc: ErrorInfoSchema, value: { reason: "PROXY_SAYS", domain: "proxy.example" } },
      { desc: ErrorInfoSchema, value: { reason: "SURVEY_NOT_FOUND", domain: "csat" } },
    ]);

    assert.equal(errorReason(err), "SURVEY_NOT_FOUND");
    assert.equal(errorInfo(err)?.domain, "csat");
  });

  it("returns nothing for an error without details or not from Connect", () => {
    const plain = new ConnectError("unavailable", Code.Unavailable);

    assert.deepEqual(fieldViolations(plain), []);
    assert.equal(errorReason(plain), undefined);
    assert.deepEqual(fieldViolations(new TypeError("boom")), []);
    assert.equal(errorReason("a string"), undefined);
    assert.equal(errorCode(new TypeError("boom")), Code.Unknown);
  });
});
