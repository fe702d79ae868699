"""`make test`'s runner names the failing front-end suite and its failing tests at the end of the output."""
from __future__ import annotations

import sys

import run_all

JEST = """\
PASS tests/pages/shop.test.js (10.163 s)
FAIL tests/backend/orders.backend.test.js (41.2 s)
  ● after-sales against the real API › confirm receipt, apply for return and refund, then send the goods back

    expect(received).toBe(expected) // Object.is equality

    Expected: "completed"
    Received: "shipped"

  ● Console

    console.log
      noise

Test Suites: 1 failed, 19 passed, 20 total
Tests:       1 failed, 134 passed, 135 total
"""

E2E = """\
  \u2713 a supervisor approves a shopper's cancel request and sees the refund succeeded (12.0 s)
  \u2717 customer service cannot cancel a paid order
      TypeError: fetch failed
          at node:internal/deps/undici/undici:13502:13
          at async call (file:///work/main/admin/e2e/api.js:17:17)
          at async Object.customer service cannot cancel a paid order (file:///work/main/admin/e2e/run.js:105:21)
  \u2713 the statistics page draws its charts (3.1 s)

30 passed, 1 failed in 412 s (system log: /tmp/shop-e2e-x/launcher.log)
"""

VITEST = """\
 \x1b[31m\u276f\x1b[39m tests/orders.test.js (12 tests | 1 failed) 2104ms
   \x1b[31m\u00d7\x1b[39m orders page > keeps the filters 40ms
     \u2192 expected 'a' to be 'b'
\u23af\u23af\u23af\u23af Failed Tests 1 \u23af\u23af\u23af\u23af
 FAIL  tests/orders.test.js > orders page > keeps the filters
AssertionError: expected 'a' to be 'b'
 Test Files  1 failed | 40 passed (41)
      Tests  1 failed | 300 passed (301)
"""

ESLINT = """\
/work/main/miniprogram/pages/x/x.js
  12:5  error  'setInterval' is not defined  no-undef

\u2716 1 problem (1 error, 0 warnings)
"""


def test_jest_failure_names_the_file_and_the_test_with_its_error():
    lines = run_all.failure_lines(JEST)
    assert lines[0] == "FAIL tests/backend/orders.backend.test.js (41.2 s)"
    assert lines[1].strip().startswith("● after-sales against the real API › confirm receipt")
    assert any('Expected: "completed"' in line for line in lines)
    assert not any("Console" in line or "noise" in line or line.startswith("PASS") for line in lines)
    assert lines[-1].startswith("Tests:") and "1 failed" in lines[-1]


def test_e2e_failure_names_the_scenario_and_its_error():
    lines = run_all.failure_lines(E2E)
    assert lines[0].strip() == "\u2717 customer service cannot cancel a paid order"
    assert lines[1].strip() == "TypeError: fetch failed"
    assert not any("\u2713" in line for line in lines)
    assert lines[-1].startswith("30 passed, 1 failed")


def test_vitest_failure_without_colours():
    lines = run_all.failure_lines(VITEST)
    assert "\x1b" not in "".join(lines)
    assert any(line.strip() == "\u00d7 orders page > keeps the filters 40ms" for line in lines)
    assert any(line.startswith(" FAIL  tests/orders.test.js > orders page > keeps the filters") for line in lines)
    assert "AssertionError: expected 'a' to be 'b'" in lines
    assert not any("\u23af" in line for line in lines)


def test_eslint_error_with_its_file():
    lines = run_all.failure_lines(ESLINT)
    assert lines[:2] == ["/work/main/miniprogram/pages/x/x.js", "  12:5  error  'setInterval' is not defined  no-undef"]


def test_nothing_recognised_gives_the_last_lines():
    output = "\n".join(f"line {n}" for n in range(100)) + "\nError: timed out waiting for /api/health\n"
    lines = run_all.failure_lines(output)
    assert len(lines) == 25 and lines[-1] == "Error: timed out waiting for /api/health"


def test_output_goes_to_the_console_and_the_log(tmp_path, capfd):
    log = tmp_path / "logs" / "suite.log"
    script = "import sys; print('  \u2717 a scenario', flush=True); print('boom', file=sys.stderr); sys.exit(3)"
    code, output = run_all.run_logged([sys.executable, "-c", script], tmp_path, {"PYTHONIOENCODING": "utf-8"}, log)
    assert code == 3
    assert "\u2717 a scenario" in capfd.readouterr().out
    assert log.read_text(encoding="utf-8") == output and "boom" in output


def test_summary_names_the_failed_suite_and_its_failures(tmp_path):
    results = [run_all.SuiteResult("admin", 1, run_all.REPO / "var" / "test-logs" / "admin.log",
                                   run_all.failure_lines(E2E)),
               run_all.SuiteResult("miniprogram", 0, tmp_path / "miniprogram.log")]
    text = "\n".join(run_all.summary(results))
    assert "!! admin: FAILED, exit code 1 (full output: var/test-logs/admin.log)" in text
    assert "\u2717 customer service cannot cancel a paid order" in text
    assert "miniprogram: passed" in text
    assert text.splitlines()[-1] == "!! 1 front-end suite(s) failed: admin"
