"""The OpenAPI document tells the truth: schemathesis fuzzes every operation of /api/openapi.json.

The app is served on a real port (PostgreSQL: the production database, and the one that rejects
out-of-range numbers). Mini-program operations run with a shopper's token, admin operations with a staff
(admin) token of a dedicated account, so nothing the fuzzer does touches the demo admin. Every answer must
be: not a server error, a status the document lists, the content type it lists, and a body that matches
its schema (errors included: {"error": {"code", "message"}}).

Bounded and deterministic: a fixed seed, a few examples per operation, no coverage or stateful phase.
"""
from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from shop.extensions import db
from shop.services.staff_accounts import create_staff

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "4"))  # per operation; more to hunt, not in make test
FUZZ_STAFF = ("fuzz-admin", "fuzz-admin-1234")

FUZZ_TARGET = ("fuzz-target", "fuzz-target-1234")
# Operations the fuzzer leaves alone: they would end its own session mid-run. Editing a staff account
# (password, role, active) and banning a shopper are fuzzed on dedicated accounts only: never the demo
# admin, never the fuzzer's own accounts.
SKIPPED = {("POST", "/api/mp/auth/logout"), ("POST", "/api/admin/auth/logout")}

CONFIG = SchemathesisConfig.from_dict({
    "seed": 20261130,
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"examples": {"enabled": True}, "fuzzing": {"enabled": True},
               "coverage": {"enabled": False}, "stateful": {"enabled": False}},
})


@pytest.fixture
def served(pgapp):
    """The app on its port, with one shopper's token and a dedicated admin's token."""
    base = pgapp.config["PUBLIC_BASE_URL"]
    create_staff(username=FUZZ_STAFF[0], password=FUZZ_STAFF[1], role="admin", name="契约测试")
    target = create_staff(username=FUZZ_TARGET[0], password=FUZZ_TARGET[1], role="finance", name="契约测试对象").id
    db.session.remove()
    shopper = requests.post(f"{base}/api/mp/auth/login", json={"code": "fuzz-shopper"}, timeout=10).json()["token"]
    target_shopper = requests.post(f"{base}/api/mp/auth/login", json={"code": "fuzz-target"}, timeout=10).json()
    staff = requests.post(f"{base}/api/admin/auth/login", json={"username": FUZZ_STAFF[0], "password": FUZZ_STAFF[1]},
                          timeout=10).json()["token"]
    return {"base": base, "schema": schemathesis.openapi.from_url(f"{base}/api/openapi.json", config=CONFIG),
            "shopper": shopper, "staff": staff, "targets": {"staff_id": target, "shopper_id": target_shopper["user"]["id"]}}


def _short(exc: BaseException) -> str:
    return str(exc)[:600]


def test_every_operation_answers_as_documented(served):
    failures = []
    operations = 0
    for result in served["schema"].get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations += 1
        token = served["staff"] if operation.path.startswith("/api/admin") else served["shopper"]
        # /api/health answers 503 by design here (no worker runs in this test), as it documents.
        checks = CHECKS[1:] if operation.path == "/api/health" else CHECKS

        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            for name, target in served["targets"].items():
                if name in (case.path_parameters or {}):
                    case.path_parameters[name] = target
            case.call_and_validate(base_url=served["base"], headers={"Authorization": f"Bearer {token}"},
                                   checks=checks, timeout=30)

        try:
            run()
        except BaseExceptionGroup as group:  # one report for every operation, not just the first that fails
            failures.extend(f"{operation.label}: {_short(exc)}" for exc in group.exceptions)
        except Exception as exc:
            failures.append(f"{operation.label}: {_short(exc)}")
    assert operations >= 100
    assert not failures, "\n\n".join(failures)
    # The run kept its sessions to the end (so every operation was fuzzed signed in, not just answered 401).
    base, auth = served["base"], lambda token: {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{base}/api/mp/me", headers=auth(served["shopper"]), timeout=10).status_code == 200
    assert requests.get(f"{base}/api/admin/auth/me", headers=auth(served["staff"]), timeout=10).status_code == 200


def test_docs_page_renders_the_document(pgapp):
    """/api/docs is self-hosted Swagger UI pointed at the same document."""
    client = pgapp.test_client()
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/docs/start.js" in page.get_data(as_text=True)
    assert "/api/openapi.json" in client.get("/api/docs/start.js").get_data(as_text=True)
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    document = client.get("/api/openapi.json").get_json()
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
