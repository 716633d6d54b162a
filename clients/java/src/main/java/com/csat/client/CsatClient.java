package com.csat.client;

import com.csat.v1.BenchmarkServiceGrpc;
import com.csat.v1.CustomerServiceGrpc;
import com.csat.v1.FollowUpServiceGrpc;
import com.csat.v1.InvitationServiceGrpc;
import com.csat.v1.RatingServiceGrpc;
import com.csat.v1.ReportServiceGrpc;
import com.csat.v1.SurveyServiceGrpc;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A connection to a csat server: one gRPC channel, with the caller's bearer token on every call and
 * csat's retry policy, and the stubs of csat's services and of gRPC health on it.
 *
 * <pre>{@code
 * try (CsatClient csat = CsatClient.builder()
 *         .target("csat.internal:50051")
 *         .token(System.getenv("CSAT_TOKEN"))
 *         .tls(Path.of("/etc/csat/ca.pem"))
 *         .build()) {
 *     csat.ratings().withDeadlineAfter(5, TimeUnit.SECONDS).submitRating(request);
 * }
 * }</pre>
 *
 * <p>The stubs share the channel, are thread-safe and cheap: take them per call, and give each call
 * a deadline ({@code withDeadlineAfter}). Any other stub made from {@link #channel()} (a future stub,
 * say) gets the token and the retry policy too. Close the client once, when the application stops.
 */
public final class CsatClient implements AutoCloseable {
    private static final String RETRY_SERVICE_CONFIG_RESOURCE = "retry-service-config.json";

    private final ManagedChannel channel;

    private CsatClient(ManagedChannel channel) {
        this.channel = channel;
    }

    /** Returns a builder: give it a target, then {@link Builder#tls} or {@link Builder#plaintext}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the channel under the stubs, with the token and the retry policy: for stubs this class
     * does not offer ({@code SurveyServiceGrpc.newFutureStub(client.channel())}).
     */
    public ManagedChannel channel() {
        return channel;
    }

