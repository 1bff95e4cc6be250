"""The terminal report: findings grouped by file (or database object), like ruff and bandit.

    app/settings.py
      12:5   DP201 [high] TLS certificate verification is disabled for requests.get  (3.3.3)
             > requests.get(url, verify=False)

Suppressed findings are counted, not listed: the terminal is for what needs fixing now; the
HTML report is where suppressions are shown with their reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import click

from reports.incomplete import incomplete_notice
from reports.messages import localized_findings, messages

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_STYLE = {
    "critical": {"fg": "red", "bold": True},
    "high": {"fg": "red"},
    "medium": {"fg": "yellow"},
    "low": {"fg": "blue"},
    "info": {"fg": "cyan"},
}
MIN_POSITION_WIDTH = 6  # "12:5" plus padding, so rule ids line up in most files


def render_text(
    result: dict, *, rules: list[dict], lang: str = "en", color: bool = False, inventory: bool = False
) -> str:
    """``rules`` is accepted for a uniform renderer signature; the text report needs only what
    each finding carries. ``inventory`` adds the personal-information inventory."""
    ui = messages(lang)
    style = _Styler(color)
    scan = result.get("scan", {})
    notice = incomplete_notice(result, ui)
    sections = [
        # First, before any finding: a reader who stops at the top must not take it for clean.
        [style(notice, bold=True), ""] if notice else [],
        _findings_section(localized_findings(result.get("findings", []), lang), style),
        _errors_section(scan.get("errors", []), ui),
        _warnings_section(scan.get("warnings", []), ui),
        [_skipped_line(scan.get("skipped", []), ui)],
        _baseline_section(scan.get("baseline"), ui),
        _inventory_section(result.get("inventory", []), ui) if inventory else [],
        _clauses_section(result.get("clauses", []), ui),
        [_summary_line(result.get("summary", {}), len(scan.get("errors", [])), ui, style)],
    ]
    return "\n".join("\n".join(lines) for lines in sections if lines) + "\n"


class _Styler:
    """click.style when colour is wanted, the identity otherwise (no stray ANSI codes in CI logs)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, **style: object) -> str:
        return click.style(text, **style) if self.color else text

    def severity(self, severity: str) -> str:
        return self(f"[{severity}]", **SEVERITY_STYLE.get(severity, {}))


# -- findings -----------------------------------------------------------------------------------


def _findings_section(findings: list[dict], style: _Styler) -> list[str]:
    lines: list[str] = []
    for heading, group in _group_by_place(f for f in findings if not f.get("suppressed")):
        width = max(MIN_POSITION_WIDTH, *(len(_position(f)) + 1 for f in group))
        if lines:
            lines.append("")
        lines.append(style(heading, bold=True))
        for finding in group:
            lines.extend(_finding_lines(finding, width, style))
    if lines:
        lines.append("")
    return lines


def _group_by_place(findings: Iterable[dict]) -> list[tuple[str, list[dict]]]:
    """Group under the file path, or the database object when there is no file; groups keep the
    order in which the scanner sorted the findings."""
    groups: dict[str, list[dict]] = {}
    for finding in findings:
        location = finding.get("location", {})
        place = location.get("path") or location.get("object") or "-"
        groups.setdefault(place, []).append(finding)
    return list(groups.items())


def _position(finding: dict) -> str:
    location = finding.get("location", {})
    if not location.get("line"):
        return ""
    if location.get("column"):
        return f"{location['line']}:{location['column']}"
    return str(location["line"])


def _finding_lines(finding: dict, width: int, style: _Styler) -> list[str]:
    clauses = ", ".join(finding.get("clauses", []))
    head = (
        f"  {_position(finding).ljust(width)} {finding['rule_id']} "
        f"{style.severity(finding['severity'])} {finding['message']}  ({clauses})"
    )
    lines = [head]
    location = finding.get("location", {})
    # A file finding that also names a database object (a column in a dump) shows the object.
    if location.get("path") and location.get("object"):
        lines.append(f"  {'':{width}} @ {location['object']}")
    if finding.get("evidence"):
        lines.append(f"  {'':{width}} > {finding['evidence']}")
    return lines


