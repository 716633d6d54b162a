"""Times csat's answer to requests of just under 4 MiB made of one list's entries, each call five
times, against a transport baseline of one 4 MiB string. Issue 13 defect 4's bar.

    pip install ./clients/python
    python clients/python/tools/validate_4mib.py --target 127.0.0.1:50051

A manual tool, not part of the test suite. Each request is serialized once, so the client's own
encoding is not timed.
"""
import argparse
import time

parser = argparse.ArgumentParser()
parser.add_argument("--target", required=True)
arguments = parser.parse_args()
import grpc  # noqa: E402
from csat_client.v1 import survey_pb2, report_pb2, rating_pb2  # noqa: E402
from google.protobuf import field_mask_pb2  # noqa: E402

channel = grpc.insecure_channel(
    arguments.target, options=[("grpc.max_send_message_length", 8 << 20)])
entries = (4 << 20) // 4 - 2048  # "ab" plus 2 bytes of framing per entry, just under 4 MiB
def raw(path, message):
    payload = message.SerializeToString()
    call = channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    return len(payload), lambda: call(payload)

cases = {
    "CreateSurvey dimensions": raw("/csat.v1.SurveyService/CreateSurvey", survey_pb2.CreateSurveyRequest(
        survey_id="big", survey=survey_pb2.Survey(touchpoint="t", metric=1,
            dimensions=["ab"] * entries))),
    "UpdateSurvey mask paths": raw("/csat.v1.SurveyService/UpdateSurvey", survey_pb2.UpdateSurveyRequest(
        survey=survey_pb2.Survey(survey_id="big"),
        update_mask=field_mask_pb2.FieldMask(paths=["dimensions"] * (entries // 3)))),
    "CreateSurvey one 4 MiB display_name (transport baseline)": raw("/csat.v1.SurveyService/CreateSurvey",
        survey_pb2.CreateSurveyRequest(survey_id="big2", survey=survey_pb2.Survey(touchpoint="t",
            metric=1, display_name="a" * (4 * 1048576 - 100)))),
    "GetReport group_by": raw("/csat.v1.ReportService/GetReport", report_pb2.GetReportRequest(
        query=report_pb2.ReportQuery(group_by=["ab"] * entries))),
    "GetBenchmarkReport benchmark_ids": raw("/csat.v1.ReportService/GetBenchmarkReport",
        report_pb2.GetBenchmarkReportRequest(query=report_pb2.ReportQuery(),
            benchmark_ids=["ab"] * entries)),
    "GetReport filter.survey_ids": raw("/csat.v1.ReportService/GetReport", report_pb2.GetReportRequest(
        query=report_pb2.ReportQuery(filter=rating_pb2.RatingFilter(survey_ids=["ab"] * entries)))),
}
for name, (size, call) in cases.items():
    times = []
    for _ in range(5):
        started = time.perf_counter()
        try:
            call()
            code = "OK"
        except grpc.RpcError as error:
            code = error.code().name
        times.append((time.perf_counter() - started) * 1000)
    print(f"{name} ({size / 1048576:.2f} MiB): {code}, {min(times):.1f}-{max(times):.1f} ms over 5 calls")
