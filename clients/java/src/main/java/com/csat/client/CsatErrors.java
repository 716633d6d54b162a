package com.csat.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the details csat puts on its errors (the google.rpc.Status in the {@code
 * grpc-status-details-bin} trailer), so that a caller branches on a reason instead of parsing
 * messages.
 *
 * <p>Every csat error carries a google.rpc.ErrorInfo with domain {@code "csat"} and a reason such as
 * {@code SURVEY_NOT_FOUND}; bad input is INVALID_ARGUMENT with reason {@code INVALID_FIELD} and a
 * google.rpc.BadRequest naming each offending field ({@code rating.score}) with its own reason
 * ({@code REQUIRED}, {@code BAD_FORMAT}, {@code OUT_OF_RANGE}, {@code TOO_LONG}, {@code TOO_MANY},
 * {@code UNKNOWN_VALUE}, {@code REPEATED}, {@code INCONSISTENT}; read one you do not know as the
 * field being invalid).
 *
 * <p>Each method takes the exception a stub threw (a {@link io.grpc.StatusRuntimeException} from a
 * blocking stub, the {@link io.grpc.StatusException} or wrapped cause an observer or future got) and
 * finds nothing, rather than throwing, where the error has no such detail: one raised by the client
 * itself (DEADLINE_EXCEEDED, UNAVAILABLE before the server answered) has none.
 */
public final class CsatErrors {
    /** The ErrorInfo domain of every error csat itself raises. */
    public static final String DOMAIN = "csat";

    private CsatErrors() {}

    /**
     * Returns the field violations of the error's google.rpc.BadRequest, in the server's order, or an
     * empty list when it has none.
     */
    public static List<BadRequest.FieldViolation> fieldViolations(Throwable error) {
        List<BadRequest.FieldViolation> violations = new ArrayList<>();
        for (BadRequest badRequest : details(error, BadRequest.class)) {
            violations.addAll(badRequest.getFieldViolationsList());
        }
        return violations;
    }

    /**
     * Returns the reason of the error's google.rpc.ErrorInfo ({@code SURVEY_NOT_FOUND}, {@code
     * INVALID_FIELD}…), or the empty string when it has none.
     */
    public static String errorReason(Throwable error) {
        return errorInfo(error).map(ErrorInfo::getReason).orElse("");
    }

    /**
     * Returns the error's google.rpc.ErrorInfo, with its domain and metadata (PERMISSION_DENIED's
     * {@code scope}, say), if it has one.
     */
    public static Optional<ErrorInfo> errorInfo(Throwable error) {
        return details(error, ErrorInfo.class).stream().findFirst();
    }

    /**
     * Returns the delay of the error's google.rpc.RetryInfo, if it has one. csat sends it with
     * RESOURCE_EXHAUSTED, reason {@code RATE_LIMITED} (a key over its requests_per_second): wait
     * that long, then call again; the retry service config does not retry RESOURCE_EXHAUSTED.
     */
    public static Optional<Duration> retryDelay(Throwable error) {
        return details(error, RetryInfo.class).stream()
                .filter(RetryInfo::hasRetryDelay)
                .findFirst()
                .map(info -> Duration.ofSeconds(info.getRetryDelay().getSeconds(), info.getRetryDelay().getNanos()));
    }

    /**
     * Returns the details of the given type in the error's google.rpc.Status, skipping any that do
     * not parse; empty when the error carries no status details.
     */
    public static <T extends Message> List<T> details(Throwable error, Class<T> type) {
        List<T> found = new ArrayList<>();
        if (error == null) {
            return found;
        }
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        if (status == null) {
            return found;
        }
        for (Any detail : status.getDetailsList()) {
            if (!detail.is(type)) {
                continue;
            }
            try {
                found.add(detail.unpack(type));
            } catch (InvalidProtocolBufferException e) {
                // A detail that claims the type but does not parse tells nothing: skip it.
            }
        }
        return found;
    }
}
