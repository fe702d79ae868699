"""`make test`: the front-end suites (when present), then the whole Python suite.

Each front-end suite's output goes to the console as it comes and to var/test-logs/<suite>.log. CI shows
only the tail of the output, so after pytest's summary the front-end suites are summed up again: which
one failed, and its failing tests, scenarios and lint errors (taken from its log).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOG_DIR = REPO / "var" / "test-logs"

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A line that names a failure, in the output of jest, vitest, admin/e2e/run.js, eslint and tsc.
FAILURE = re.compile("|".join([
    r"^\s*FAIL\s",                                    # jest / vitest: the failing file (and test)
    r"^\s*●\s+(?!Console\b)\S",                       # jest: one failing test ("● describe › test")
    r"^\s*[×✗✕]\s",                                   # vitest / e2e run.js: one failing test or scenario
    r"^\s*(Tests?|Test Suites|Test Files):?\s.*\bfailed\b",  # jest / vitest totals
    r"^\d+ passed, [1-9]\d* failed",                  # e2e run.js totals
    r"^\s*\d+:\d+\s+error\s",                         # eslint: one error (its file is the line before)
    r"^\s*✖ \d+ problems?",                           # eslint totals
    r"error TS\d+:",                                  # tsc
    r"^npm ERR! (missing script|code E)",             # npm itself could not run the suite
]))
# After a failing test or scenario, its first lines of error explain it.
DETAIL_LINES = 3


@dataclass
class SuiteResult:
    name: str
    code: int
    log: Path | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.code == 0


def failure_lines(output: str, limit: int = 60) -> list[str]:
    """The lines of a suite's output that say what failed; its last lines when none does."""
    lines = [ANSI.sub("", line).rstrip() for line in output.splitlines()]
    picked: list[str] = []
    seen: set[str] = set()

    def add(line: str) -> None:
        if line.strip() and line not in seen:
            seen.add(line)
            picked.append(line)

    for index, line in enumerate(lines):
        if not FAILURE.search(line):
            continue
        if re.match(r"^\s*\d+:\d+\s+error\s", line) and index and lines[index - 1].startswith("/"):
            add(lines[index - 1])  # eslint's file name
        add(line)
        if re.match(r"^\s*([×✗✕]|●)\s", line) or re.match(r"^\s*FAIL\s.* > ", line):  # the error under a test
            details = [text for text in lines[index + 1:index + 1 + 3 * DETAIL_LINES]
                       if text.strip() and not text.lstrip().startswith("\u23af")][:DETAIL_LINES]  # vitest's ⎯⎯ rules
            for text in details:
                if FAILURE.search(text):
                    break
                add(text)
    if not picked:
        picked = [line for line in lines if line.strip()][-25:]
    if len(picked) > limit:
        picked = picked[:limit] + [f"... ({len(picked) - limit} more lines in the log)"]
    return picked


def run_logged(command: list[str], cwd: Path, env: dict, log: Path) -> tuple[int, str]:
    """Runs `command`, copying its output (stdout and stderr) to the console and to `log` as it comes."""
    log.parent.mkdir(parents=True, exist_ok=True)
    chunks: list[str] = []
    with open(log, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            sys.stdout.buffer.write(raw)
            sys.stdout.buffer.flush()
            text = raw.decode("utf-8", errors="replace")
            sink.write(text)
            chunks.append(text)
        code = process.wait()
    return code, "".join(chunks)


def run_node_suite(folder: Path) -> SuiteResult | None:
    if not (folder / "package.json").exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        print(f"!! npm not found: {folder.name} tests cannot run", flush=True)
        return SuiteResult(folder.name, 1, failures=["npm not found"])
    lock, installed = folder / "package-lock.json", folder / "node_modules" / ".package-lock.json"
    if not installed.exists() or (lock.exists() and lock.stat().st_mtime > installed.stat().st_mtime):
        subprocess.run([npm, "ci" if lock.exists() else "install", "--no-audit", "--no-fund"], cwd=folder,
                       check=True)
    print(f"== {folder.name}: npm test", flush=True)
    log = LOG_DIR / f"{folder.name}.log"
    # E2E_BUILD: the admin's end-to-end tests build the app from the current sources first.
    code, output = run_logged([npm, "test"], folder, dict(os.environ, E2E_BUILD="1"), log)
    return SuiteResult(folder.name, code, log, failure_lines(output) if code else [])


def summary(results: list[SuiteResult]) -> list[str]:
    """What the front-end suites did, for the end of the output."""
    lines = ["== front-end suites"]
    for result in results:
        where = f" (full output: {result.log.relative_to(REPO) if result.log.is_relative_to(REPO) else result.log})" \
            if result.log else ""
        if result.ok:
            lines.append(f"   {result.name}: passed{where}")
            continue
        lines.append(f"!! {result.name}: FAILED, exit code {result.code}{where}")
        lines.extend(f"     {line}" for line in result.failures)
    failed = [result.name for result in results if not result.ok]
    if failed:
        lines.append(f"!! {len(failed)} front-end suite(s) failed: {', '.join(failed)}")
    return lines


def main() -> int:
    results = [result for name in ("admin", "miniprogram") if (result := run_node_suite(REPO / name))]
    env = dict(os.environ, PYTHONPATH=str(REPO / "backend"))
    code = subprocess.run([sys.executable, "-m", "pytest", *sys.argv[1:]], cwd=REPO, env=env).returncode
    if results:
        print("\n".join(summary(results)), flush=True)
    if any(not result.ok for result in results):
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
