// Acting on feedback through the client's customers, followUps and invitations, against the real
// binary over each transport: the loop README.md's "Act on feedback" shows. An invitation, a low
// rating that opens a follow-up, the customer at risk, the follow-up overdue and resolved by its
// etag, and a stale etag refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Channel,
  Code,
  FollowUpState,
  HealthBand,
  Metric,
  createCsatClient,
  errorCode,
  errorReason,
  type CsatTransportKind,
  type FollowUp,
} from "@csat/client";
import { rejection } from "./bar.js";
import { startServer, type RunningServer } from "./server.js";

describe("acting on feedback", () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    const exitCode = await server?.stop();
    assert.equal(exitCode, 0, "csat stops with exit code 0 on SIGTERM");
  });

  for (const transport of ["grpc", "grpc-web", "connect"] as const satisfies readonly CsatTransportKind[]) {
    it(`invites, opens a follow-up, reads the customer and resolves it over ${transport}`, async () => {
      const csat = createCsatClient({ baseUrl: server.baseUrl, transport });
      const tag = transport.replace("-", "");
      const surveyId = `ts-loop-${tag}`;
      const customerId = `ts-cust-${tag}`;
      const touchpoint = `ts_checkout_${tag}`;
      try {
        await csat.surveys.createSurvey({
          surveyId,
          survey: {
            displayName: "TypeScript checkout",
            question: "How satisfied are you with your order?",
            touchpoint,
            metric: Metric.CSAT,
            // Due at once, so that the follow-up is overdue within the test.
            followUp: { maxScore: 2, dueWithin: { seconds: 1n } },
          },
        });

        const invited = await csat.invitations.createInvitation({
          invitation: { invitationId: `order-${tag}`, surveyId, customerId, channel: Channel.EMAIL },
        });
        assert.equal(invited.suppressed, false);
        assert.equal(invited.invitation?.touchpoint, touchpoint);

        await csat.ratings.submitRating({
          rating: { ratingId: `order-${tag}`, surveyId, score: 1, customerId, comment: "Arrived broken" },
        });

        const { customer } = await csat.customers.getCustomer({ customerId });
        assert.equal(customer?.ratingCount, 1n);
        assert.equal(customer?.openFollowUpCount, 1n);
        assert.equal(customer?.health, 0);
        assert.equal(customer?.healthBand, HealthBand.CRITICAL);

        // README: the at-risk customers, the lowest health first.
        const { customers } = await csat.customers.listCustomers({
          filter: { touchpoints: [touchpoint] },
          orderBy: "health",
        });
        assert.deepEqual(customers.map((c) => c.customerId), [customerId]);

        // README: the follow-ups past their due time, the oldest due first.
        let overdue: FollowUp[] = [];
        for (const deadline = Date.now() + 10_000; overdue.length === 0 && Date.now() < deadline; ) {
          await sleep(200);
          ({ followUps: overdue } = await csat.followUps.listFollowUps({
            filter: { overdue: true, surveyIds: [surveyId] },
          }));
        }
        assert.equal(overdue.length, 1, "the follow-up is overdue within 10 s");
        const followUp = overdue[0]!;
        assert.equal(followUp.ratingId, `order-${tag}`);
        assert.equal(followUp.customerId, customerId);
        assert.equal(followUp.score, 1);
        assert.equal(followUp.comment, "Arrived broken");
        assert.equal(followUp.state, FollowUpState.OPEN);
        assert.notEqual(followUp.etag, "");

        // README: resolve it, naming the etag read, so that a change made meanwhile is not overwritten.
        const resolve = () =>
          csat.followUps.updateFollowUp({
            followUp: { followUpId: followUp.followUpId, state: FollowUpState.RESOLVED, resolutionCode: "replaced" },
            updateMask: { paths: ["state", "resolution_code"] },
            etag: followUp.etag,
          });
        const { followUp: resolved } = await resolve();
        assert.equal(resolved?.state, FollowUpState.RESOLVED);
        assert.equal(resolved?.resolutionCode, "replaced");
        assert.ok(resolved?.closeTime, "a resolved follow-up has a close_time");
        assert.notEqual(resolved?.etag, followUp.etag);

        // The same update again carries the etag the first one replaced.
        const stale = await rejection(resolve());
        assert.equal(errorCode(stale), Code.Aborted);
        assert.equal(errorReason(stale), "FOLLOW_UP_ETAG_MISMATCH");

        const { customer: after } = await csat.customers.getCustomer({ customerId });
        assert.equal(after?.openFollowUpCount, 0n);

        const { invitation } = await csat.invitations.getInvitation({ invitationId: `order-${tag}` });
        assert.equal(invitation?.surveyId, surveyId);
        assert.equal(invitation?.customerId, customerId);
        assert.equal(invitation?.channel, Channel.EMAIL);
        assert.equal(invitation?.suppressed, false);
        assert.ok(invitation?.sendTime, "the invitation has its send_time");
      } finally {
        csat.close();
      }
    });
  }
});
