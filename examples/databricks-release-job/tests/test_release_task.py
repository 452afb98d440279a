"""Unit tests of release_task.py against a loopback HTTP server standing in for Entra ID and the MlopsFlows API.

Run: python3 -m unittest discover -s examples/databricks-release-job/tests
"""

import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import release_task  # noqa: E402


class FakeServices:
    """Records every request; answers the token endpoint and the releases API from a script of release states."""

    def __init__(self, final_stage="Promoted", start_status=202):
        self.requests = []
        self.final_stage = final_stage
        self.start_status = start_status
        self.polls = 0
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                services.requests.append(("POST", self.path, dict(self.headers), body))
                if self.path.endswith("/oauth2/v2.0/token"):
                    return self.answer(200, {"access_token": "entra-token", "token_type": "Bearer", "expires_in": 3599})
                if self.path == "/api/releases":
                    if services.start_status != 202:
                        return self.answer(services.start_status, {"title": "Conflict.", "detail": "Version 3 is already being released."},
                                           "application/problem+json")
                    return self.answer(202, {"id": "release:main.credit.scorer:4:prod", "statusUrl": "/api/releases/release:main.credit.scorer:4:prod",
                                             "model": "main.credit.scorer", "version": 4, "environment": "prod",
                                             "runtimeStatus": "Pending", "created": True})
                self.answer(404, {})

            def do_GET(self):
                services.requests.append(("GET", self.path, dict(self.headers), None))
                services.polls += 1
                if services.polls == 1:
                    return self.answer(503, {"title": "busy"})
                if services.polls == 2:
                    return self.answer(200, {"id": "release:main.credit.scorer:4:prod", "runtimeStatus": "Running",
                                             "progress": {"stage": "AwaitingApproval"}, "outcome": None})
                self.answer(200, {"id": "release:main.credit.scorer:4:prod", "runtimeStatus": "Completed",
                                  "progress": {"stage": services.final_stage},
                                  "outcome": {"stage": services.final_stage, "reason": "canary judged " + services.final_stage}})

            def answer(self, status, body, content_type="application/json"):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ReleaseTaskTests(unittest.TestCase):
    def settings(self, url):
        return release_task.parse([
            "--api-url", url, "--audience", "api://mlopsflows", "--auth", "client-secret", "--tenant-id", "tenant-1",
            "--authority-host", url, "--model", "main.credit.scorer", "--version", "4", "--environment", "prod",
            "--requested-by", "databricks-job:1:2", "--evidence-ref", "databricks-run:2", "--poll-seconds", "0",
        ])

    def setUp(self):
        os.environ["MLOPSFLOWS_CLIENT_ID"] = "client-1"
        os.environ["MLOPSFLOWS_CLIENT_SECRET"] = "s3cret"

    def run_against(self, services):
        self.addCleanup(services.close)
        return release_task.run(self.settings(services.url), sleep=lambda _: None)

    def test_run_promoted_posts_the_release_with_an_entra_token_and_polls_to_the_end(self):
        services = FakeServices()
        release = self.run_against(services)

        self.assertEqual("Promoted", release["outcome"]["stage"])
        token_call, start, *polls = services.requests
        self.assertEqual(("POST", "/tenant-1/oauth2/v2.0/token"), token_call[:2])
        form = parse_qs(token_call[3])
        self.assertEqual(["client_credentials"], form["grant_type"])
        self.assertEqual(["api://mlopsflows/.default"], form["scope"])
        self.assertEqual(["client-1"], form["client_id"])
        self.assertEqual(("POST", "/api/releases"), start[:2])
        self.assertEqual("Bearer entra-token", start[2]["Authorization"])
        self.assertTrue(start[2]["Content-Type"].startswith("application/json"))
        self.assertEqual({"model": "main.credit.scorer", "version": 4, "environment": "prod", "requestedBy": "databricks-job:1:2",
                          "evidenceRefs": ["databricks-run:2"]}, json.loads(start[3]))
        gets = [r for r in polls if r[0] == "GET"]
        self.assertEqual(3, len(gets))
        self.assertTrue(all(r[1] == "/api/releases/release:main.credit.scorer:4:prod" for r in gets))
        self.assertTrue(all(r[2]["Authorization"] == "Bearer entra-token" for r in gets))

    def test_run_rolled_back_fails_the_task(self):
        services = FakeServices(final_stage="RolledBack")
        with self.assertRaises(release_task.ReleaseFailed) as failure:
            self.run_against(services)
        self.assertIn("RolledBack", str(failure.exception))

    def test_run_rejected_fails_the_task(self):
        services = FakeServices(final_stage="Rejected")
        with self.assertRaises(release_task.ReleaseFailed):
            self.run_against(services)

    def test_run_conflict_fails_with_the_problem_detail(self):
        services = FakeServices(start_status=409)
        with self.assertRaises(release_task.ReleaseFailed) as failure:
            self.run_against(services)
        self.assertIn("already being released", str(failure.exception))

    def test_main_rolled_back_exits_1(self):
        services = FakeServices(final_stage="RolledBack")
        self.addCleanup(services.close)
        argv = ["--api-url", services.url, "--audience", "api://mlopsflows", "--auth", "client-secret", "--tenant-id", "t",
                "--authority-host", services.url, "--model", "main.credit.scorer", "--version", "4", "--poll-seconds", "0"]
        self.assertEqual(1, release_task.main(argv))


if __name__ == "__main__":
    unittest.main()
