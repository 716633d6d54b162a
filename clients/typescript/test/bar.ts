// The bar every csat client suite meets, run against the real binary once per transport: create a
// survey; submit, with a duplicate and a bad rating whose field violations are decoded with the
// helper; page ListRatings and ListSurveys to the end; a report grouped by an attribute; a
// followed StreamRatings that receives a rating submitted after it opened; a deadline.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  Channel,
  Code,
  HealthCheckResponse_ServingStatus,
  Metric,
  SurveyState,
  createCsatClient,
  errorCode,
  errorReason,
  fieldViolations,
  type CsatClient,
  type CsatClientOptions,
  type Rating,
  type Survey,
} from "@csat/client";
import { startServer, type RunningServer } from "./server.js";

/** The ratings the bar submits: agent ana 5, 4, 2 (2 of 3 satisfied); ben 5, 5, 1, 3 (2 of 4). */
const ratings: ReadonlyArray<{ id: string; agent: string; score: number }> = [
  { id: "r-1", agent: "ana", score: 5 },
  { id: "r-2", agent: "ben", score: 5 },
  { id: "r-3", agent: "ana", score: 4 },
  { id: "r-4", agent: "ben", score: 1 },
  { id: "r-5", agent: "ana", score: 2 },
  { id: "r-6", agent: "ben", score: 5 },
  { id: "r-7", agent: "ben", score: 3 },
];

