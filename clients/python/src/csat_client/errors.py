"""Decoding csat's error details from a failed call.

csat answers every error with a canonical status code and, in the `grpc-status-details-bin`
trailer, a google.rpc.Status holding a google.rpc.ErrorInfo (domain "csat", a reason such as
SURVEY_NOT_FOUND, or INVALID_FIELD for bad input) and, for bad input, a google.rpc.BadRequest
naming every offending field with a reason (REQUIRED, BAD_FORMAT, OUT_OF_RANGE, TOO_LONG,
TOO_MANY, UNKNOWN_VALUE, REPEATED, INCONSISTENT). These helpers read them from the grpc.RpcError
that a stub raises, so callers never parse bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import grpc
from google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"
"""The trailer that carries the serialized google.rpc.Status."""

ERROR_DOMAIN = "csat"
"""ErrorInfo.domain of every error csat raises itself."""


@dataclasses.dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request, from a google.rpc.BadRequest."""

    field: str
    """The field's path in the request: `rating.score`, `ratings[3].survey_id`,
    `rating.attributes["Team"]`."""
    description: str
    """What is wrong, for a person: "9 is outside the survey's scale 1-5"."""
    reason: str
    """What is wrong, for a program: REQUIRED, BAD_FORMAT, OUT_OF_RANGE, TOO_LONG, TOO_MANY,
    UNKNOWN_VALUE, REPEATED or INCONSISTENT."""


@dataclasses.dataclass(frozen=True)
class ErrorInfo:
    """The google.rpc.ErrorInfo of an error: why it happened, as a stable identifier."""

    reason: str
    """SURVEY_NOT_FOUND, INVALID_FIELD, … (proto/csat/v1/*.proto lists them per RPC)."""
    domain: str
    """The error's source: csat for every error csat raises itself (ERROR_DOMAIN)."""
    metadata: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Context of the error, such as the survey id."""


def status_details(err: grpc.RpcError) -> status_pb2.Status | None:
    """Returns the google.rpc.Status that `err` carries in its trailers, or None without one.

    `err` is what a csat stub raises: a grpc.RpcError that is also a grpc.Call (both the
    synchronous and the grpc.aio errors are). Trailers that do not decode give None too.
    """
    trailing_metadata = getattr(err, "trailing_metadata", None)
    if trailing_metadata is None:
        return None
    for key, value in trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            status = status_pb2.Status()
            try:
                status.ParseFromString(value)
            except Exception:  # noqa: BLE001 - a malformed trailer means no details
                return None
            return status
    return None


def error_info(err: grpc.RpcError) -> ErrorInfo | None:
    """Returns the google.rpc.ErrorInfo detail of `err`, or None when it has none."""
    status = status_details(err)
    if status is None:
        return None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):  # False for a detail of another type
            return ErrorInfo(reason=info.reason, domain=info.domain, metadata=dict(info.metadata))
    return None


def error_reason(err: grpc.RpcError) -> str | None:
    """Returns ErrorInfo.reason of `err` ("SURVEY_NOT_FOUND", "INVALID_FIELD", …), or None.

    The reasons are a contract: proto/csat/v1/*.proto lists them per RPC. None means the error
    carries no ErrorInfo (for instance one raised by the client library itself, such as
    DEADLINE_EXCEEDED or UNAVAILABLE before any server answered).
    """
    info = error_info(err)
    return info.reason if info is not None else None


def retry_delay(err: grpc.RpcError) -> float | None:
    """Returns the seconds `err`'s google.rpc.RetryInfo asks to wait, or None without one.

    csat sends it with RESOURCE_EXHAUSTED, reason RATE_LIMITED (a key over its
    requests_per_second): wait that long, then send the call again. The retry service config
    does not do it for you: it retries only UNAVAILABLE.
    """
    status = status_details(err)
    if status is None:
        return None
    for detail in status.details:
        info = error_details_pb2.RetryInfo()
        if detail.Unpack(info) and info.HasField("retry_delay"):
            return info.retry_delay.ToTimedelta().total_seconds()
    return None


def field_violations(err: grpc.RpcError) -> list[FieldViolation]:
    """Returns every field violation of the google.rpc.BadRequest in `err`, in the server's order.

    Empty when `err` has no BadRequest (any error other than bad input). Each violation has
    `.field`, `.description` and `.reason`:

        except grpc.RpcError as err:
            for violation in csat_client.field_violations(err):
                print(violation.field, violation.reason, violation.description)
    """
    status = status_details(err)
    if status is None:
        return []
    violations: list[FieldViolation] = []
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            violations.extend(
                FieldViolation(field=v.field, description=v.description, reason=v.reason)
                for v in bad_request.field_violations
            )
    return violations
