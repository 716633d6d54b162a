package com.csat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CsatErrors on statuses built here, as csat sends them and as the client raises them. */
class CsatErrorsTest {
    private static StatusRuntimeException invalidRating() {
        com.google.rpc.Status status =
                com.google.rpc.Status.newBuilder()
                        .setCode(Code.INVALID_ARGUMENT_VALUE)
                        .setMessage("rating.score: out of range")
                        .addDetails(
                                Any.pack(
                                        ErrorInfo.newBuilder()
                                                .setDomain("csat")
                                                .setReason("INVALID_FIELD")
                                                .build()))
                        .addDetails(
                                Any.pack(
                                        BadRequest.newBuilder()
                                                .addFieldViolations(
                                                        BadRequest.FieldViolation.newBuilder()
                                                                .setField("rating.score")
                                                                .setDescription("9 is outside 1..5")
                                                                .setReason("OUT_OF_RANGE"))
                                                .addFieldViolations(
                                                        BadRequest.FieldViolation.newBuilder()
                                                                .setField("rating.survey_id")
                                                                .setReason("REQUIRED"))
                                                .build()))
                        .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    @Test
    void fieldViolationsComeInServerOrder() {
        List<BadRequest.FieldViolation> violations = CsatErrors.fieldViolations(invalidRating());

        assertEquals(2, violations.size());
        assertEquals("rating.score", violations.get(0).getField());
        assertEquals("OUT_OF_RANGE", violations.get(0).getReason());
        assertEquals("9 is outside 1..5", violations.get(0).getDescription());
        assertEquals("rating.survey_id", violations.get(1).getField());
        assertEquals("REQUIRED", violations.get(1).getReason());
    }

    @Test
    void errorReasonReadsErrorInfo() {
        assertEquals("INVALID_FIELD", CsatErrors.errorReason(invalidRating()));
        assertEquals("csat", CsatErrors.errorInfo(invalidRating()).orElseThrow().getDomain());
    }

    @Test
    void detailsAreFoundThroughAWrappingException() {
        RuntimeException wrapped = new RuntimeException("call failed", invalidRating());

        assertEquals("INVALID_FIELD", CsatErrors.errorReason(wrapped));
        assertEquals(2, CsatErrors.fieldViolations(wrapped).size());
    }

    @Test
    void errorWithoutDetailsGivesNothing() {
        StatusRuntimeException raisedByClient = Status.DEADLINE_EXCEEDED.asRuntimeException();

        assertEquals("", CsatErrors.errorReason(raisedByClient));
        assertTrue(CsatErrors.fieldViolations(raisedByClient).isEmpty());
        assertTrue(CsatErrors.errorInfo(raisedByClient).isEmpty());
        assertEquals("", CsatErrors.errorReason(null));
    }
}
