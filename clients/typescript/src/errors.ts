// Decoding csat's error details. Every error the server returns carries a google.rpc.Status with
// a google.rpc.ErrorInfo (domain "csat", a reason such as SURVEY_NOT_FOUND, or INVALID_FIELD for
// bad input) and, for bad input, a google.rpc.BadRequest naming every offending field at once.
// Connect-ES reads them from the grpc-status-details-bin trailer (gRPC, gRPC-Web) or from the
// error JSON's "details" (Connect); these helpers work the same for all three.
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema, type ErrorInfo } from "./gen/google/rpc/error_details_pb.js";

/** One field of a request that the server refused, as google.rpc.BadRequest.FieldViolation says. */
export interface FieldViolation {
  /** Path of the field in the request, e.g. `rating.score` or `ratings[3].survey_id`. */
  readonly field: string;
  /** Human-readable explanation, for logs and developers (not a stable contract). */
  readonly description: string;
  /**
   * Stable machine-readable cause: REQUIRED, BAD_FORMAT, OUT_OF_RANGE, TOO_LONG, TOO_MANY,
   * UNKNOWN_VALUE, REPEATED or INCONSISTENT.
   */
  readonly reason: string;
}

/**
 * Returns the field violations of an INVALID_ARGUMENT error (from every google.rpc.BadRequest
 * detail it carries), or `[]` when `err` has none: another code, or not a ConnectError at all.
 */
export function fieldViolations(err: unknown): FieldViolation[] {
  const connectError = asConnectError(err);
  if (connectError === undefined) {
    return [];
  }
  return connectError
    .findDetails(BadRequestSchema)
    .flatMap((badRequest) => badRequest.fieldViolations)
    .map(({ field, description, reason }) => ({ field, description, reason }));
}

/**
 * Returns the google.rpc.ErrorInfo detail of `err` (csat's own when several are present), or
 * `undefined` when it has none.
 */
export function errorInfo(err: unknown): ErrorInfo | undefined {
  const infos = asConnectError(err)?.findDetails(ErrorInfoSchema) ?? [];
  return infos.find((info) => info.domain === "csat") ?? infos[0];
}

/**
 * Returns the ErrorInfo reason of `err` (`SURVEY_NOT_FOUND`, `INVALID_FIELD`, …: the stable part
 * of an error to branch on), or `undefined` when it carries no ErrorInfo.
 */
export function errorReason(err: unknown): string | undefined {
  return errorInfo(err)?.reason;
}

/**
 * Returns the delay, in milliseconds, of the google.rpc.RetryInfo of `err`, or `undefined` when
 * it has none. csat sends one with RESOURCE_EXHAUSTED, reason RATE_LIMITED (a key over its
 * requests_per_second): wait that long, then call again; no retry policy does it for you.
 */
export function retryDelayMs(err: unknown): number | undefined {
  const delay = asConnectError(err)?.findDetails(RetryInfoSchema)[0]?.retryDelay;
  return delay === undefined ? undefined : Number(delay.seconds) * 1000 + delay.nanos / 1e6;
}

/** Returns the canonical code of `err` (`Code.Unknown` for anything that is not a ConnectError). */
export function errorCode(err: unknown): Code {
  return asConnectError(err)?.code ?? Code.Unknown;
}

function asConnectError(err: unknown): ConnectError | undefined {
  return err instanceof ConnectError ? err : undefined;
}
