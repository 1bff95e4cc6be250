"""Every `expect:` / `ok:` annotation under fixtures/ holds, as an exact set of (path, line, rule)."""

from __future__ import annotations

from scanner.accuracy import compare, per_rule
from scanner.annotations import parse_annotations

from .conftest import FIXTURES


def test_every_fixture_annotation_holds():
    comparison = compare(str(FIXTURES))
    assert not comparison.problems
    assert comparison.expected, "no expect: annotations found under fixtures/"
    assert sorted(comparison.false_positives) == []
    assert sorted(comparison.misses) == []


def test_accuracy_report_counts_per_rule():
    stats = per_rule(compare(str(FIXTURES)))
    assert stats["DP201"]["tp"] > 0 and stats["DP201"]["ok"] > 0
    assert stats["DP202"]["tp"] > 0 and stats["DP202"]["ok"] > 0
    assert all(row["precision"] == 1.0 and row["recall"] == 1.0 for row in stats.values())


def test_annotations_parse_in_every_comment_syntax():
    text = "\n".join([
        "# expect: DP201",
        "x = 1",
        "-- ok: DP202, DP201",
        "select 1;",
        "// expect-todo: DP202",
        "<!-- ok-todo: DP201 -->",
        "y",
        "# expect: DP201",
    ])
    got = [(a.kind, a.rule, a.line) for a in parse_annotations(text)]
    assert got == [
        ("expect", "DP201", 2),
        ("ok", "DP202", 4), ("ok", "DP201", 4),
        ("expect-todo", "DP202", 7), ("ok-todo", "DP201", 7),
        ("expect", "DP201", 0),  # dangling: the harness reports it
    ]


def test_harness_catches_a_wrong_annotation(tmp_path):
    (tmp_path / "a.py").write_text(
        "import requests\n# ok: DP201\nrequests.get('https://x', verify=False)\n# expect: DP201\nx = 1\n"
    )
    comparison = compare(str(tmp_path))
    assert comparison.false_positives == {("a.py", 3, "DP201")}
    assert comparison.misses == {("a.py", 5, "DP201")}
