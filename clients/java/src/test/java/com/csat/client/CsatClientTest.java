package com.csat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.csat.v1.BatchSubmitRatingsRequest;
import com.csat.v1.Channel;
import com.csat.v1.CreateSurveyRequest;
import com.csat.v1.GetReportRequest;
import com.csat.v1.GetSurveyRequest;
import com.csat.v1.ListRatingsRequest;
import com.csat.v1.ListRatingsResponse;
import com.csat.v1.ListSurveysRequest;
import com.csat.v1.ListSurveysResponse;
import com.csat.v1.Metric;
import com.csat.v1.Metrics;
import com.csat.v1.Rating;
import com.csat.v1.RatingFilter;
import com.csat.v1.Report;
import com.csat.v1.ReportGroup;
import com.csat.v1.ReportQuery;
import com.csat.v1.StreamRatingsRequest;
import com.csat.v1.StreamRatingsResponse;
import com.csat.v1.SubmitRatingRequest;
import com.csat.v1.SubmitRatingResponse;
import com.csat.v1.Survey;
import com.csat.v1.SurveyState;
import com.google.rpc.BadRequest.FieldViolation;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The bar every csat client meets, against the real binary (see {@link CsatServer}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsatClientTest {
    private CsatServer server;
    private CsatClient csat;

    @BeforeAll
    void startServer() throws Exception {
        server = CsatServer.start();
        csat = server.client();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (csat != null) {
            csat.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Creates an active CSAT survey on 1-5 at support_chat that declares the dimension agent. */
    private Survey createSurvey(String surveyId) {
        return csat.surveys()
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .createSurvey(
                        CreateSurveyRequest.newBuilder()
                                .setSurveyId(surveyId)
                                .setSurvey(
                                        Survey.newBuilder()
                                                .setDisplayName("Support chat " + surveyId)
                                                .setQuestion("How satisfied were you with this chat?")
                                                .setTouchpoint("support_chat")
                                                .setMetric(Metric.METRIC_CSAT)
                                                .addDimensions("agent"))
                                .build())
                .getSurvey();
    }

    private static Rating rating(String surveyId, String ratingId, int score, String agent) {
        return Rating.newBuilder()
                .setSurveyId(surveyId)
                .setRatingId(ratingId)
                .setScore(score)
                .setChannel(Channel.CHANNEL_WEB_CHAT)
                .putAttributes("agent", agent)
                .build();
    }

    private SubmitRatingResponse submit(Rating rating) {
        return csat.ratings()
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .submitRating(SubmitRatingRequest.newBuilder().setRating(rating).build());
    }

    @Test
    void healthIsServingForEachService() {
        for (String service : List.of("", "csat.v1.SurveyService", "csat.v1.RatingService")) {
            HealthCheckResponse response =
                    csat.health()
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.newBuilder().setService(service).build());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus(), service);
        }
    }

    @Test
    void createdSurveyGetsDefaultsAndReadsBack() {
        Survey created = createSurvey("created");

        assertEquals("created", created.getSurveyId());
        assertEquals(1, created.getScaleMin());
        assertEquals(5, created.getScaleMax());
        assertEquals(4, created.getSatisfiedThreshold(), "top-2-box on 1-5");
        assertEquals(SurveyState.SURVEY_STATE_ACTIVE, created.getState());
        Survey read =
                csat.surveys()
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getSurvey(GetSurveyRequest.newBuilder().setSurveyId("created").build())
                        .getSurvey();
        assertEquals(created, read);
    }

    @Test
    void takenSurveyIdIsAlreadyExistsWithItsReason() {
        createSurvey("taken");

        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> createSurvey("taken"));

        assertEquals(Status.Code.ALREADY_EXISTS, error.getStatus().getCode());
        assertEquals("SURVEY_ALREADY_EXISTS", CsatErrors.errorReason(error));
        assertEquals(CsatErrors.DOMAIN, CsatErrors.errorInfo(error).orElseThrow().getDomain());
    }

    @Test
    void duplicateSubmitCountsOnceAndOtherContentIsRefused() {
        createSurvey("duplicates");
        Rating rating = rating("duplicates", "ticket-1", 5, "a-1");

        SubmitRatingResponse first = submit(rating);
        SubmitRatingResponse again = submit(rating);

        assertFalse(first.getDuplicate());
        assertTrue(again.getDuplicate());
        assertEquals(first.getRating().getSequence(), again.getRating().getSequence());
        StatusRuntimeException conflict =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> submit(rating.toBuilder().setScore(1).build()));
        assertEquals(Status.Code.ALREADY_EXISTS, conflict.getStatus().getCode());
        ListRatingsResponse stored =
                csat.ratings()
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .listRatings(
                                ListRatingsRequest.newBuilder()
                                        .setFilter(RatingFilter.newBuilder().addSurveyIds("duplicates"))
                                        .build());
        assertEquals(1, stored.getRatingsCount(), "the duplicate is counted once");
        assertEquals(5, stored.getRatings(0).getScore());
    }

    @Test
    void badRatingIsDecodedIntoFieldViolations() {
        createSurvey("bad-input");
        Rating bad =
                rating("bad-input", "ticket-1", 9, "a-1").toBuilder().putAttributes("Not A Key", "x").build();

        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> submit(bad));

        assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
        assertEquals("INVALID_FIELD", CsatErrors.errorReason(error));
        Map<String, String> reasonByField =
                CsatErrors.fieldViolations(error).stream()
                        .collect(Collectors.toMap(FieldViolation::getField, FieldViolation::getReason));
        assertEquals("OUT_OF_RANGE", reasonByField.get("rating.score"), reasonByField.toString());
        assertEquals("BAD_FORMAT", reasonByField.get("rating.attributes[\"Not A Key\"]"), reasonByField.toString());
        assertEquals(2, reasonByField.size(), reasonByField.toString());
    }

    @Test
    void unknownSurveyIsNotFoundWithItsReason() {
        StatusRuntimeException error =
                assertThrows(StatusRuntimeException.class, () -> submit(rating("no-such-survey", "t", 5, "a")));

        assertEquals(Status.Code.NOT_FOUND, error.getStatus().getCode());
        assertEquals("SURVEY_NOT_FOUND", CsatErrors.errorReason(error));
        assertTrue(CsatErrors.fieldViolations(error).isEmpty());
    }

    @Test
    void ratingsPageToTheEndNewestFirst() {
        createSurvey("paging");
        BatchSubmitRatingsRequest.Builder batch = BatchSubmitRatingsRequest.newBuilder();
        for (int i = 1; i <= 7; i++) {
            batch.addRatings(rating("paging", "ticket-" + i, 1 + i % 5, "a-1"));
        }
        csat.ratings().withDeadlineAfter(5, TimeUnit.SECONDS).batchSubmitRatings(batch.build());

        List<Integer> pageSizes = new ArrayList<>();
        List<String> ratingIds = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        String pageToken = "";
        do {
            ListRatingsResponse page =
                    csat.ratings()
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .listRatings(
                                    ListRatingsRequest.newBuilder()
                                            .setFilter(RatingFilter.newBuilder().addSurveyIds("paging"))
                                            .setPageSize(3)
                                            .setPageToken(pageToken)
                                            .build());
            pageSizes.add(page.getRatingsCount());
            page.getRatingsList().forEach(r -> {
                ratingIds.add(r.getRatingId());
                sequences.add(r.getSequence());
            });
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());

        assertEquals(List.of(3, 3, 1), pageSizes);
        assertEquals(
                List.of("ticket-7", "ticket-6", "ticket-5", "ticket-4", "ticket-3", "ticket-2", "ticket-1"),
                ratingIds);
        List<Long> descending = new ArrayList<>(sequences);
        descending.sort((a, b) -> Long.compare(b, a));
        assertEquals(descending, sequences);
    }

    @Test
    void surveysPageToTheEnd() {
        for (int i = 0; i < 3; i++) {
            createSurvey("listed-" + i);
        }
        List<String> surveyIds = new ArrayList<>();
        String pageToken = "";
        do {
            ListSurveysResponse page =
                    csat.surveys()
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .listSurveys(
                                    ListSurveysRequest.newBuilder().setPageSize(1).setPageToken(pageToken).build());
            assertTrue(page.getSurveysCount() <= 1);
            page.getSurveysList().forEach(s -> surveyIds.add(s.getSurveyId()));
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());

        assertTrue(surveyIds.containsAll(List.of("listed-0", "listed-1", "listed-2")), surveyIds.toString());
        List<String> sorted = new ArrayList<>(surveyIds);
        sorted.sort(String::compareTo);
        assertEquals(sorted, surveyIds, "survey_id order, no repeats across pages");
        assertEquals(surveyIds.size(), surveyIds.stream().distinct().count());
    }

    @Test
    void reportGroupsByAgent() {
        createSurvey("report");
        int[] scoresOfA1 = {5, 4, 2};
        for (int i = 0; i < scoresOfA1.length; i++) {
            submit(rating("report", "a1-" + i, scoresOfA1[i], "a-1"));
        }
        submit(rating("report", "a2-0", 1, "a-2"));

        Report report =
                csat.reports()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getReport(
                                GetReportRequest.newBuilder()
                                        .setQuery(
                                                ReportQuery.newBuilder()
                                                        .setFilter(RatingFilter.newBuilder().addSurveyIds("report"))
                                                        .addGroupBy("attributes.agent"))
                                        .build())
                        .getReport();

        assertEquals(4, report.getOverall().getRatingCount());
        assertEquals(50.0, report.getOverall().getCsat(), 1e-9);
        Map<String, Metrics> byAgent = new HashMap<>();
        for (ReportGroup group : report.getGroupsList()) {
            byAgent.put(group.getKeyMap().get("attributes.agent"), group.getMetrics());
        }
        assertEquals(Map.of("a-1", 3L, "a-2", 1L), countsOf(byAgent));
        assertEquals(2, byAgent.get("a-1").getSatisfiedCount());
        assertEquals(200.0 / 3.0, byAgent.get("a-1").getCsat(), 1e-9);
        assertEquals(0.0, byAgent.get("a-2").getCsat(), 1e-9);
        assertTrue(byAgent.get("a-1").getLowSample(), "3 ratings < min_sample 30");
        assertEquals(List.of(0L, 1L, 0L, 1L, 1L), byAgent.get("a-1").getDistributionList());
    }

    private static Map<String, Long> countsOf(Map<String, Metrics> byAgent) {
        Map<String, Long> counts = new HashMap<>();
        byAgent.forEach((agent, metrics) -> counts.put(agent, metrics.getRatingCount()));
        return counts;
    }

    @Test
    void followedStreamReceivesRatingSubmittedAfterItOpened() {
        createSurvey("stream");
        long storedSequence = submit(rating("stream", "before", 2, "a-1")).getRating().getSequence();

        // Cancelling the context ends the stream: a followed stream otherwise runs until the
        // caller leaves. The deadline bounds the test if the live rating never comes.
        try (Context.CancellableContext call = Context.current().withCancellation()) {
            Rating live =
                    call.call(
                            () -> {
                                Iterator<StreamRatingsResponse> stream =
                                        csat.ratings()
                                                .withDeadlineAfter(20, TimeUnit.SECONDS)
                                                .streamRatings(
                                                        StreamRatingsRequest.newBuilder()
                                                                .setFilter(
                                                                        RatingFilter.newBuilder()
                                                                                .addSurveyIds("stream")
                                                                                .setMaxScore(2))
                                                                .setFollow(true)
                                                                .build());
                                Rating stored = stream.next().getRating();
                                assertEquals("before", stored.getRatingId());
                                assertEquals(storedSequence, stored.getSequence());

                                submit(rating("stream", "happy", 5, "a-1")); // filtered out
                                submit(rating("stream", "after", 1, "a-2"));
                                return stream.next().getRating();
                            });

            assertEquals("after", live.getRatingId());
            assertEquals(1, live.getScore());
            assertTrue(live.getSequence() > storedSequence + 1, "after the filtered-out rating");
            call.cancel(null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
