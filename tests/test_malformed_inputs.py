"""Bad input gets a clear error and loses nothing (issue 10, items 1, 2 and the per-file timeout).

The corpus is generated into a temporary directory by tests/malformed/make_corpus.py: binary
files behind source extensions, broken and unusual encodings, huge files, truncated SQL, Python 2,
100,000-level nesting, a YAML alias bomb, broken symlinks -- each next to a legit file with a
known finding. The whole corpus is scanned once by the real CLI in a subprocess; each case then
checks its own entry in the result. No assertion here is about wall-clock time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scanner.cli import cli  # noqa: F401 - imported so a broken CLI fails collection loudly
from tests.conftest import run_cli
from tests.malformed.make_corpus import HUGE_CASES, LEGIT_ENV, LEGIT_SQL, make_corpus

REPO = Path(__file__).resolve().parent.parent


def _dpscan(*args: str, cwd: Path, user: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scanner", *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups", *command]
    env = {**os.environ, "PYTHONPATH": str(REPO), "DPSCAN_CACHE_DIR": str(cwd / ".no-cache")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("malformed")
    cases = make_corpus(root)
    done = _dpscan("scan", ".", "--no-cache", "--json", "result.json", "--format", "text",
                   "--output", "report.txt", cwd=root)
    return root, cases, done, json.loads((root / "result.json").read_text("utf-8"))


def test_the_corpus_scan_finishes_without_a_traceback(corpus):
    _, _, done, _ = corpus
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr


def _cases(corpus):
    return {case.name: case for case in corpus[1]}


def _all_case_names() -> list[str]:
    # Collection must not write 100 MB: the small cases are generated, the huge ones named.
    with tempfile.TemporaryDirectory() as scratch:
        return [case.name for case in make_corpus(Path(scratch), huge=False)] + list(HUGE_CASES)


@pytest.mark.parametrize("name", _all_case_names())
def test_each_bad_input_is_reported_and_its_neighbour_keeps_its_finding(corpus, name):
    _, _, _, result = corpus
    case = _cases(corpus)[name]
    scan = result["scan"]
    found = {(f["rule_id"], f["location"].get("path")) for f in result["findings"]}
    assert (case.legit_rule, case.legit) in found, f"{case.legit} lost its {case.legit_rule}"
    if case.outcome == "error":
        messages = [e["message"] for e in scan["errors"] if e["path"] == case.bad]
        assert messages and any(case.reason in m for m in messages), (case.bad, scan["errors"])
    elif case.outcome == "skipped":
        reasons = [f"{s['reason']} {s.get('detail', '')}" for s in scan["skipped"] if s["path"] == case.bad]
        assert reasons and any(case.reason in r for r in reasons), (case.bad, scan["skipped"])
    else:  # decoded and analysed (with a warning where bytes had to be replaced)
        inputs = {i["path"]: i for i in scan["inputs"]}
        assert case.bad in inputs and not any(e["path"] == case.bad for e in scan["errors"])
        if case.outcome == "warning" and case.reason:
            warnings = [w["message"] for w in scan["warnings"] if w.get("path") == case.bad]
            assert any(case.reason in w for w in warnings), (case.bad, scan["warnings"])
        if case.outcome == "analysed" and case.reason:
            assert inputs[case.bad]["encoding"] == case.reason
    if case.bad_rule:
        assert (case.bad_rule, case.bad) in found, f"{case.bad} lost its {case.bad_rule}"


def test_findings_in_crlf_and_mixed_line_ending_files_are_on_the_right_line(corpus):
    _, _, _, result = corpus
    lines = {(f["rule_id"], f["location"]["path"]): f["location"].get("line") for f in result["findings"]
             if f["location"].get("path")}
    assert lines[("DP101", "crlf/crlf.sql")] == 4  # id_card_no is on line 4 of CHINESE_SQL
    assert lines[("DP101", "mixed_eol/mixed.sql")] == 5  # \r\n, \r and \n each end a line
    assert lines[("DP101", "sql_200k_lines/big.sql")] == 200_002


def test_the_text_report_opens_with_the_incomplete_notice(corpus):
    root, _, _, result = corpus
    first = (root / "report.txt").read_text("utf-8").splitlines()[0]
    failed = len({e["path"] for e in result["scan"]["errors"]})
    assert first.startswith(f"Incomplete scan: {failed} input(s) could not be read or parsed")


# -- a file that disappears between discovery and reading -----------------------------------


def test_a_file_deleted_after_discovery_is_an_error_and_its_clause_is_not_clean(tmp_path, monkeypatch):
    import scanner.engine as engine

    (tmp_path / "gone.sql").write_text(LEGIT_SQL, encoding="utf-8")
    (tmp_path / ".env").write_text(LEGIT_ENV, encoding="utf-8")
    real_discover = engine.discover

    def discover_then_delete(*args, **kwargs):
        # The race, made deterministic: discovery has listed and sniffed the file, then it goes.
        found = real_discover(*args, **kwargs)
        (tmp_path / "gone.sql").unlink()
        return found

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    run = run_cli("scan", ".", "--no-cache", "--format", "json", "--jobs", "1", cwd=tmp_path)
    data = run.json()
    assert run.exit_code == 1  # the .env finding still blocks
    assert {"path": "gone.sql", "message": "cannot read: No such file or directory", "kind": "sql"} \
        in data["scan"]["errors"]
    assert any(f["rule_id"] == "DP433" for f in data["findings"])
    # gone.sql was the only schema input: clause 3.3.2 must not read "clean".
    status = {c["id"]: c["status"] for c in data["clauses"]}
    assert status["3.3.2"] in ("partial", "not_assessed")


# -- an unreadable directory ------------------------------------------------------------------


def test_an_unreadable_directory_is_skipped_and_fails_closed():
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: root reads any directory")
    # Not under pytest's tmp_path: that is private to the current user, and the scan runs as
    # nobody when the tests run as root (as in CI), since root may read any directory.
    root = Path(tempfile.mkdtemp(prefix="dpscan-unreadable-"))
    try:
        root.chmod(0o755)
        (root / ".env").write_text(LEGIT_ENV, encoding="utf-8")
        (root / ".env").chmod(0o644)
        locked = root / "locked"
        locked.mkdir()
        (locked / "secret.env").write_text(LEGIT_ENV, encoding="utf-8")
        locked.chmod(0)
        user = "nobody" if os.geteuid() == 0 else None
        done = _dpscan("scan", ".", "--no-cache", "--format", "json", cwd=root, user=user)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 1, done.stderr  # the readable .env still has its finding
        data = json.loads(done.stdout)
        assert {"path": "locked", "reason": "unreadable", "detail": "Permission denied"} in data["scan"]["skipped"]
        assert any(f["rule_id"] == "DP433" for f in data["findings"])
        # Whatever the locked directory holds was not checked: no clause may read "clean".
        assert all(c["status"] != "clean" for c in data["clauses"])
    finally:
        (root / "locked").chmod(0o700)
        shutil.rmtree(root)


# -- fail closed -------------------------------------------------------------------------------


def test_a_scan_in_which_every_input_failed_exits_2_and_still_writes_its_outputs(tmp_path, monkeypatch):
    import scanner.engine as engine

    (tmp_path / "only.sql").write_text(LEGIT_SQL, encoding="utf-8")
    real_discover = engine.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        (tmp_path / "only.sql").unlink()  # the one input goes between discovery and reading
        return found

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    run = run_cli("scan", ".", "--no-cache", "--jobs", "1", "--json", "r.json", "--html", "r.html",
                  "--format", "text", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.strip().splitlines()[-1] == (
        "dpscan: error: no input could be analysed: 1 input(s) could not be read or parsed")
    assert run.stdout.splitlines()[0] == (
        "Incomplete scan: 1 input(s) could not be read or parsed; "
        "nothing was analysed, so no clause was assessed.")
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["scan"]["errors"][0]["path"] == "only.sql"
    assert all(c["status"] != "clean" for c in data["clauses"])
    html = (tmp_path / "r.html").read_text("utf-8")
    assert html.index('id="incomplete-banner"') < html.index('id="clauses"')
    banner = html[html.index('id="incomplete-banner"'):].split("</div>")[0]
    assert "Incomplete scan: 1 input(s) could not be read or parsed" in banner


def test_deep_nesting_is_a_clear_parse_error_not_a_failed_scan(tmp_path):
    # The text rules still read the file (and found nothing): the scan ran, exit 0, not 2.
    (tmp_path / "broken.json").write_bytes(b'{"Statement": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    done = _dpscan("scan", "broken.json", "--no-cache", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    [error] = json.loads(done.stdout)["scan"]["errors"]
    assert error["message"].startswith("cannot parse as iam_policy: nested too deeply to parse")


def test_a_scan_of_binaries_only_analysed_nothing_and_says_so_without_failing(tmp_path):
    # Skipping binaries is a choice, not a failure: exit 0, but no clause is "clean" and the
    # report says first that nothing was analysed.
    (tmp_path / "a.py").write_bytes(b"\x7fELF\x00\x00\x01")
    (tmp_path / "b.sql").write_bytes(b"\x00\x01\x02\x03" * 100)
    run = run_cli("scan", ".", "--no-cache", "--lang", "zh", cwd=tmp_path)
    assert run.exit_code == 0
    assert run.stdout.splitlines()[0] == "扫描不完整：没有任何输入得到分析，所有条款均未评估。"
    run = run_cli("scan", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    assert {c["status"] for c in run.json()["clauses"]} == {"not_assessed"}


def test_a_parse_failure_makes_the_clauses_of_its_rules_partial_in_text_and_html(tmp_path):
    (tmp_path / "legit.sql").write_text(LEGIT_SQL, encoding="utf-8")
    (tmp_path / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules: [\n", encoding="utf-8")
    run = run_cli("scan", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    data = run.json()
    assert run.exit_code == 1
    assert [e["path"] for e in data["scan"]["errors"]] == ["rbac.yaml"]
    status = {c["id"]: c["status"] for c in data["clauses"]}
    assert status["3.3.5"] == "partial"  # the RBAC rules (3.3.5) could not read rbac.yaml
    text = run_cli("scan", ".", "--no-cache", cwd=tmp_path).stdout
    assert text.splitlines()[0] == ("Incomplete scan: 1 input(s) could not be read or parsed; "
                                    "clauses 3.3.5 partly assessed.")
    zh = run_cli("scan", ".", "--no-cache", "--lang", "zh", cwd=tmp_path).stdout
    assert zh.splitlines()[0] == "扫描不完整：1 个输入无法读取或解析；条款 3.3.5 仅部分检查。"
    run_cli("scan", ".", "--no-cache", "--html", "r.html", "-q", cwd=tmp_path)
    html = (tmp_path / "r.html").read_text("utf-8")
    banner = html[html.index('id="incomplete-banner"'):].split("</div>")[0]
    assert "clauses 3.3.5 partly assessed" in banner


# -- the per-input time bound ------------------------------------------------------------------


@pytest.fixture
def slow_kubernetes_parser(monkeypatch):
    """The kubernetes model's builder replaced by one that never finishes on "kind: Slow"."""
    from scanner import parsers

    monkeypatch.setitem(parsers.MODELS, "kubernetes", parsers.ModelSpec("tests.malformed.slow_parser:build"))


