"""`make audit` (scripts/audit.py): a vulnerability fails the run, an unreachable database is said
plainly and does not."""
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("shop_audit_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answering(stdout: str, returncode: int = 0, stderr: str = ""):
    return lambda *a, **k: subprocess.CompletedProcess(a[0], returncode, stdout, stderr)


def test_pip_audit_that_could_look_up_nothing_is_reported_as_not_checked(audit, monkeypatch, capsys):
    report = {"dependencies": [{"name": "flask", "version": "3.1.3", "skip_reason": "Dependency not found"}]}
    monkeypatch.setattr(audit.subprocess, "run", answering(json.dumps(report)))
    assert audit.audit_python() == "skipped"
    assert "could not be reached" in capsys.readouterr().out


def test_a_known_vulnerability_fails_the_audit(audit, monkeypatch, capsys):
    report = {"dependencies": [{"name": "jinja2", "version": "3.0.0",
                                "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.1.5"]}]}]}
    monkeypatch.setattr(audit.subprocess, "run", answering(json.dumps(report), returncode=1))
    assert audit.audit_python() == "vulnerable"
    assert "jinja2 3.0.0: GHSA-xxxx (fixed in 3.1.5)" in capsys.readouterr().out


def test_npm_audit_without_its_registry_is_skipped_not_failed(audit, monkeypatch, tmp_path):
    monkeypatch.setattr(audit.subprocess, "run",
                        answering("", returncode=1, stderr="npm error audit endpoint returned an error"))
    assert audit.run("admin", ["npm", "audit"], tmp_path) == "skipped"
    monkeypatch.setattr(audit.subprocess, "run", answering("3 high severity vulnerabilities", returncode=1))
    assert audit.run("admin", ["npm", "audit"], tmp_path) == "vulnerable"