/** Defines the bar as a `describe` block with its own server, for one way of connecting. */
export function describeBar(name: string, options: Omit<CsatClientOptions, "baseUrl">): void {
  describe(`the bar over ${name}`, () => {
    let server: RunningServer;
    let client: CsatClient;
    const surveyId = "support-chat";

    before(async () => {
      server = await startServer();
      client = createCsatClient({ ...options, baseUrl: server.baseUrl });
    });

    after(async () => {
      client?.close();
      const exitCode = await server?.stop();
      assert.equal(exitCode, 0, "csat stops with exit code 0 on SIGTERM");
    });

    it("answers SERVING on the health service", async () => {
      const answer = await client.health.check({ service: "csat.v1.RatingService" });
      assert.equal(answer.status, HealthCheckResponse_ServingStatus.SERVING);
    });

    it("creates a survey with the CSAT defaults", async () => {
      const { survey } = await client.surveys.createSurvey({
        surveyId,
        survey: {
          displayName: "Support chat",
          question: "How satisfied were you with this chat?",
          touchpoint: "support_chat",
          metric: Metric.CSAT,
          dimensions: ["agent"],
        },
      });
      assert.ok(survey);
      assert.equal(survey.surveyId, surveyId);
      assert.equal(survey.metric, Metric.CSAT);
      assert.equal(survey.scaleMin, 1);
      assert.equal(survey.scaleMax, 5);
      assert.equal(survey.satisfiedThreshold, 4);
      assert.equal(survey.state, SurveyState.ACTIVE);
      assert.deepEqual(survey.dimensions, ["agent"]);
    });

    it("submits ratings, and a duplicate submit counts once", async () => {
      const stored: Rating[] = [];
      for (const { id, agent, score } of ratings) {
        const answer = await client.ratings.submitRating({
          rating: { surveyId, ratingId: id, score, channel: Channel.WEB_CHAT, attributes: { agent } },
        });
        assert.equal(answer.duplicate, false, `${id} is new`);
        stored.push(answer.rating!);
      }
      assert.equal(typeof stored[0].sequence, "bigint");
      for (let i = 1; i < stored.length; i++) {
        assert.ok(stored[i].sequence > stored[i - 1].sequence, "sequences grow in commit order");
      }

      const again = await client.ratings.submitRating({
        rating: { surveyId, ratingId: "r-1", score: 5, channel: Channel.WEB_CHAT, attributes: { agent: "ana" } },
      });

      assert.equal(again.duplicate, true);
      assert.equal(again.rating?.sequence, stored[0].sequence);
    });

    it("refuses a bad rating with every field violation, decoded by fieldViolations", async () => {
      const err = await rejection(
        client.ratings.submitRating({
          rating: { surveyId, ratingId: "r-bad", score: 9, attributes: { "Not A Key": "x" } },
        }),
      );

      assert.equal(errorCode(err), Code.InvalidArgument);
      assert.equal(errorReason(err), "INVALID_FIELD");
      const violations = fieldViolations(err).map(({ field, reason }) => ({ field, reason }));
      assert.deepEqual(
        sortByField(violations),
        sortByField([
          { field: "rating.score", reason: "OUT_OF_RANGE" },
          { field: "rating.attributes[\"Not A Key\"]", reason: "BAD_FORMAT" },
        ]),
      );
      for (const violation of fieldViolations(err)) {
        assert.notEqual(violation.description, "", `${violation.field} has a description`);
      }
    });

    it("answers NOT_FOUND with reason SURVEY_NOT_FOUND for an unknown survey", async () => {
      const err = await rejection(client.surveys.getSurvey({ surveyId: "no-such-survey" }));

      assert.equal(errorCode(err), Code.NotFound);
      assert.equal(errorReason(err), "SURVEY_NOT_FOUND");
      assert.deepEqual(fieldViolations(err), []);
    });

    it("pages ListRatings to the end, newest first, each rating once", async () => {
      const seen: Rating[] = [];
      let pageToken = "";
      let pages = 0;
      do {
        const page = await client.ratings.listRatings({ filter: { surveyIds: [surveyId] }, pageSize: 3, pageToken });
        seen.push(...page.ratings);
        pageToken = page.nextPageToken;
        pages++;
        assert.ok(pages <= 10, "paging ends");
      } while (pageToken !== "");

      assert.equal(pages, 3);
      assert.deepEqual(
        seen.map((rating) => rating.ratingId),
        ratings.map(({ id }) => id).reverse(),
      );
    });

    it("pages ListSurveys to the end", async () => {
      for (const extra of ["checkout", "onboarding"]) {
        await client.surveys.createSurvey({
          surveyId: extra,
          survey: { displayName: extra, question: "How was it?", touchpoint: extra, metric: Metric.CSAT },
        });
      }

      const seen: Survey[] = [];
      let pageToken = "";
      let pages = 0;
      do {
        const page = await client.surveys.listSurveys({ pageSize: 1, pageToken });
        seen.push(...page.surveys);
        pageToken = page.nextPageToken;
        pages++;
        assert.ok(pages <= 10, "paging ends");
      } while (pageToken !== "");

      assert.deepEqual(seen.map((survey) => survey.surveyId).sort(), ["checkout", "onboarding", surveyId]);
    });

    it("reports CSAT grouped by an attribute", async () => {
      const { report } = await client.reports.getReport({
        query: { filter: { surveyIds: [surveyId] }, groupBy: ["attributes.agent"] },
      });

      assert.ok(report?.overall);
      assert.equal(report.overall.ratingCount, 7n);
      assert.equal(report.overall.satisfiedCount, 4n);
      assert.ok(Math.abs(report.overall.csat! - (100 * 4) / 7) < 1e-9);
      const byAgent = Object.fromEntries(
        report.groups.map((group) => [
          group.key["attributes.agent"],
          { ratingCount: group.metrics?.ratingCount, satisfiedCount: group.metrics?.satisfiedCount },
        ]),
      );
      assert.deepEqual(byAgent, {
        ana: { ratingCount: 3n, satisfiedCount: 2n },
        ben: { ratingCount: 4n, satisfiedCount: 2n },
      });
      assert.equal(report.asOfSequence > 0n, true);
    });

    // No timeoutMs on this stream: Connect-ES 2.1 keeps a stream's deadline timer running after
    // the caller aborts it, which would hold the test process that long. The test's own timeout
    // guards it instead.
    it("delivers a rating submitted after a followed stream opened", { timeout: 20_000 }, async () => {
      const abort = new AbortController();
      const stream = client.ratings.streamRatings(
        { filter: { surveyIds: [surveyId] }, startAfter: 0n, follow: true },
        { signal: abort.signal },
      );
      const received = stream[Symbol.asyncIterator]();
      try {
        // The stored ratings come first, in sequence order: the stream is open and flowing.
        for (const { id } of ratings) {
          const next = await received.next();
          assert.equal(next.done, false);
          assert.equal(next.value.rating?.ratingId, id);
        }

        const submitted = await client.ratings.submitRating({
          rating: { surveyId, ratingId: "r-live", score: 1, attributes: { agent: "ana" } },
        });

        const next = await received.next();
        assert.equal(next.done, false);
        assert.equal(next.value.rating?.ratingId, "r-live");
        assert.equal(next.value.rating?.sequence, submitted.rating?.sequence);
      } finally {
        abort.abort();
        await received.return?.();
      }
    });

    it("ends a followed stream at its deadline with DEADLINE_EXCEEDED", async () => {
      const stream = client.ratings.streamRatings(
        { filter: { surveyIds: [surveyId] }, startAfter: 0n, follow: true },
        { timeoutMs: 500 },
      );
      let count = 0;

      const err = await rejection(
        (async () => {
          for await (const _ of stream) {
            count++;
          }
        })(),
      );

      assert.equal(errorCode(err), Code.DeadlineExceeded);
      assert.equal(count, ratings.length + 1);
    });
  });
}

/** Returns what `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected the call to fail");
}

function sortByField<T extends { field: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.field.localeCompare(b.field));
}