    /** Returns a blocking stub of SurveyService: create, get, list, update and archive surveys. */
    public SurveyServiceGrpc.SurveyServiceBlockingStub surveys() {
        return SurveyServiceGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of SurveyService, answering through a StreamObserver. */
    public SurveyServiceGrpc.SurveyServiceStub surveysAsync() {
        return SurveyServiceGrpc.newStub(channel);
    }

    /** Returns a blocking stub of RatingService: submit ratings, read them, stream them. */
    public RatingServiceGrpc.RatingServiceBlockingStub ratings() {
        return RatingServiceGrpc.newBlockingStub(channel);
    }

    /**
     * Returns an asynchronous stub of RatingService, answering through a StreamObserver; the only
     * way to call ImportRatings, which streams from the client.
     */
    public RatingServiceGrpc.RatingServiceStub ratingsAsync() {
        return RatingServiceGrpc.newStub(channel);
    }

    /** Returns a blocking stub of ReportService: CSAT, NPS and CES reports, once or watched. */
    public ReportServiceGrpc.ReportServiceBlockingStub reports() {
        return ReportServiceGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of ReportService, answering through a StreamObserver. */
    public ReportServiceGrpc.ReportServiceStub reportsAsync() {
        return ReportServiceGrpc.newStub(channel);
    }

    /** Returns a blocking stub of BenchmarkService: targets and industry figures to compare with. */
    public BenchmarkServiceGrpc.BenchmarkServiceBlockingStub benchmarks() {
        return BenchmarkServiceGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of BenchmarkService, answering through a StreamObserver. */
    public BenchmarkServiceGrpc.BenchmarkServiceStub benchmarksAsync() {
        return BenchmarkServiceGrpc.newStub(channel);
    }

    /**
     * Returns a blocking stub of CustomerService: customer health, the at-risk list ({@code
     * listCustomers} ordered by {@code health}), the health policy, erasure.
     */
    public CustomerServiceGrpc.CustomerServiceBlockingStub customers() {
        return CustomerServiceGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of CustomerService, answering through a StreamObserver. */
    public CustomerServiceGrpc.CustomerServiceStub customersAsync() {
        return CustomerServiceGrpc.newStub(channel);
    }

    /**
     * Returns a blocking stub of FollowUpService: the follow-ups low ratings open; list them (overdue
     * ones, say), assign, resolve or dismiss them by etag, add notes.
     */
    public FollowUpServiceGrpc.FollowUpServiceBlockingStub followUps() {
        return FollowUpServiceGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of FollowUpService, answering through a StreamObserver. */
    public FollowUpServiceGrpc.FollowUpServiceStub followUpsAsync() {
        return FollowUpServiceGrpc.newStub(channel);
    }

    /**
     * Returns a blocking stub of InvitationService: record an invitation before sending it, and
     * learn whether survey fatigue suppresses it.
     */
    public InvitationServiceGrpc.InvitationServiceBlockingStub invitations() {
        return InvitationServiceGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of InvitationService, answering through a StreamObserver. */
    public InvitationServiceGrpc.InvitationServiceStub invitationsAsync() {
        return InvitationServiceGrpc.newStub(channel);
    }

    /**
     * Returns a blocking stub of grpc.health.v1.Health: {@code check("")} answers SERVING once the
     * server's database answers, and per service ({@code "csat.v1.RatingService"}).
     */
    public HealthGrpc.HealthBlockingStub health() {
        return HealthGrpc.newBlockingStub(channel);
    }

    /** Returns an asynchronous stub of grpc.health.v1.Health, for {@code watch}. */
    public HealthGrpc.HealthStub healthAsync() {
        return HealthGrpc.newStub(channel);
    }

    /**
     * Returns csat's default service config, as grpc-java takes it: UNAVAILABLE retried, up to 5
     * attempts with exponential backoff from 0.1 s to 2 s, on the read-only and idempotent methods
     * and on SubmitRating, BatchSubmitRatings and CreateInvitation (a rating_id or invitation_id
     * makes a retry answer what was stored, never a second one). The same file as
     * clients/retry-service-config.json.
     */
    public static Map<String, ?> defaultServiceConfig() {
        try (InputStream in = CsatClient.class.getResourceAsStream(RETRY_SERVICE_CONFIG_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the csat-client jar lacks " + RETRY_SERVICE_CONFIG_RESOURCE);
            }
            return parseServiceConfig(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a gRPC service config written in JSON into the map grpc-java takes: objects as maps,
     * arrays as lists, numbers as doubles.
     *
     * @throws IllegalArgumentException if the text is not a JSON object
     */
    public static Map<String, ?> parseServiceConfig(String json) {
        Struct.Builder struct = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(json, struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("a service config is a JSON object: " + e.getMessage(), e);
        }
        return toMap(struct.build());
    }

    private static Map<String, Object> toMap(Struct struct) {
        Map<String, Object> map = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> map.put(key, toJavaValue(value)));
        return Collections.unmodifiableMap(map);
    }

    private static List<Object> toList(ListValue list) {
        List<Object> values = new ArrayList<>(list.getValuesCount());
        list.getValuesList().forEach(value -> values.add(toJavaValue(value)));
        return Collections.unmodifiableList(values);
    }

    private static Object toJavaValue(Value value) {
        switch (value.getKindCase()) {
            case NULL_VALUE:
                return null;
            case NUMBER_VALUE:
                return value.getNumberValue();
            case STRING_VALUE:
                return value.getStringValue();
            case BOOL_VALUE:
                return value.getBoolValue();
            case STRUCT_VALUE:
                return toMap(value.getStructValue());
            case LIST_VALUE:
                return toList(value.getListValue());
            case KIND_NOT_SET:
            default:
                throw new IllegalArgumentException("a JSON value of no known kind: " + value);
        }
    }

    /**
     * Starts an orderly shutdown and waits up to 5 seconds for calls in flight (an open stream
     * included) to end, then cancels those left.
     */
    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sets up a {@link CsatClient}. Only the target is required; the channel is TLS with the
     * system's trusted roots unless {@link #plaintext()} is called.
     */
    public static final class Builder {
        private String target;
        private String token;
        private boolean plaintext;
        private Path trustedCertificates;
        private Path clientCertificateChain;
        private Path clientPrivateKey;
        private Map<String, ?> serviceConfig;
        private boolean retries = true;
        private Consumer<ManagedChannelBuilder<?>> customizer = builder -> {};

        private Builder() {}

        /**
         * Sets the server to call: {@code host:port} ({@code localhost:50051}, {@code
         * csat.internal:443}) or any target grpc-java resolves ({@code dns:///host:port}).
         */
        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Sets the API key sent on every call as {@code authorization: Bearer <token>}; null or
         * empty sends none.
         */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** Uses TLS, trusting the system's root certificates (the default). */
        public Builder tls() {
            this.plaintext = false;
            this.trustedCertificates = null;
            return this;
        }

        /** Uses TLS, trusting the PEM certificates in {@code trustedCertificates} (a private CA). */
        public Builder tls(Path trustedCertificates) {
            this.plaintext = false;
            this.trustedCertificates = Objects.requireNonNull(trustedCertificates, "trustedCertificates");
            return this;
        }

        /**
         * Presents a client certificate (mutual TLS; both files PEM), for a server started with
         * {@code --tls-client-ca}. Implies TLS.
         */
        public Builder clientCertificate(Path certificateChain, Path privateKey) {
            this.plaintext = false;
            this.clientCertificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.clientPrivateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /**
         * Uses no TLS: for a server on localhost or behind a sidecar that terminates TLS. A token
         * sent this way crosses the network in clear text.
         */
        public Builder plaintext() {
            this.plaintext = true;
            this.trustedCertificates = null;
            this.clientCertificateChain = null;
            this.clientPrivateKey = null;
            return this;
        }

        /**
         * Replaces the default service config ({@link CsatClient#defaultServiceConfig()}), for
         * example with one parsed by {@link CsatClient#parseServiceConfig(String)}.
         */
        public Builder serviceConfig(Map<String, ?> serviceConfig) {
            this.serviceConfig = Objects.requireNonNull(serviceConfig, "serviceConfig");
            return this;
        }

        /** Turns retries off: every failure reaches the caller at once. */
        public Builder disableRetries() {
            this.retries = false;
            return this;
        }

        /**
         * Runs {@code customizer} on the channel builder before the channel is built, for settings
         * this builder does not name (keepalive, executor, message size limits, user agent).
         */
        public Builder configureChannel(Consumer<ManagedChannelBuilder<?>> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Builds the client. The channel connects lazily, on the first call.
         *
         * @throws IllegalStateException if no target was given
         * @throws UncheckedIOException if a certificate or key file cannot be read
         */
        public CsatClient build() {
            if (target == null || target.isEmpty()) {
                throw new IllegalStateException("CsatClient needs a target, such as localhost:50051");
            }
            ManagedChannelBuilder<?> channelBuilder = Grpc.newChannelBuilder(target, credentials());
            if (retries) {
                channelBuilder
                        .defaultServiceConfig(serviceConfig != null ? serviceConfig : defaultServiceConfig())
                        .enableRetry();
            } else {
                channelBuilder.disableRetry();
            }
            if (token != null && !token.isEmpty()) {
                channelBuilder.intercept(new BearerTokenInterceptor(token));
            }
            customizer.accept(channelBuilder);
            return new CsatClient(channelBuilder.build());
        }

        private ChannelCredentials credentials() {
            if (plaintext) {
                return InsecureChannelCredentials.create();
            }
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            try {
                if (trustedCertificates != null) {
                    tls.trustManager(trustedCertificates.toFile());
                }
                if (clientCertificateChain != null) {
                    tls.keyManager(clientCertificateChain.toFile(), clientPrivateKey.toFile());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading the TLS certificates: " + e.getMessage(), e);
            }
            return tls.build();
        }
    }

    /** Adds {@code authorization: Bearer <token>} to the headers of every call. */
    private static final class BearerTokenInterceptor implements ClientInterceptor {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

        private final String headerValue;

        BearerTokenInterceptor(String token) {
            this.headerValue = "Bearer " + token;
        }

        @Override
        public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
                MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
                @Override
                public void start(Listener<RespT> responseListener, Metadata headers) {
                    headers.put(AUTHORIZATION, headerValue);
                    super.start(responseListener, headers);
                }
            };
        }
    }
}
