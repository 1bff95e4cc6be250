"""Fixture annotations: ``expect: DP201`` / ``ok: DP201`` comments on the line before a line.

``expect-todo:`` marks a known miss and ``ok-todo:`` a known false alarm (after Semgrep's
``todoruleid`` / ``todook``): they keep gaps visible without failing the suite. Several rules may be
listed, separated by commas or spaces. Stacked annotation lines all apply to the next line that is
not itself an annotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.parsers.text import source_lines

_ANNOTATION = re.compile(
    r"^\s*(?:#|--|//|;|<!--)\s*(?P<kind>expect-todo|ok-todo|expect|ok):\s*(?P<rules>[\w\-, ]+?)\s*(?:-->)?\s*$"
)
KINDS = ("expect", "ok", "expect-todo", "ok-todo")


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str  # one of KINDS
    rule: str  # as written: an id or a name
    line: int  # the line it speaks about
    written_at: int  # the line of the comment itself


def parse_annotations(text: str) -> list[Annotation]:
    out: list[Annotation] = []
    pending: list[tuple[str, str, int]] = []
    for number, line in enumerate(source_lines(text), start=1):
        match = _ANNOTATION.match(line)
        if match:
            for rule in re.split(r"[\s,]+", match.group("rules").strip()):
                if rule:
                    pending.append((match.group("kind"), rule, number))
            continue
        out.extend(Annotation(kind, rule, number, at) for kind, rule, at in pending)
        pending = []
    # Annotations at the end of a file point at nothing; keep them so the harness can complain.
    out.extend(Annotation(kind, rule, 0, at) for kind, rule, at in pending)
    return out
