package csat

import (
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

// ErrorDomain is the ErrorInfo domain of every error csat itself raises.
const ErrorDomain = "csat"

// Reasons of ErrorInfo that csat sends; more may be added. The full list, with what each means,
// is in the comments of proto/csat/v1.
const (
	// ReasonInvalidField: bad input; FieldViolations names each bad field.
	ReasonInvalidField = "INVALID_FIELD"
	// ReasonAPIKeyInvalid (UNAUTHENTICATED): no key was sent, or one the server does not hold.
	ReasonAPIKeyInvalid = "API_KEY_INVALID"
	// ReasonScopeMissing (PERMISSION_DENIED): the key lacks the scope that ErrorInfo's
	// metadata["scope"] names.
	ReasonScopeMissing = "SCOPE_MISSING"
	// ReasonRateLimited (RESOURCE_EXHAUSTED): the key is over its requests_per_second; wait
	// RetryDelay before the next call.
	ReasonRateLimited = "RATE_LIMITED"
	// ReasonFollowUpEtagMismatch (ABORTED): UpdateFollowUp named an etag that is no longer the
	// stored one; nothing changed. Read the follow-up again, decide again, resend with its etag.
	ReasonFollowUpEtagMismatch = "FOLLOW_UP_ETAG_MISMATCH"
)

// Reasons a FieldViolation carries (google.rpc.BadRequest.FieldViolation.reason). Read one not
// listed here as the field being invalid.
const (
	ViolationRequired     = "REQUIRED"
	ViolationBadFormat    = "BAD_FORMAT"
	ViolationOutOfRange   = "OUT_OF_RANGE"
	ViolationTooLong      = "TOO_LONG"
	ViolationTooMany      = "TOO_MANY"
	ViolationUnknownValue = "UNKNOWN_VALUE"
	ViolationRepeated     = "REPEATED"
	ViolationInconsistent = "INCONSISTENT"
)

// FieldViolations returns the fields that made a call fail with INVALID_ARGUMENT, as the
// google.rpc.BadRequest in the status details names them (field path such as
// "rating.score" or "ratings[3].survey_id", description, reason); nil when err carries none.
func FieldViolations(err error) []*errdetails.BadRequest_FieldViolation {
	var violations []*errdetails.BadRequest_FieldViolation
	for _, detail := range details(err) {
		if badRequest, ok := detail.(*errdetails.BadRequest); ok {
			violations = append(violations, badRequest.GetFieldViolations()...)
		}
	}
	return violations
}

// ErrorInfo returns the google.rpc.ErrorInfo in err's status details, or nil when it has none
// (an error that did not come from csat, such as a deadline passed on the client).
func ErrorInfo(err error) *errdetails.ErrorInfo {
	for _, detail := range details(err) {
		if info, ok := detail.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}

// ErrorReason returns the reason of err's google.rpc.ErrorInfo, such as "SURVEY_NOT_FOUND" or
// "INVALID_FIELD", for a program to branch on; "" when err carries none.
func ErrorReason(err error) string {
	return ErrorInfo(err).GetReason()
}

// RetryDelay returns the delay of err's google.rpc.RetryInfo (sent with RATE_LIMITED: wait it,
// then call again; the retry service config does not), and false when err carries none.
func RetryDelay(err error) (time.Duration, bool) {
	for _, detail := range details(err) {
		if info, ok := detail.(*errdetails.RetryInfo); ok && info.GetRetryDelay() != nil {
			return info.GetRetryDelay().AsDuration(), true
		}
	}
	return 0, false
}

// details returns the decoded details of err's gRPC status; nil for a nil error or one that is
// not a status. Details whose type is not linked into the program are skipped.
func details(err error) []any {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	return st.Details()
}
