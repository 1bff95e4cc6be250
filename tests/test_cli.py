"""The dpscan command line on real files: every scan option, every exit code, every output."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import REPO, run_cli, write

BAD_PY = "import requests\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"
GOOD_PY = "import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n"
SECRET = "Tr0ub4dor-and-3"
ENV = f"DATABASE_URL=postgresql://app:{SECRET}@db.internal:5432/app?sslmode=prefer\n"


@pytest.fixture
def tree(tmp_path):
    write(tmp_path, "app/client.py", BAD_PY)
    write(tmp_path, "app/ok.py", GOOD_PY)
    write(tmp_path, "deploy/.env.production", ENV)
    return tmp_path


def _timeless(text: str) -> str:
    return re.sub(r'"(started_at|finished_at)": "[^"]+"', r'"\1": ""', text)


def test_fixture_scan_writes_all_three_outputs_and_exits_1(tmp_path, validate_result):
    out = {ext: tmp_path / f"r.{ext}" for ext in ("json", "sarif", "html")}
    run = run_cli("scan", "fixtures/", "--json", str(out["json"]), "--sarif", str(out["sarif"]),
                  "--html", str(out["html"]), cwd=REPO)
    assert run.exit_code == 1, run.stderr
    data = validate_result(json.loads(out["json"].read_text()))
    assert data["findings"] and all(f["location"]["path"].startswith("fixtures/") for f in data["findings"])
    sarif = json.loads(out["sarif"].read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert "<html" in out["html"].read_text()


def test_default_text_output_groups_by_file(tree):
    run = run_cli("scan", ".", cwd=tree)
    assert run.exit_code == 1
    assert "app/client.py" in run.stdout and "DP201" in run.stdout
    assert "deploy/.env.production" in run.stdout and "DP202" in run.stdout
    assert "\x1b[" not in run.stdout  # not a terminal: no colour


@pytest.mark.parametrize("fmt, marker", [("json", '"schema_version": "1"'), ("sarif", '"version": "2.1.0"'),
                                         ("html", "<!DOCTYPE html>"), ("text", "DP201")])
def test_format_to_stdout_and_to_output(tree, fmt, marker):
    run = run_cli("scan", ".", "--format", fmt, cwd=tree)
    assert marker.lower() in run.stdout.lower()
    run = run_cli("scan", ".", "--format", fmt, "--output", "out.txt", "--quiet", cwd=tree)
    assert run.stdout == ""
    assert marker.lower() in (tree / "out.txt").read_text().lower()


@pytest.mark.parametrize("fail_on, code", [("critical", 0), ("high", 1), ("info", 1)])
def test_fail_on_threshold(tree, fail_on, code):
    assert run_cli("scan", ".", "-q", "--fail-on", fail_on, cwd=tree).exit_code == code


def test_config_file_option(tree, tmp_path_factory):
    cfg = tmp_path_factory.mktemp("cfg") / "strict.toml"
    cfg.write_text('ignore = ["tls-verify-disabled", "db-url-password"]\nfail-on = "high"\n')
    run = run_cli("scan", ".", "--config", str(cfg), "--format", "json", cwd=tree)
    assert run.exit_code == 0  # only DP202's sslmode=prefer is left, and it is medium
    assert [f["rule_id"] for f in run.json()["findings"]] == ["DP202"]
    assert run.json()["scan"]["config"] == str(cfg)


def test_configuration_found_in_pyproject(tree):
    write(tree, "pyproject.toml", '[tool.dpscan]\nfail-on = "critical"\n')
    assert run_cli("scan", ".", "-q", cwd=tree).exit_code == 0


def test_per_path_override_suppresses_visibly(tree):
    write(tree, ".dpscan.toml", '[[overrides]]\npaths = ["app/**"]\nignore = ["DP201"]\nreason = "stub server"\n')
    data = run_cli("scan", ".", "--format", "json", cwd=tree).json()
    [dp201] = [f for f in data["findings"] if f["rule_id"] == "DP201"]
    assert dp201["suppressed"] and dp201["suppression"] == {"kind": "config", "reason": "stub server"}


def test_severity_override(tree):
    write(tree, ".dpscan.toml", 'severity = { DP201 = "critical" }\n')
    data = run_cli("scan", ".", "--format", "json", cwd=tree).json()
    assert {f["severity"] for f in data["findings"] if f["rule_id"] == "DP201"} == {"critical"}


def test_exclude_glob_skips_and_records(tree):
    data = run_cli("scan", ".", "--exclude", "deploy/", "--format", "json", cwd=tree).json()
    assert {f["rule_id"] for f in data["findings"]} == {"DP201"}
    assert any(s["path"].startswith("deploy") and s["reason"] == "excluded" for s in data["scan"]["skipped"])


@pytest.mark.parametrize("args, rules", [
    (("--select", "DP201"), {"DP201"}),
    (("--select", "db-url-insecure-sslmode"), {"DP202"}),
    (("--select", "DP201,DP202"), {"DP201", "DP202"}),
    (("--ignore", "tls-verify-disabled"), {"DP202", "DP430"}),
])
def test_select_and_ignore(tree, args, rules):
    data = run_cli("scan", ".", *args, "--format", "json", cwd=tree).json()
    assert {f["rule_id"] for f in data["findings"]} == rules
    assert set(data["scan"]["rules"]) >= rules


def test_jobs_give_the_same_result_as_one_process(tmp_path):
    for i in range(40):
        write(tmp_path, f"pkg/m{i:02}.py", BAD_PY if i % 3 == 0 else GOOD_PY)
    one = run_cli("scan", ".", "--jobs", "1", "--format", "json", cwd=tmp_path).stdout
    two = run_cli("scan", ".", "--jobs", "2", "--format", "json", cwd=tmp_path).stdout
    assert _timeless(one).replace("--jobs 1", "") == _timeless(two).replace("--jobs 2", "")
    assert len(json.loads(one)["findings"]) == 14


def test_lang_zh_uses_the_letters_words(tree):
    run = run_cli("scan", ".", "--lang", "zh", cwd=tree)
    assert "传输加密" in run.stdout
    html = run_cli("scan", ".", "--lang", "zh", "--format", "html", cwd=tree).stdout
    assert 'lang="zh' in html and "采用TLS/SSL等协议进行传输加密" in html


def test_baseline_round_trip(tree):
    assert run_cli("scan", ".", "-q", "--write-baseline", "base.json", cwd=tree).exit_code == 1
    baseline = json.loads((tree / "base.json").read_text())
    assert baseline["kind"] == "dpscan-baseline" and len(baseline["findings"]) == 3
    # Known findings no longer fail the run, even after the code moved down the file.
    (tree / "app/client.py").write_text("import os\n\n\n" + BAD_PY)
    run = run_cli("scan", ".", "--baseline", "base.json", "--format", "json", cwd=tree)
    assert run.exit_code == 0
    assert run.json()["scan"]["baseline"] == {"path": "base.json", "new": 0, "unchanged": 3, "fixed": 0}
    # A new finding does.
    write(tree, "app/new.py", BAD_PY)
    run = run_cli("scan", ".", "--baseline", "base.json", "--format", "json", cwd=tree)
    assert run.exit_code == 1
    assert [f["location"]["path"] for f in run.json()["findings"] if f["baseline"] == "new"] == ["app/new.py"]


def test_saved_result_works_as_baseline(tree):
    run_cli("scan", ".", "-q", "--json", "last-night.json", "--html", "report.html", cwd=tree)
    run = run_cli("scan", ".", "--baseline", "last-night.json", "--format", "json", cwd=tree)
    assert run.exit_code == 0
    # The saved result quotes masked evidence; it is recognised and not scanned as an input.
    skipped = {s["path"]: s["reason"] for s in run.json()["scan"]["skipped"]}
    assert skipped == {"last-night.json": "dpscan-output", "report.html": "dpscan-output"}


def test_inline_ignores_and_no_inline_ignores(tree):
    (tree / "app/client.py").write_text(BAD_PY.replace("verify=False)", "verify=False)  # dpscan: ignore[DP201] stub"))
    write(tree, ".dpscan.toml", 'ignore = ["DP202", "DP430"]\n')
    run = run_cli("scan", ".", "--format", "json", cwd=tree)
    assert run.exit_code == 0 and run.json()["findings"][0]["suppression"]["reason"] == "stub"
    run = run_cli("scan", ".", "--no-inline-ignores", "--format", "json", cwd=tree)
    assert run.exit_code == 1 and not run.json()["findings"][0]["suppressed"]
    assert run.json()["scan"]["inline_ignores"] is False


def test_quiet_prints_nothing(tree):
    run = run_cli("scan", ".", "--quiet", "--json", "r.json", cwd=tree)
    assert run.stdout == "" and run.stderr == ""
    assert (tree / "r.json").exists()


@pytest.mark.parametrize("args, message", [
    (("scan", "no/such/dir"), "path does not exist"),
    (("scan", ".", "--select", "DP777"), "unknown rule 'DP777'"),
    (("scan", ".", "--fail-on", "severe"), "Invalid value"),
    (("scan", ".", "--max-file-size", "huge"), "not a size"),
    (("explain", "DP777"), "unknown rule"),
    (("scan", ".", "--select", "DP201", "--ignore", "tls-verify-disabled"), "no rules selected"),
])
def test_usage_errors_exit_2(tree, args, message):
    run = run_cli(*args, cwd=tree)
    assert run.exit_code == 2
    assert message in run.stderr


def test_broken_config_exits_2(tree):
    write(tree, ".dpscan.toml", "fail-on = [\n")
    run = run_cli("scan", ".", cwd=tree)
    assert run.exit_code == 2 and "cannot read configuration" in run.stderr


def test_broken_input_is_an_error_not_an_abort(tree, validate_result):
    write(tree, "app/broken.py", "import requests\nprint 'verify=False'\n")  # Python 2: no libcst parse
    run = run_cli("scan", ".", "--format", "json", cwd=tree)
    data = validate_result(run.json())
    assert run.exit_code == 1
    assert [e["path"] for e in data["scan"]["errors"]] == ["app/broken.py"]
    assert {f["location"]["path"] for f in data["findings"]} == {"app/client.py", "deploy/.env.production"}
    # A clause whose checks could not read every relevant input is never reported clean.
    (tree / "app/client.py").write_text(GOOD_PY)
    (tree / "deploy/.env.production").unlink()
    data = run_cli("scan", ".", "--format", "json", cwd=tree).json()
    assert next(c for c in data["clauses"] if c["id"] == "3.3.3")["status"] == "partial"


def test_clause_statuses_are_honest(tree):
    data = run_cli("scan", ".", "--format", "json", cwd=tree).json()
    status = {c["id"]: c["status"] for c in data["clauses"]}
    assert status["3.3.3"] == "findings"
    assert status["3.3.1"] == "not_assessed"  # no rule covers it yet: never "clean"
    data = run_cli("scan", "app/ok.py", "--format", "json", cwd=tree).json()
    assert {c["id"]: c["status"] for c in data["clauses"]}["3.3.3"] == "clean"


def test_same_input_gives_byte_identical_json_apart_from_timestamps(tree):
    first = run_cli("scan", ".", "--format", "json", cwd=tree).stdout
    second = run_cli("scan", ".", "--format", "json", cwd=tree).stdout
    assert _timeless(first) == _timeless(second)
    paths = [(f["location"]["path"], f["location"]["line"], f["rule_id"]) for f in json.loads(first)["findings"]]
    assert paths == sorted(paths)


def test_no_output_carries_the_password(tree):
    run_cli("scan", ".", "-q", "--json", "r.json", "--sarif", "r.sarif", "--html", "r.html",
            "--write-baseline", "b.json", cwd=tree)
    text = run_cli("scan", ".", cwd=tree).stdout
    for produced in [text, *((tree / n).read_text() for n in ("r.json", "r.sarif", "r.html", "b.json"))]:
        assert SECRET not in produced
    assert "app:****@db.internal" in (tree / "r.json").read_text()


def test_version_and_help():
    assert re.match(r"dpscan, version \d+\.\d+", run_cli("--version").stdout)
    for command in ("scan", "rules", "explain", "report", "diff"):
        run = run_cli(command, "--help")
        assert run.exit_code == 0 and "Usage:" in run.stdout
    assert "--fail-on" in run_cli("scan", "--help").stdout


def test_rules_and_explain():
    text = run_cli("rules").stdout
    assert "DP201" in text and "tls-verify-disabled" in text and "3.3.3" in text
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {"DP201", "DP202"} <= {r["id"] for r in listed}
    explained = run_cli("explain", "tls-verify-disabled").stdout
    assert "DP201" in explained and "How to fix it" in explained and "采用TLS/SSL等协议进行传输加密" in explained


def test_report_rerenders_a_saved_result(tree):
    run_cli("scan", ".", "-q", "--json", "r.json", cwd=tree)
    run = run_cli("report", "r.json", "--html", "again.html", "-q", cwd=tree)
    assert run.exit_code == 0 and "DP201" in (tree / "again.html").read_text()
    write(tree, "junk.json", "{}")
    assert run_cli("report", "junk.json", cwd=tree).exit_code == 2


def test_diff_of_two_results(tree):
    run_cli("scan", ".", "-q", "--json", "old.json", cwd=tree)
    write(tree, "app/new.py", BAD_PY)
    (tree / "deploy/.env.production").unlink()
    run_cli("scan", ".", "-q", "--json", "new.json", cwd=tree)
    run = run_cli("diff", "old.json", "new.json", cwd=tree)
    assert run.exit_code == 1
    assert "1 new, 2 fixed, 1 unchanged" in run.stdout  # the .env file held DP202 and DP430
    assert json.loads(run_cli("diff", "old.json", "new.json", "-f", "json", cwd=tree).stdout)["new"][0]["location"]["path"] == "app/new.py"


def test_report_cover_from_configuration_and_command_line(tree):
    write(tree, ".dpscan.toml", 'org = "示例科技有限公司"\ncommitment-id = "CN-2026-017"\n')
    scan = run_cli("scan", ".", "--format", "json", cwd=tree).json()["scan"]
    assert (scan["org"], scan["commitment_id"]) == ("示例科技有限公司", "CN-2026-017")
    scan = run_cli("scan", ".", "--format", "json", "--org", "Other Ltd", cwd=tree).json()["scan"]
    assert (scan["org"], scan["commitment_id"]) == ("Other Ltd", "CN-2026-017")