@pytest.mark.parametrize("jobs", ["1", "2"])  # in-process, and in fork pool workers
def test_an_input_over_the_file_timeout_is_abandoned_and_recorded(tmp_path, slow_kubernetes_parser, jobs):
    (tmp_path / "slow.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Slow\nrules: []\n# Role\n", encoding="utf-8")
    # Enough inputs for --jobs 2 to use the process pool (engine._PARALLEL_THRESHOLD).
    for n in range(30):
        (tmp_path / f"app{n}.env").write_text(LEGIT_ENV, encoding="utf-8")
    run = run_cli("scan", ".", "--no-cache", "--format", "json", "--jobs", jobs, "--file-timeout", "0.2",
                  cwd=tmp_path)
    data = run.json()
    assert run.exit_code == 1
    assert {"path": "slow.yaml", "message": "timed out after 0.2 s", "kind": "kubernetes"} in data["scan"]["errors"]
    assert sum(f["rule_id"] == "DP433" for f in data["findings"]) == 30
    assert {c["id"]: c["status"] for c in data["clauses"]}["3.3.5"] != "clean"


def test_file_timeout_comes_from_the_configuration_too(tmp_path, slow_kubernetes_parser):
    (tmp_path / ".dpscan.toml").write_text("file-timeout = 0.2\n", encoding="utf-8")
    (tmp_path / "slow.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Slow\nrules: []\n# Role\n", encoding="utf-8")
    data = run_cli("scan", ".", "--no-cache", "--format", "json", "--jobs", "1", cwd=tmp_path).json()
    assert [e["message"] for e in data["scan"]["errors"]] == ["timed out after 0.2 s"]


def test_the_alarm_is_disarmed_and_the_handler_restored_after_the_guarded_block():
    from scanner.timeout import time_limit

    before = signal.getsignal(signal.SIGALRM)
    with time_limit(0.05):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    time.sleep(0.1)  # an alarm left armed would raise InputTimedOut here
