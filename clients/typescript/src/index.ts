// @csat/client for Node.js: `createCsatClient` and the generated messages, enums and service
// descriptors of csat.v1, google.rpc error details and grpc.health.v1. For browsers, import
// "@csat/client/web" instead (fetch-based; Connect and gRPC-Web only).
import * as http from "node:http";
import * as https from "node:https";
import type { Interceptor, Transport } from "@connectrpc/connect";
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { interceptorsFor, servicesOn, type CsatServices } from "./services.js";

/**
 * The wire protocol a client speaks; the csat server answers all three on one port.
 * - `"grpc"`: gRPC over HTTP/2, binary protobuf. The default: csat's native protocol, the
 *   fastest, and the one its retry and load-balancing guidance is written for.
 * - `"grpc-web"`: gRPC-Web, binary protobuf, over HTTP/1.1 unless `httpVersion` says otherwise.
 * - `"connect"`: the Connect protocol: unary calls are plain `POST`s of JSON (`application/json`)
 *   and streams `application/connect+json`, as `curl` would send them; `useBinaryFormat: true`
 *   switches to protobuf bodies (`application/proto`, `application/connect+proto`).
 */
export type CsatTransportKind = "grpc" | "grpc-web" | "connect";

/** Options of `createCsatClient`. */
export interface CsatClientOptions {
  /** The server's address with its scheme, e.g. `http://127.0.0.1:50051` or `https://csat.example`. */
  readonly baseUrl: string;
  /**
   * An API key, sent as `authorization: Bearer <token>` on every call, streams included (none when
   * absent or empty). Read it from the environment or a secret (`process.env.CSAT_API_KEY`); the
   * client never logs it.
   */
  readonly token?: string;
  /**
   * TLS settings for an `https://` baseUrl, all PEM (read the files yourself, e.g. with
   * `readFileSync`): `ca` the certificates to trust for the server (the system's roots when
   * absent), `cert` and `key` a client certificate for mutual TLS (a server started with
   * `--tls-client-ca` takes its subject as the caller's principal). Ignored for `http://`.
   */
  readonly tls?: CsatTlsOptions;
  /** The wire protocol; `"grpc"` when absent. */
  readonly transport?: CsatTransportKind;
  /**
   * Connect only: protobuf bodies instead of JSON. gRPC and gRPC-Web are always binary.
   * Default false (JSON).
   */
  readonly useBinaryFormat?: boolean;
  /**
   * gRPC-Web and Connect only: the HTTP version, `"1.1"` (the default, as browsers, proxies and
   * curl use) or `"2"` (cleartext HTTP/2 with prior knowledge for `http://`). gRPC is always HTTP/2.
   */
  readonly httpVersion?: "1.1" | "2";
  /**
   * The deadline of every call that does not give its own `timeoutMs`, in milliseconds. None
   * when absent: a call waits as long as the server takes (and a followed stream forever).
   */
  readonly defaultTimeoutMs?: number;
  /** More interceptors, run after the one that sets the bearer token. */
  readonly interceptors?: Interceptor[];
}

/** TLS settings of `createCsatClient` (Node.js only: browsers use their own trust store). */
export interface CsatTlsOptions {
  /** Certificates (PEM) to trust for the server instead of the system's roots: a private CA. */
  readonly ca?: string | Buffer;
  /** The client certificate chain (PEM) to present, for mutual TLS; needs `key`. */
  readonly cert?: string | Buffer;
  /** The private key (PEM) of `cert`. */
  readonly key?: string | Buffer;
}

/** The typed clients of every csat service, on one connection. */
export interface CsatClient extends CsatServices {
  /**
   * Closes the client's connections (aborting calls still running). Idle connections do not keep
   * a Node.js process alive, so this is needed only to release them early.
   */
  close(): void;
}

/**
 * Returns typed clients for SurveyService, RatingService, ReportService, BenchmarkService and
 * Health that speak `options.transport` (gRPC by default) to `options.baseUrl`.
 *
 * int64 fields (counts, `Rating.sequence`, `StreamRatingsRequest.startAfter`) are `bigint`.
 */
export function createCsatClient(options: CsatClientOptions): CsatClient {
  const { transport, close } = createNodeTransport(options);
  return { ...servicesOn(transport), close };
}

function createNodeTransport(options: CsatClientOptions): { transport: Transport; close: () => void } {
  const kind = options.transport ?? "grpc";
  const common = {
    baseUrl: options.baseUrl,
    interceptors: interceptorsFor(options.token, options.interceptors),
    defaultTimeoutMs: options.defaultTimeoutMs,
  };
  const httpVersion = kind === "grpc" ? "2" : (options.httpVersion ?? "1.1");
  const tls = tlsSettings(options.tls);
  if (httpVersion === "2") {
    const sessionManager = new Http2SessionManager(options.baseUrl, undefined, tls);
    const close = () => sessionManager.abort();
    switch (kind) {
      case "grpc":
        return { transport: createGrpcTransport({ ...common, sessionManager }), close };
      case "grpc-web":
        return {
          transport: createGrpcWebTransport({ ...common, httpVersion, sessionManager, useBinaryFormat: true }),
          close,
        };
      case "connect":
        return {
          transport: createConnectTransport({
            ...common,
            httpVersion,
            sessionManager,
            useBinaryFormat: options.useBinaryFormat ?? false,
          }),
          close,
        };
    }
  }
  const agent = new URL(options.baseUrl).protocol === "https:"
    ? new https.Agent({ keepAlive: true, ...tls })
    : new http.Agent({ keepAlive: true });
  const close = () => agent.destroy();
  const nodeOptions = { agent };
  switch (kind) {
    case "grpc-web":
      return {
        transport: createGrpcWebTransport({ ...common, httpVersion, nodeOptions, useBinaryFormat: true }),
        close,
      };
    case "connect":
      return {
        transport: createConnectTransport({
          ...common,
          httpVersion,
          nodeOptions,
          useBinaryFormat: options.useBinaryFormat ?? false,
        }),
        close,
      };
    default:
      throw new Error(`csat: unknown transport ${JSON.stringify(kind)}: use "grpc", "grpc-web" or "connect"`);
  }
}

/** Node's TLS options for `tls`, leaving out what is not set (so the system's roots apply). */
function tlsSettings(tls: CsatTlsOptions | undefined): { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer } {
  if (tls === undefined) {
    return {};
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new Error("csat: tls.cert and tls.key go together (a client certificate and its key)");
  }
  return Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined));
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
