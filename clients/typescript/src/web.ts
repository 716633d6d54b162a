// @csat/client/web: the same typed clients for browsers (and any runtime with fetch), over the
// Connect protocol or gRPC-Web. gRPC proper needs HTTP/2 trailers that fetch cannot read: use
// "@csat/client" from Node.js for it. The server must allow the page's origin (its CORS setting).
import type { Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { interceptorsFor, servicesOn, type CsatServices } from "./services.js";

/** Options of `createCsatWebClient`. */
export interface CsatWebClientOptions {
  /** The server's address with its scheme, e.g. `https://csat.example`. */
  readonly baseUrl: string;
  /** An API key, sent as `authorization: Bearer <token>` on every call. */
  readonly token?: string;
  /** The wire protocol; `"connect"` (JSON unless `useBinaryFormat`) when absent. */
  readonly transport?: "connect" | "grpc-web";
  /** Connect only: protobuf bodies instead of JSON. Default false. */
  readonly useBinaryFormat?: boolean;
  /** The deadline of every call that does not give its own `timeoutMs`, in milliseconds. */
  readonly defaultTimeoutMs?: number;
  /** More interceptors, run after the one that sets the bearer token. */
  readonly interceptors?: Interceptor[];
  /** The fetch function to use; `globalThis.fetch` when absent. */
  readonly fetch?: typeof globalThis.fetch;
}

/** Returns typed clients of every csat service over fetch, speaking Connect (default) or gRPC-Web. */
export function createCsatWebClient(options: CsatWebClientOptions): CsatServices {
  const common = {
    baseUrl: options.baseUrl,
    interceptors: interceptorsFor(options.token, options.interceptors),
    defaultTimeoutMs: options.defaultTimeoutMs,
    fetch: options.fetch,
  };
  const transport = options.transport === "grpc-web"
    ? createGrpcWebTransport({ ...common, useBinaryFormat: true })
    : createConnectTransport({ ...common, useBinaryFormat: options.useBinaryFormat ?? false });
  return servicesOn(transport);
}

export { bearerToken, servicesOn, type CsatServices } from "./services.js";
export { errorCode, errorInfo, errorReason, fieldViolations, retryDelayMs, type FieldViolation } from "./errors.js";
export { Code, ConnectError } from "@connectrpc/connect";
export * from "./gen/csat/v1/common_pb.js";
export * from "./gen/csat/v1/survey_pb.js";
export * from "./gen/csat/v1/rating_pb.js";
export * from "./gen/csat/v1/report_pb.js";
export * from "./gen/csat/v1/benchmark_pb.js";
export * from "./gen/csat/v1/customer_pb.js";
export * from "./gen/csat/v1/follow_up_pb.js";
export * from "./gen/csat/v1/invitation_pb.js";
export * from "./gen/google/rpc/error_details_pb.js";
export * from "./gen/google/rpc/status_pb.js";
export * from "./gen/grpc/health/v1/health_pb.js";
