package com.csat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the channel CsatClient builds sends and how it retries, seen from a local gRPC health server
 * that records the authorization header and fails the first calls with UNAVAILABLE.
 */
class ChannelBehaviourTest {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private Server server;

    @BeforeEach
    void startServer() throws IOException {
        ServerInterceptor recorder =
                new ServerInterceptor() {
                    @Override
                    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
                        attempts.incrementAndGet();
                        authorization.set(headers.get(AUTHORIZATION));
                        if (failuresLeft.getAndDecrement() > 0) {
                            call.close(Status.UNAVAILABLE.withDescription("not yet"), new Metadata());
                            return new ServerCall.Listener<>() {};
                        }
                        return next.startCall(call, headers);
                    }
                };
        server =
                Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                        .addService(new HealthStatusManager().getHealthService())
                        .intercept(recorder)
                        .build()
                        .start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private HealthCheckResponse.ServingStatus check(CsatClient client) {
        return client.health()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
    }

    private CsatClient.Builder localClient() {
        return CsatClient.builder().target("localhost:" + server.getPort()).plaintext();
    }

    @Test
    void tokenIsSentAsBearerAuthorization() {
        try (CsatClient client = localClient().token("s3cret").build()) {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, check(client));
        }

        assertEquals("Bearer s3cret", authorization.get());
    }

    @Test
    void noTokenSendsNoAuthorization() {
        try (CsatClient client = localClient().build()) {
            check(client);
        }

        assertNull(authorization.get());
    }

    @Test
    void unavailableIsRetriedByTheDefaultServiceConfig() {
        failuresLeft.set(2);

        try (CsatClient client = localClient().build()) {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, check(client));
        }

        assertEquals(3, attempts.get());
    }

    @Test
    void disabledRetriesReportTheFirstFailure() {
        failuresLeft.set(1);

        try (CsatClient client = localClient().disableRetries().build()) {
            StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> check(client));
            assertEquals(Status.Code.UNAVAILABLE, error.getStatus().getCode());
        }

        assertEquals(1, attempts.get());
    }
}
