"""The one-line notice that a scan is incomplete, shown FIRST by the text and HTML reports.

A reader who sees only the top of a report must not take it for a clean bill: when inputs could
not be read or parsed, when clauses are only partly assessed, or when nothing at all was analysed,
the line says so ("Incomplete scan: 3 input(s) could not be read or parsed; clauses 3.3.2, 3.3.3
partly assessed."). It is derived from the result alone, so a saved result renders the same.
"""

from __future__ import annotations

from collections.abc import Mapping

# Skip reasons that mean the input could not be read (scanner.result.FAILED_SKIPS; repeated here
# because renderers read a saved result and do not import the scanner's run-time modules).
FAILED_SKIPS = frozenset({"unreadable"})


def incomplete_notice(result: dict, ui: Mapping[str, str]) -> str | None:
    """The notice in ``ui``'s language, or None when the scan was complete."""
    scan = result.get("scan", {})
    clauses = result.get("clauses", [])
    failed = {e.get("path") for e in scan.get("errors", [])}
    failed |= {s.get("path") for s in scan.get("skipped", []) if s.get("reason") in FAILED_SKIPS}
    partial = [c["id"] for c in clauses if c.get("status") == "partial"]
    # Only results that carry inputs_checked can tell "nothing analysed"; older ones stay silent.
    nothing = bool(clauses) and all("inputs_checked" in c for c in clauses) and not any(
        c["inputs_checked"] for c in clauses)
    parts = []
    if failed:
        parts.append(ui["incomplete_failed"].format(n=len(failed)))
    if nothing:
        parts.append(ui["incomplete_nothing"])
    elif partial:
        parts.append(ui["incomplete_partial"].format(ids=ui["clause_id_sep"].join(partial)))
    if not parts:
        return None
    return ui["incomplete_line"].format(detail=ui["incomplete_sep"].join(parts))
