"""Fingerprints survive moved code and unrelated edits; baselines and diffs use them."""

from __future__ import annotations

from scanner.baseline import Baseline, diff_results, mark_against_baseline

from .conftest import scan_snippet

CODE = "import requests\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"
DSN = 'DATABASE_URL = "postgresql://app:{pw}@db.internal:5432/app?sslmode=disable"\n'


def _prints(source: str, path: str = "a.py", rules=("DP201", "DP202")) -> list[str]:
    return [f.fingerprint for f in scan_snippet(source, path, rules=rules).findings]


def test_fingerprint_survives_code_moving_down_and_unrelated_edits():
    before = _prints(CODE)
    moved = _prints("import requests\nimport os\n\n\nTIMEOUT = 3\n" + CODE.split("\n", 1)[1])
    assert before and before == moved


def test_fingerprint_changes_when_the_finding_line_changes_or_the_file_differs():
    assert _prints(CODE) != _prints(CODE.replace("url, verify", "url, timeout=3, verify"))
    assert _prints(CODE, "a.py") != _prints(CODE, "b.py")


def test_identical_lines_get_distinct_fingerprints():
    prints = _prints(CODE + "    return requests.get(url, verify=False)\n")
    assert len(prints) == 2 and len(set(prints)) == 2


def test_adding_a_suppression_comment_keeps_the_fingerprint():
    suppressed = CODE.replace("verify=False)", "verify=False)  # dpscan: ignore[DP201] legacy")
    assert _prints(CODE) == _prints(suppressed)


def test_the_secret_is_not_part_of_the_fingerprint():
    # Two passwords, one fingerprint: the hash cannot be a hash of the password.
    assert _prints(DSN.format(pw="hunter2"), "s.py") == _prints(DSN.format(pw="s3cr3t-Other"), "s.py")


def test_mark_against_baseline_counts_new_unchanged_and_fixed():
    findings = scan_snippet(CODE, rules=["DP201"]).findings
    baseline = Baseline("b.json", frozenset({findings[0].fingerprint, "gone"}))
    marked, fixed = mark_against_baseline(findings, baseline)
    assert [f.baseline for f in marked] == ["unchanged"] and fixed == 1
    marked, fixed = mark_against_baseline(findings, Baseline("b.json", frozenset()))
    assert [f.baseline for f in marked] == ["new"] and fixed == 0


def test_diff_results():
    old = {"findings": [{"fingerprint": "a"}, {"fingerprint": "b"}, {"fingerprint": "s", "suppressed": True}]}
    new = {"findings": [{"fingerprint": "b"}, {"fingerprint": "c"}]}
    changes = diff_results(old, new)
    assert [f["fingerprint"] for f in changes["new"]] == ["c"]
    assert [f["fingerprint"] for f in changes["fixed"]] == ["a"]
    assert [f["fingerprint"] for f in changes["unchanged"]] == ["b"]
