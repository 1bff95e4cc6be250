"""Score the rules against the annotated fixtures: ``python -m scanner.accuracy fixtures``.

Compares the set of (path, line, rule) that the scan finds with the set the annotations expect,
per rule, and prints true/false positives, misses, precision and recall. The test suite asserts
the same comparison is exact; this command is for reading how good each rule is.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scanner.annotations import parse_annotations
from scanner.config import Config
from scanner.discover import discover
from scanner.engine import ScanRequest, run_scan
from scanner.registry import default_registry
from scanner.textio import decode_bytes

Key = tuple[str, int, str]  # (path, line, rule id)


@dataclass
class Comparison:
    expected: set[Key] = field(default_factory=set)
    found: set[Key] = field(default_factory=set)
    tolerated: set[Key] = field(default_factory=set)  # ok-todo: known false alarms
    known_misses: set[Key] = field(default_factory=set)  # expect-todo
    negatives: set[Key] = field(default_factory=set)  # ok:
    problems: list[str] = field(default_factory=list)  # annotations that cannot be honoured

    @property
    def false_positives(self) -> set[Key]:
        return self.found - self.expected - self.tolerated - self.known_misses

    @property
    def misses(self) -> set[Key]:
        return self.expected - self.found


def compare(root: str) -> Comparison:
    """Scan ``root`` with every rule (preview included) and compare with its annotations."""
    registry = default_registry()
    rules = tuple(rule_cls() for rule_cls in registry.all())
    request = ScanRequest(targets=(root,), root=root, config=Config(), rules=rules, jobs=1)
    result = run_scan(request)
    comparison = Comparison()
    # Only findings with a line can be annotated; binary inputs (SQLite databases) carry their
    # expectations in their own tests.
    comparison.found = {
        (f.location.path, f.location.line, f.rule_id) for f in result.active
        if f.location.path and f.location.line
    }
    sources, _ = discover([root], root=root)
    for source in sources:
        text = decode_bytes(Path(source.abspath).read_bytes()).text
        for note in parse_annotations(text):
            rule = registry.find(note.rule)
            if rule is None or note.line == 0:
                why = "unknown rule" if rule is None else "points past the end of the file"
                comparison.problems.append(f"{source.relpath}:{note.written_at}: {note.kind}: {note.rule}: {why}")
                continue
            key = (source.relpath, note.line, rule.id)
            {"expect": comparison.expected, "ok": comparison.negatives,
             "expect-todo": comparison.known_misses, "ok-todo": comparison.tolerated}[note.kind].add(key)
    return comparison


def per_rule(comparison: Comparison) -> dict[str, dict[str, float]]:
    stats: dict[str, dict[str, float]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "ok": 0, "todo": 0})
    for _, _, rule in comparison.found & comparison.expected:
        stats[rule]["tp"] += 1
    for _, _, rule in comparison.false_positives:
        stats[rule]["fp"] += 1
    for _, _, rule in comparison.misses:
        stats[rule]["fn"] += 1
    for _, _, rule in comparison.negatives:
        stats[rule]["ok"] += 1
    for _, _, rule in comparison.known_misses | comparison.tolerated:
        stats[rule]["todo"] += 1
    for row in stats.values():
        row["precision"] = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else 1.0
        row["recall"] = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else 1.0
    return dict(sorted(stats.items()))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = args[0] if args else "fixtures"
    comparison = compare(root)
    print(f"{'rule':8}{'tp':>5}{'fp':>5}{'fn':>5}{'ok':>5}{'todo':>6}{'precision':>11}{'recall':>8}")
    for rule, row in per_rule(comparison).items():
        print(f"{rule:8}{row['tp']:>5}{row['fp']:>5}{row['fn']:>5}{row['ok']:>5}{row['todo']:>6}"
              f"{row['precision']:>11.3f}{row['recall']:>8.3f}")
    for path, line, rule in sorted(comparison.false_positives):
        print(f"unexpected: {path}:{line} {rule}")
    for path, line, rule in sorted(comparison.misses):
        print(f"missed:     {path}:{line} {rule}")
    for problem in comparison.problems:
        print(f"annotation: {problem}")
    exact = not (comparison.false_positives or comparison.misses or comparison.problems)
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
