"""Databricks job task: ask MlopsFlows to release a freshly registered model version and wait for the outcome.

Runs after the task that registered the version. It gets an Entra ID token for the MlopsFlows API, calls
``POST /api/releases`` and polls the status URL until the release ends. The task fails (exit code 1) unless the
release was promoted, so the job run shows red on a rollback, a rejection, a failed gate or an expiry.

Only ``requests`` is needed, plus ``azure-identity`` for ``--auth azure-identity``.

Settings come from arguments, falling back to environment variables (``MLOPSFLOWS_*``):

  --api-url / MLOPSFLOWS_API_URL                 https://mlopsflows-prod.azurewebsites.net
  --audience / MLOPSFLOWS_API_AUDIENCE           the API's app ID URI, e.g. api://mlopsflows (scope <audience>/.default)
  --auth / MLOPSFLOWS_AUTH                       azure-identity | client-secret | databricks-oauth
  --model, --version, --environment              what to release (version may come from the register task)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import requests

# Release stages (ReleaseOutcome.stage) after which the task succeeds; every other ending fails it.
SUCCESS_STAGES = {"Promoted"}
# Durable runtime statuses that mean the release has ended.
TERMINAL_STATUSES = {"Completed", "Failed", "Terminated"}
USER_AGENT = "mlopsflows-release-task/1.0"


class ReleaseFailed(Exception):
    """The release ended without a promotion, or could not be started or followed."""


@dataclass
class Settings:
    api_url: str
    audience: str
    auth: str
    model: str
    version: int
    environment: str
    requested_by: str
    risk_tier: Optional[str] = None
    serving_endpoint: Optional[str] = None
    evidence_refs: list[str] = field(default_factory=list)
    poll_seconds: float = 30.0
    timeout_seconds: float = 6 * 3600.0
    tenant_id: Optional[str] = None
    client_id: Optional[str] = None
    client_secret: Optional[str] = None
    authority_host: str = "https://login.microsoftonline.com"
    databricks_host: Optional[str] = None


def start_request(settings: Settings) -> dict:
    """The body of POST /api/releases (the API's field names)."""
    body: dict = {
        "model": settings.model,
        "version": settings.version,
        "environment": settings.environment,
        "requestedBy": settings.requested_by,
    }
    if settings.risk_tier:
        body["riskTier"] = settings.risk_tier
    if settings.serving_endpoint:
        body["servingEndpoint"] = settings.serving_endpoint
    if settings.evidence_refs:
        body["evidenceRefs"] = settings.evidence_refs
    return body


def token_provider(settings: Settings, session: requests.Session) -> Callable[[], str]:
    """A function returning a current bearer token for the MlopsFlows API, per the configured auth mode."""
    scope = settings.audience.rstrip("/") + "/.default"
    if settings.auth == "azure-identity":
        # Imported here so the other modes (and the tests) need no azure-identity.
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
        return lambda: credential.get_token(scope).token
    if settings.auth == "client-secret":
        # An Entra-managed service principal: client credentials against the tenant's token endpoint.
        def entra() -> str:
            url = f"{settings.authority_host.rstrip('/')}/{settings.tenant_id}/oauth2/v2.0/token"
            form = {"grant_type": "client_credentials", "client_id": settings.client_id,
                    "client_secret": settings.client_secret, "scope": scope}
            return _token(session.post(url, data=form, timeout=30))
        return entra
    if settings.auth == "databricks-oauth":
        # A Databricks-managed service principal: the workspace's OAuth endpoint. The API must trust the workspace's
        # issuer (https://<workspace>/oidc) for this token to be accepted; see README.
        def databricks() -> str:
            url = f"{settings.databricks_host.rstrip('/')}/oidc/v1/token"
            form = {"grant_type": "client_credentials", "scope": "all-apis"}
            return _token(session.post(url, data=form, auth=(settings.client_id, settings.client_secret), timeout=30))
        return databricks
    raise ValueError(f"Unknown auth mode '{settings.auth}': use azure-identity, client-secret or databricks-oauth.")


def _token(response: requests.Response) -> str:
    if response.status_code != 200:
        raise ReleaseFailed(f"Token request answered {response.status_code}: {response.text[:300]}")
    return response.json()["access_token"]


def run(settings: Settings, session: Optional[requests.Session] = None,
        sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> dict:
    """Starts (or finds) the release and follows it to its end. Returns the final release; raises ReleaseFailed."""
    session = session or requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    token = token_provider(settings, session)
    api = settings.api_url.rstrip("/")

    response = session.post(f"{api}/api/releases", json=start_request(settings),
                            headers={"Authorization": f"Bearer {token()}"}, timeout=60)
    if response.status_code != 202:
        raise ReleaseFailed(f"POST /api/releases answered {response.status_code}: {_detail(response)}")
    accepted = response.json()
    status_url = accepted["statusUrl"]
    print(f"Release {accepted['id']} accepted ({'new' if accepted.get('created') else 'already known'}): {api}{status_url}")

    deadline = clock() + settings.timeout_seconds
    while True:
        # A fresh token each time: a release can wait for approvers longer than a token lives.
        poll = session.get(f"{api}{status_url}", headers={"Authorization": f"Bearer {token()}"}, timeout=60)
        if poll.status_code >= 500 or poll.status_code == 429:
            print(f"Status poll answered {poll.status_code}; trying again")
        elif poll.status_code != 200:
            raise ReleaseFailed(f"GET {status_url} answered {poll.status_code}: {_detail(poll)}")
        else:
            release = poll.json()
            progress = release.get("progress") or {}
            print(f"{release['runtimeStatus']} / {progress.get('stage', 'not started')}")
            if release["runtimeStatus"] in TERMINAL_STATUSES:
                outcome = release.get("outcome") or {}
                stage = outcome.get("stage")
                if stage in SUCCESS_STAGES:
                    print(f"Release promoted: {outcome.get('reason', '')}")
                    return release
                raise ReleaseFailed(
                    f"Release {release['id']} ended {stage or release['runtimeStatus']}: "
                    f"{outcome.get('reason') or release.get('failure') or 'no reason given'}")
        if clock() >= deadline:
            raise ReleaseFailed(f"Release still running after {settings.timeout_seconds:.0f} s; see {api}{status_url}")
        sleep(settings.poll_seconds)


def _detail(response: requests.Response) -> str:
    try:
        problem = response.json()
        return problem.get("detail") or problem.get("title") or response.text[:300]
    except ValueError:
        return response.text[:300]


def _secret(scope: Optional[str], key: str) -> Optional[str]:
    """A secret from the Databricks secret scope (inside a job), else from MLOPSFLOWS_<KEY>."""
    if scope:
        try:
            from pyspark.dbutils import DBUtils  # type: ignore  # present on Databricks only
            from pyspark.sql import SparkSession  # type: ignore

            return DBUtils(SparkSession.builder.getOrCreate()).secrets.get(scope=scope, key=key)
        except ImportError:
            pass
    return os.environ.get("MLOPSFLOWS_" + key.upper().replace("-", "_"))


def parse(argv: list[str]) -> Settings:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api-url", default=env("MLOPSFLOWS_API_URL"))
    parser.add_argument("--audience", default=env("MLOPSFLOWS_API_AUDIENCE"))
    parser.add_argument("--auth", default=env("MLOPSFLOWS_AUTH", "azure-identity"),
                        choices=["azure-identity", "client-secret", "databricks-oauth"])
    parser.add_argument("--model", default=env("MLOPSFLOWS_MODEL"))
    parser.add_argument("--version", type=int, default=env("MLOPSFLOWS_VERSION"))
    parser.add_argument("--environment", default=env("MLOPSFLOWS_ENVIRONMENT", "prod"))
    parser.add_argument("--requested-by", default=env("MLOPSFLOWS_REQUESTED_BY", "databricks-job"))
    parser.add_argument("--risk-tier", default=env("MLOPSFLOWS_RISK_TIER"))
    parser.add_argument("--serving-endpoint", default=env("MLOPSFLOWS_SERVING_ENDPOINT"))
    parser.add_argument("--evidence-ref", action="append", default=[])
    parser.add_argument("--poll-seconds", type=float, default=float(env("MLOPSFLOWS_POLL_SECONDS", "30")))
    parser.add_argument("--timeout-seconds", type=float, default=float(env("MLOPSFLOWS_TIMEOUT_SECONDS", str(6 * 3600))))
    parser.add_argument("--secret-scope", default=env("MLOPSFLOWS_SECRET_SCOPE"))
    parser.add_argument("--tenant-id", default=env("MLOPSFLOWS_TENANT_ID"))
    parser.add_argument("--authority-host", default=env("MLOPSFLOWS_AUTHORITY_HOST", "https://login.microsoftonline.com"))
    parser.add_argument("--databricks-host", default=env("DATABRICKS_HOST"))
    args = parser.parse_args(argv)
    missing = [name for name in ("api_url", "audience", "model", "version") if getattr(args, name) in (None, "")]
    if missing:
        parser.error("missing " + ", ".join("--" + m.replace("_", "-") for m in missing))
    if args.databricks_host and not args.databricks_host.startswith("http"):
        args.databricks_host = "https://" + args.databricks_host
    return Settings(
        api_url=args.api_url, audience=args.audience, auth=args.auth, model=args.model, version=int(args.version),
        environment=args.environment, requested_by=args.requested_by, risk_tier=args.risk_tier,
        serving_endpoint=args.serving_endpoint, evidence_refs=args.evidence_ref, poll_seconds=args.poll_seconds,
        timeout_seconds=args.timeout_seconds, tenant_id=args.tenant_id,
        client_id=_secret(args.secret_scope, "client-id"), client_secret=_secret(args.secret_scope, "client-secret"),
        authority_host=args.authority_host, databricks_host=args.databricks_host)


def main(argv: Optional[list[str]] = None) -> int:
    try:
        run(parse(sys.argv[1:] if argv is None else argv))
        return 0
    except ReleaseFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
