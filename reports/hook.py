"""The pre-commit hook's terse output: one line per blocking finding, then one summary line.

    app.py:3: DP201 [high] TLS certificate verification is disabled ... (3.3.3) — fix: Remove verify=False.
    dpscan: 1 finding blocks this commit (1 high)

Nothing at all is printed when nothing blocks: a clean commit stays quiet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

SEVERITIES = ("critical", "high", "medium", "low", "info")
# The end of the first sentence: ". " (or "!", "?") before more text, or a Chinese full stop.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])")


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whitespace collapsed (the remediation's headline)."""
    flat = " ".join(text.split())
    return _SENTENCE_END.split(flat, maxsplit=1)[0] if flat else ""


def render_hook(findings: list[dict], *, remediation: Callable[[str], str], known: int = 0,
                baseline: str | None = None) -> str:
    """``findings`` are the blocking ones (JSON-result dicts, messages already localised);
    ``remediation(rule_id)`` gives a rule's remediation text; ``known`` counts the findings that
    did not block because the baseline already holds them."""
    if not findings:
        return ""
    lines = [_finding_line(f, remediation) for f in findings]
    counts = Counter(f["severity"] for f in findings)
    detail = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
    noun = "finding blocks" if len(findings) == 1 else "findings block"
    summary = f"dpscan: {len(findings)} {noun} this commit ({detail})"
    if baseline:
        summary += f"; {known} already in baseline {baseline}"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _finding_line(finding: dict, remediation: Callable[[str], str]) -> str:
    location = finding.get("location", {})
    where = location.get("path") or location.get("object") or "-"
    if location.get("line"):
        where += f":{location['line']}"
    clauses = ", ".join(finding.get("clauses", []))
    line = f"{where}: {finding['rule_id']} [{finding['severity']}] {finding['message']}"
    if clauses:
        line += f" ({clauses})"
    fix = first_sentence(remediation(finding["rule_id"]))
    return f"{line} — fix: {fix}" if fix else line