# -- the scan around the findings ---------------------------------------------------------------


def _errors_section(errors: list[dict], ui: Mapping[str, str]) -> list[str]:
    if not errors:
        return []
    lines = [ui["errors_heading"].format(n=len(errors))]
    for error in errors:
        where = f"{error['path']}:{error['line']}" if error.get("line") else error.get("path", "")
        lines.append(f"  {where}: {error['message']}")
    return lines


def _warnings_section(warnings: list[dict], ui: Mapping[str, str]) -> list[str]:
    if not warnings:
        return []
    lines = [ui["warnings_heading"].format(n=len(warnings))]
    for warning in warnings:
        where = warning.get("path", "")
        if where and warning.get("line"):
            where = f"{where}:{warning['line']}"
        lines.append(f"  {where}: {warning['message']}" if where else f"  {warning['message']}")
    return lines


def _skipped_line(skipped: list[dict], ui: Mapping[str, str]) -> str:
    if not skipped:
        return ui["skipped_none"]
    reasons = Counter(entry["reason"] for entry in skipped)
    detail = ui["list_sep"].join(f"{reason} {count}" for reason, count in sorted(reasons.items()))
    return ui["skipped_line"].format(n=len(skipped), detail=detail)


def _baseline_section(baseline: dict | None, ui: Mapping[str, str]) -> list[str]:
    if not baseline:
        return []
    counts = ui["baseline_counts"].format(**{k: baseline.get(k, 0) for k in ("new", "unchanged", "fixed")})
    return [f"{ui['baseline']} {baseline.get('path', '')}: {counts}"]


def _inventory_section(items: list[dict], ui: Mapping[str, str]) -> list[str]:
    lines = [ui["inventory_heading"].format(n=len(items))]
    for item in items:
        where = item["location"].get("path", "")
        if item["location"].get("line"):
            where += f":{item['location']['line']}"
        sensitivity = ui.get(f"sens_{item['sensitivity']}", item["sensitivity"])
        # A live database's column has no file: its object already says where it is.
        details = "; ".join(part for part in (where, item.get("evidence", "")) if part)
        lines.append(f"  {item['object']}  {item.get('label') or item['category']} [{sensitivity}]"
                     f"  {item['protected']}  ({details})")
    return lines


def _clauses_section(clauses: list[dict], ui: Mapping[str, str]) -> list[str]:
    if not clauses:
        return []
    from scanner.clauses import load_catalog  # only the clause lines need the catalog

    catalog = load_catalog()
    lines = [ui["clauses_heading"]]
    for entry in clauses:
        try:
            clause = catalog.get(entry["id"])
        except KeyError:
            name = ""
        else:
            # Both names, Chinese first as in the letter; only the UI words follow ``lang``.
            name = f"{clause.short_zh} / {clause.short_en}"
        status = ui[f"status_{entry['status']}"]
        if entry.get("findings"):
            status += ui["paren"].format(inner=entry["findings"])
        lines.append(f"  {entry['id']} {name}: {status}")
    return lines


def _summary_line(summary: dict, error_count: int, ui: Mapping[str, str], style: _Styler) -> str:
    active = summary.get("active", 0)
    found = ui["found_one"] if active == 1 else ui["found_many"].format(n=active)
    by_severity = summary.get("by_severity", {})
    counts = [
        ui["sev_count"].format(n=by_severity[sev], sev=ui[f"sev_{sev}"])
        for sev in SEVERITIES
        if by_severity.get(sev)
    ]
    if counts:
        found += ui["paren"].format(inner=ui["list_sep"].join(counts))
    tail = ui["summary_tail"].format(s=summary.get("suppressed", 0), e=error_count)
    return style(found, bold=True) + tail
