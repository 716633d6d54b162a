"""Scrapes /metrics of the built binary after an OK and a failed HTTP/JSON call and parses it with
prometheus-client's parser, the reference implementation of the text format: every family must
parse, and grpc_server_handled_total must carry the grpc-go codes of those calls.

Usage: check-metrics.py path/to/csat
"""

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:
        return None  # not listening yet


def main(binary):
    grpc_port, metrics_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{grpc_port}",
             "--database-url", f"sqlite://{folder}/csat.db",
             "--metrics-listen", f"127.0.0.1:{metrics_port}"],
            env={"RUST_LOG": "warn"},
        )
        try:
            survey = {"survey_id": "chat", "survey": {"display_name": "Chat",
                      "question": "How satisfied were you?", "touchpoint": "chat",
                      "metric": "METRIC_CSAT"}}
            deadline = time.time() + 30
            while post(grpc_port, "/csat.v1.SurveyService/CreateSurvey", survey) != 200:
                if time.time() > deadline:
                    sys.exit("csat did not create the survey within 30 s")
                time.sleep(0.2)
            missing = post(grpc_port, "/csat.v1.SurveyService/GetSurvey", {"survey_id": "nowhere"})
            assert missing == 404, missing
            with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as response:
                text = response.read().decode()
        finally:
            server.terminate()
            server.wait(timeout=30)
    families = {family.name: family for family in text_string_to_metric_families(text)}
    # prometheus-client names a counter's family without its _total.
    handled = families["grpc_server_handled"]
    codes = {(sample.labels["grpc_method"], sample.labels["grpc_code"]): sample.value
             for sample in handled.samples if sample.name == "grpc_server_handled_total"}
    assert codes.get(("CreateSurvey", "OK"), 0) >= 1, codes
    assert codes.get(("GetSurvey", "NotFound")) == 1, codes
    assert families["grpc_server_handling_seconds"].type == "histogram"
    for name in ["grpc_server_started", "grpc_server_msg_received", "grpc_server_msg_sent",
                 "csat_ratings", "csat_writer_batch_ratings", "csat_build_info"]:
        assert name in families, name
        assert families[name].documentation, f"HELP of {name}"
    print(f"/metrics parsed: {len(families)} families")


if __name__ == "__main__":
    main(sys.argv[1])
