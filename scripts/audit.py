"""`make audit`: check the pinned dependencies against a vulnerability database.

Python: pip-audit on requirements.txt (every line is pinned, so nothing is resolved or installed).
JavaScript: `npm audit` in admin/ and miniprogram/ (their package-lock.json files).
When a database cannot be reached (offline, a firewall) that check is reported as skipped, clearly,
and does not fail the run; a vulnerability that was found does (exit 1).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UNREACHABLE = re.compile(r"ConnectionError|Max retries exceeded|NameResolution|Temporary failure in name resolution|"
                         r"Failed to establish a new connection|timed out|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|"
                         r"ECONNRESET|network|getaddrinfo|audit endpoint returned an error", re.I)


def run(name: str, command: list[str], cwd: Path) -> str:
    """'ok', 'vulnerable' or 'skipped' (database unreachable or tool missing), with the tool's output shown."""
    print(f"== {name}: {' '.join(command)}", flush=True)
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"   skipped: could not run ({exc})")
        return "skipped"
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 0:
        print(output[-4000:] or "   no known vulnerabilities")
        return "ok"
    if UNREACHABLE.search(output) and "vulnerab" not in done.stdout.lower():
        print(f"   skipped: the vulnerability database could not be reached ({UNREACHABLE.search(output).group(0)})."
              " Run `make audit` again where the network allows it.")
        return "skipped"
    print(output[-8000:])
    return "vulnerable"


def audit_python() -> str:
    """pip-audit reports a package it could not look up as skipped, not as a failure: count those."""
    print("== python: pip-audit -r requirements.txt", flush=True)
    command = [sys.executable, "-m", "pip_audit", "-r", "requirements.txt", "--no-deps", "--disable-pip",
               "--progress-spinner", "off", "--timeout", "20", "--format", "json"]
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
        report = json.loads(done.stdout or "{}")
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        print(f"   skipped: pip-audit did not answer ({exc})")
        return "skipped"
    packages = report.get("dependencies", [])
    unchecked = [p["name"] for p in packages if p.get("skip_reason")]
    vulnerable = [p for p in packages if p.get("vulns")]
    for package in vulnerable:
        ids = ", ".join(v["id"] + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
                        for v in package["vulns"])
        print(f"   {package['name']} {package['version']}: {ids}")
    if vulnerable:
        return "vulnerable"
    if not packages or len(unchecked) == len(packages):
        print("   skipped: the vulnerability database could not be reached for any package. "
              "Run `make audit` again where the network allows it.")
        return "skipped"
    if unchecked:
        print(f"   {len(unchecked)} of {len(packages)} packages could not be looked up: {', '.join(unchecked)}")
    print(f"   no known vulnerabilities in {len(packages) - len(unchecked)} packages")
    return "ok"


def main() -> int:
    results = {"python (requirements.txt)": audit_python()}
    npm = shutil.which("npm")
    for folder in ("admin", "miniprogram"):
        if not (REPO / folder / "package-lock.json").is_file():
            continue
        if npm is None:
            print(f"== {folder}: skipped, npm is not installed")
            results[folder] = "skipped"
            continue
        results[f"{folder} (package-lock.json)"] = run(folder, [npm, "audit", "--no-fund"], REPO / folder)
    print("\nmake audit:")
    verdicts = {"ok": "no known vulnerabilities", "vulnerable": "VULNERABLE (see above)",
                "skipped": "NOT CHECKED: vulnerability database unreachable"}
    for name, result in results.items():
        print(f"  {name:<34} {verdicts[result]}")
    return 1 if "vulnerable" in results.values() else 0


if __name__ == "__main__":
    sys.exit(main())
