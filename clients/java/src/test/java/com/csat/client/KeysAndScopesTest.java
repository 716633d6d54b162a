package com.csat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.csat.v1.CreateSurveyRequest;
import com.csat.v1.GetSurveyRequest;
import com.csat.v1.ListSurveysRequest;
import com.csat.v1.Metric;
import com.csat.v1.Rating;
import com.csat.v1.RatingFilter;
import com.csat.v1.StreamRatingsRequest;
import com.csat.v1.StreamRatingsResponse;
import com.csat.v1.SubmitRatingRequest;
import com.csat.v1.Survey;
import com.google.rpc.ErrorInfo;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Keys and scopes against a server started with a keys file: the builder's token reaches every call,
 * a followed stream included, and the refusals decode with {@link CsatErrors}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysAndScopesTest {
    private static final String ADMIN_KEY = "csat-java-test-admin-key";
    private static final String READER_KEY = "csat-java-test-reader-key";
    private static final String LIMITED_KEY = "csat-java-test-limited-key";

    private Path keysFile;
    private CsatServer server;

    @BeforeAll
    void startServer() throws Exception {
        keysFile = Files.createTempFile("csat-java-keys", ".yaml");
        Files.writeString(
                keysFile,
                "keys:\n"
                        + "  - {name: admin, sha256: " + sha256(ADMIN_KEY) + ", scopes: [admin]}\n"
                        + "  - {name: reader, sha256: " + sha256(READER_KEY) + ", scopes: ['surveys:read']}\n"
                        + "  - {name: limited, sha256: " + sha256(LIMITED_KEY)
                        + ", scopes: ['surveys:read'], requests_per_second: 1}\n");
        server = CsatServer.start("--api-keys-file", keysFile.toString());
        try (CsatClient admin = clientWith(ADMIN_KEY)) {
            admin.surveys()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createSurvey(
                            CreateSurveyRequest.newBuilder()
                                    .setSurveyId("keyed")
                                    .setSurvey(
                                            Survey.newBuilder()
                                                    .setDisplayName("Keyed")
                                                    .setQuestion("Happy?")
                                                    .setTouchpoint("support_chat")
                                                    .setMetric(Metric.METRIC_CSAT))
                                    .build());
        }
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(keysFile);
    }

    private static String sha256(String key) throws NoSuchAlgorithmException {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private CsatClient clientWith(String token) {
        return CsatClient.builder().target(server.target()).token(token).plaintext().build();
    }

    @Test
    void aCallWithTheKeyWorks() {
        try (CsatClient admin = clientWith(ADMIN_KEY)) {
            Survey survey =
                    admin.surveys()
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getSurvey(GetSurveyRequest.newBuilder().setSurveyId("keyed").build())
                            .getSurvey();
            assertEquals("keyed", survey.getSurveyId());
        }
    }

    @Test
    void withoutAKeyTheCallIsUnauthenticated() {
        try (CsatClient anonymous = clientWith(null)) {
            StatusRuntimeException refused =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> anonymous.surveys()
                                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .getSurvey(GetSurveyRequest.newBuilder().setSurveyId("keyed").build()));
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
            assertEquals("API_KEY_INVALID", CsatErrors.errorReason(refused));
        }
    }

    @Test
    void aKeyWithoutTheScopeIsDeniedNamingTheScope() {
        try (CsatClient reader = clientWith(READER_KEY)) {
            StatusRuntimeException refused =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> reader.ratings()
                                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .submitRating(
                                            SubmitRatingRequest.newBuilder()
                                                    .setRating(
                                                            Rating.newBuilder()
                                                                    .setSurveyId("keyed")
                                                                    .setRatingId("denied")
                                                                    .setScore(5))
                                                    .build()));
            ErrorInfo info = CsatErrors.errorInfo(refused).orElseThrow();
            assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
            assertEquals("SCOPE_MISSING", info.getReason());
            assertEquals("ratings:write", info.getMetadataOrDefault("scope", ""));
        }
    }

    @Test
    void aFollowedStreamWithTheKeyReceivesARating() throws Exception {
        try (CsatClient admin = clientWith(ADMIN_KEY)) {
            Context.CancellableContext context = Context.current().withCancellation();
            try {
                Rating received =
                        context.call(
                                () -> {
                                    Iterator<StreamRatingsResponse> stream =
                                            admin.ratings()
                                                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                                                    .streamRatings(
                                                            StreamRatingsRequest.newBuilder()
                                                                    .setFilter(RatingFilter.newBuilder().addSurveyIds("keyed"))
                                                                    .setFollow(true)
                                                                    .build());
                                    admin.ratings()
                                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                                            .submitRating(
                                                    SubmitRatingRequest.newBuilder()
                                                            .setRating(
                                                                    Rating.newBuilder()
                                                                            .setSurveyId("keyed")
                                                                            .setRatingId("streamed")
                                                                            .setScore(4))
                                                            .build());
                                    return stream.next().getRating();
                                });
                assertEquals("streamed", received.getRatingId());
                assertEquals(4, received.getScore());
            } finally {
                context.cancel(null);
            }
        }
    }

    @Test
    void aKeyOverItsRateIsToldWhenToRetry() {
        try (CsatClient limited = clientWith(LIMITED_KEY)) {
            StatusRuntimeException refused =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> {
                                for (int attempt = 0; attempt < 5; attempt++) {
                                    limited.surveys()
                                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                                            .listSurveys(ListSurveysRequest.getDefaultInstance());
                                }
                            });
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
            assertEquals("RATE_LIMITED", CsatErrors.errorReason(refused));
            Duration delay = CsatErrors.retryDelay(refused).orElseThrow();
            assertTrue(!delay.isNegative() && !delay.isZero() && delay.compareTo(Duration.ofSeconds(1)) <= 0, delay.toString());
        }
    }
}
