// The typed clients of every csat service, built on any Connect-ES transport. Shared by the Node
// entry point (index.ts) and the browser one (web.ts), so both hand out the same shape.
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { BenchmarkService } from "./gen/csat/v1/benchmark_pb.js";
import { CustomerService } from "./gen/csat/v1/customer_pb.js";
import { FollowUpService } from "./gen/csat/v1/follow_up_pb.js";
import { InvitationService } from "./gen/csat/v1/invitation_pb.js";
import { RatingService } from "./gen/csat/v1/rating_pb.js";
import { ReportService } from "./gen/csat/v1/report_pb.js";
import { SurveyService } from "./gen/csat/v1/survey_pb.js";
import { Health } from "./gen/grpc/health/v1/health_pb.js";

/** The typed clients of csat's services, all sharing one transport (one connection). */
export interface CsatServices {
  /** csat.v1.SurveyService: create, get, list, update and archive surveys. */
  readonly surveys: Client<typeof SurveyService>;
  /** csat.v1.RatingService: submit, import, get, list, stream, exclude and restore ratings. */
  readonly ratings: Client<typeof RatingService>;
  /** csat.v1.ReportService: CSAT, NPS and CES reports, one-off or watched. */
  readonly reports: Client<typeof ReportService>;
  /** csat.v1.BenchmarkService: targets and industry figures reports compare against. */
  readonly benchmarks: Client<typeof BenchmarkService>;
  /** csat.v1.CustomerService: customer health, the at-risk list, the health policy, erasure. */
  readonly customers: Client<typeof CustomerService>;
  /** csat.v1.FollowUpService: the follow-ups low ratings open; list, assign, resolve, annotate. */
  readonly followUps: Client<typeof FollowUpService>;
  /** csat.v1.InvitationService: record invitations, and whether survey fatigue suppresses them. */
  readonly invitations: Client<typeof InvitationService>;
  /** grpc.health.v1.Health: `check({service: ""})` answers SERVING once the server is ready. */
  readonly health: Client<typeof Health>;
  /** The transport the clients use, for calling a service through `createClient` yourself. */
  readonly transport: Transport;
}

/** Returns the typed clients of every csat service on `transport`. */
export function servicesOn(transport: Transport): CsatServices {
  return {
    surveys: createClient(SurveyService, transport),
    ratings: createClient(RatingService, transport),
    reports: createClient(ReportService, transport),
    benchmarks: createClient(BenchmarkService, transport),
    customers: createClient(CustomerService, transport),
    followUps: createClient(FollowUpService, transport),
    invitations: createClient(InvitationService, transport),
    health: createClient(Health, transport),
    transport,
  };
}

/**
 * Returns an interceptor that sends `authorization: Bearer <token>` on every call (gRPC metadata,
 * or the HTTP header over gRPC-Web and Connect: the server reads the same header for all three).
 */
export function bearerToken(token: string): Interceptor {
  const value = `Bearer ${token}`;
  return (next) => (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}

/** Returns the interceptors for `token` (none when it is absent or empty) followed by `extra`. */
export function interceptorsFor(token: string | undefined, extra: Interceptor[] = []): Interceptor[] {
  return token ? [bearerToken(token), ...extra] : [...extra];
}
