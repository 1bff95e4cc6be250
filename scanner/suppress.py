"""Inline suppressions: ``dpscan: ignore[DP201] reason`` in any comment syntax.

A directive after code on a line covers that line; a directive alone on its line covers the next
line. Rules are named by id, name or alias; a bare ``dpscan: ignore`` covers every rule. A missing
reason still suppresses, but the result carries a warning: the report must show why each
suppressed finding was accepted, and "no reason given" is something an auditor should see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scanner.finding import Finding, ScanWarning, Suppression

# The comment openers dpscan understands: #, --, //, ;, /* and <!-- (detect-secrets'
# allowlist filter does the same across file types). The marker must start a comment, so
# "dpscan: ignore" inside ordinary prose on a line is not taken as a directive.
_DIRECTIVE = re.compile(
    r"(?P<marker>#|--|//|;|/\*|<!--)\s*dpscan:\s*ignore"
    r"(?:\[(?P<rules>[^\]]*)\])?"
    r"(?P<reason>.*)$"
)
_CLOSERS = ("-->", "*/")


@dataclass(frozen=True, slots=True)
class Directive:
    line: int  # where the comment is
    target: int  # the line it covers
    rules: tuple[str, ...] | None  # None: every rule
    reason: str
    text: str

    def covers(self, rule_refs: Iterable[str]) -> bool:
        if self.rules is None:
            return True
        wanted = {r.lower() for r in self.rules}
        return any(ref.lower() in wanted for ref in rule_refs)


def parse_directives(lines: Iterable[str]) -> list[Directive]:
    directives = []
    for number, line in enumerate(lines, start=1):
        if "dpscan:" not in line:
            continue  # cheap test first: almost no line carries a directive
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        alone = not line[: match.start("marker")].strip()
        rules = match.group("rules")
        directives.append(
            Directive(
                line=number,
                target=number + 1 if alone else number,
                rules=_split_rules(rules) if rules is not None else None,
                reason=_clean_reason(match.group("reason")),
                text=match.group(0).strip(),
            )
        )
    return directives


def _split_rules(raw: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", raw) if part)


def _clean_reason(raw: str) -> str:
    reason = raw.strip()
    for closer in _CLOSERS:
        if reason.endswith(closer):
            reason = reason[: -len(closer)].strip()
    return reason.lstrip(":-— ").strip()


def apply_inline(
    findings: list[Finding],
    lines: Iterable[str],
    *,
    path: str,
    rule_refs: Callable[[str], tuple[str, ...]],
    is_known: Callable[[str], bool],
) -> tuple[list[Finding], list[ScanWarning]]:
    """Mark the findings that a directive covers; warn about directives that need attention.

    ``rule_refs(rule_id)`` gives the id, name and aliases a directive may use for a rule;
    ``is_known(ref)`` says whether a reference names any rule at all.
    """
    directives = parse_directives(lines)
    if not directives:
        return findings, []
    warnings = []
    for d in directives:
        for ref in d.rules or ():
            if not is_known(ref):
                warnings.append(ScanWarning(f"suppression names unknown rule {ref!r}", path, d.line))
        if not d.reason:
            warnings.append(ScanWarning("suppression without a reason", path, d.line))
    by_target: dict[int, list[Directive]] = {}
    for d in directives:
        by_target.setdefault(d.target, []).append(d)
    out = []
    for finding in findings:
        directive = next(
            (d for d in by_target.get(finding.location.line or -1, ())
             if d.covers(rule_refs(finding.rule_id))),
            None,
        )
        if directive is not None and finding.suppression is None:
            finding = finding.with_(
                suppression=Suppression(kind="inline", reason=directive.reason, directive=directive.text)
            )
        out.append(finding)
    return out, warnings
