package com.csat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry service config bundled in the jar. */
class RetryServiceConfigTest {
    /** The file every client shares; the jar carries a copy (grpc-java reads no file by itself). */
    private static final Path SHARED = Path.of("..", "retry-service-config.json");

    @Test
    void defaultConfigRetriesUnavailableOnSubmitRating() {
        Map<String, ?> config = CsatClient.defaultServiceConfig();

        List<?> methodConfigs = (List<?>) config.get("methodConfig");
        Map<?, ?> submit = methodConfigs.stream()
                .map(methodConfig -> (Map<?, ?>) methodConfig)
                .filter(methodConfig -> ((List<?>) methodConfig.get("name"))
                        .contains(Map.of("service", "csat.v1.RatingService", "method", "SubmitRating")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("SubmitRating has no method config"));
        Map<?, ?> retryPolicy = (Map<?, ?>) submit.get("retryPolicy");
        assertEquals(List.of("UNAVAILABLE"), retryPolicy.get("retryableStatusCodes"));
        assertEquals(5.0, retryPolicy.get("maxAttempts"), "grpc-java takes numbers as doubles");
    }

    @Test
    void bundledConfigEqualsTheSharedOneWhereItExists() throws IOException {
        if (!Files.exists(SHARED)) {
            return; // clients/retry-service-config.json not written yet: the bundled copy stands alone
        }
        Map<String, ?> shared = CsatClient.parseServiceConfig(Files.readString(SHARED, StandardCharsets.UTF_8));

        assertEquals(
                shared,
                CsatClient.defaultServiceConfig(),
                "copy clients/retry-service-config.json to src/main/resources/com/csat/client/");
    }

    @Test
    void aChannelBuildsWithTheDefaultConfig() {
        try (CsatClient client = CsatClient.builder().target("localhost:1").plaintext().build()) {
            assertEquals("localhost:1", client.channel().authority());
        }
    }

    @Test
    void notAJsonObjectIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CsatClient.parseServiceConfig("[1, 2]"));
    }
}
