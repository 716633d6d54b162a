"""csat_client: the Python client of csat, the customer-satisfaction ratings service.

    import csat_client
    from csat_client.v1 import common_pb2, rating_pb2, survey_pb2

    with csat_client.connect("127.0.0.1:50051", tls=False) as csat:
        csat.surveys.CreateSurvey(survey_pb2.CreateSurveyRequest(...), timeout=5)

`connect()` gives a channel with the default retry policy and a stub per service; the messages
and stubs are in csat_client.v1, generated from the proto files; `field_violations()`,
`error_reason()` and `error_info()` decode the error details of a failed call.
`csat_client.aio.connect()` is the same on grpc.aio, for asyncio programs.
"""

from csat_client import aio
from csat_client.client import (
    ChannelOption,
    CsatClient,
    HealthStub,
    channel_options,
    connect,
    default_service_config,
    tls_credentials,
)
from csat_client.errors import (
    ERROR_DOMAIN,
    ErrorInfo,
    FieldViolation,
    error_info,
    error_reason,
    field_violations,
    retry_delay,
    status_details,
)

__version__ = "0.1.0"

__all__ = [
    "ERROR_DOMAIN",
    "ChannelOption",
    "CsatClient",
    "ErrorInfo",
    "FieldViolation",
    "HealthStub",
    "__version__",
    "aio",
    "channel_options",
    "connect",
    "default_service_config",
    "error_info",
    "error_reason",
    "field_violations",
    "retry_delay",
    "status_details",
    "tls_credentials",
]
