"""The HTML report: one self-contained page for audit evidence.

This module only arranges what the result says into a view (findings under their primary
clause, rule metadata joined by id, clause text from the catalog); the template formats it.
Autoescaping is on for the whole template, so any text from the scan is shown, never run.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.messages import messages
from scanner.clauses import Catalog, load_catalog

TEMPLATE = "report.html.j2"
TEMPLATE_DIR = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,  # a misspelt field fails the tests instead of vanishing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(result: dict, *, rules: list[dict], lang: str = "en") -> str:
    ui = messages(lang)
    catalog = load_catalog()
    rules_by_id = {rule["id"]: rule for rule in rules}
    findings = _finding_views(result.get("findings", []), rules_by_id, ui)
    scan = result.get("scan", {})
    context = {
        "lang": "zh" if lang == "zh" else "en",
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "ui": ui,
        "letter": catalog,
        "tool": result.get("tool", {}),
        "scan": _scan_view(scan),
        "summary": _summary_view(result.get("summary", {})),
        "clauses": _clause_rows(result.get("clauses", []), catalog, ui),
        "sections": _clause_sections(result.get("clauses", []), findings, catalog),
        "rules_run": _rules_run(scan, rules),
        "inventory": [_inventory_view(item) for item in result.get("inventory", [])],
    }
    return _environment().get_template(TEMPLATE).render(context)


def _inventory_view(item: dict) -> dict:
    """The optional inventory fields present, for StrictUndefined."""
    view = {"label": "", "protection_evidence": "", "evidence": ""}
    view.update(item)
    view["location"] = {"path": "", "line": None, **item.get("location", {})}
    return view


def _scan_view(scan: dict) -> dict:
    """Every optional scan field present, so that the template can stay StrictUndefined."""
    return {
        "started_at": scan.get("started_at", ""),
        "finished_at": scan.get("finished_at", ""),
        "targets": scan.get("targets", []),
        "command": scan.get("command", ""),
        "fail_on": scan.get("fail_on", ""),
        "ruleset_digest": scan.get("ruleset_digest", ""),
        "inputs": scan.get("inputs", []),
        "errors": [{"kind": "", "line": "", **error} for error in scan.get("errors", [])],
        "skipped": [{"detail": "", **entry} for entry in scan.get("skipped", [])],
        "warnings": [{"path": "", "line": "", **entry} for entry in scan.get("warnings", [])],
        "baseline": scan.get("baseline"),
    }


def _summary_view(summary: dict) -> dict:
    by_severity = summary.get("by_severity", {})
    return {
        "active": summary.get("active", 0),
        "suppressed": summary.get("suppressed", 0),
        "by_severity": {sev: by_severity.get(sev, 0) for sev in ("critical", "high", "medium", "low", "info")},
    }


def _clause_rows(clauses: list[dict], catalog: Catalog, ui: Mapping[str, str]) -> list[dict]:
    rows = []
    for entry in clauses:
        clause = _catalog_clause(catalog, entry["id"])
        rows.append({
            **clause,
            "status": entry["status"],
            "status_label": ui[f"status_{entry['status']}"],
            "findings": entry.get("findings", 0),
            "rules_run": entry.get("rules_run", 0),
        })
    return rows


def _catalog_clause(catalog: Catalog, clause_id: str) -> dict:
    try:
        return catalog.get(clause_id).to_dict()
    except KeyError:  # an id the catalog does not know still renders, with its id only
        return {"id": clause_id, "short_zh": "", "short_en": "", "text_zh": "", "text_en": ""}


def _clause_sections(clauses: list[dict], findings: list[dict], catalog: Catalog) -> list[dict]:
    """Each finding sits under its primary clause and is linked from its other clauses."""
    ids = [entry["id"] for entry in clauses] or list(catalog.ids())
    sections = []
    for clause_id in ids:
        primary = [f for f in findings if f["clauses"][:1] == [clause_id]]
        sections.append({
            **_catalog_clause(catalog, clause_id),
            "active": [f for f in primary if not f["suppressed"]],
            "suppressed": [f for f in primary if f["suppressed"]],
            "cross": [f for f in findings if clause_id in f["clauses"][1:]],
        })
    return sections


def _finding_views(findings: list[dict], rules_by_id: dict[str, dict], ui: Mapping[str, str]) -> list[dict]:
    anchors: set[str] = set()
    return [_finding_view(f, i, rules_by_id, ui, anchors) for i, f in enumerate(findings)]


def _finding_view(
    finding: dict, index: int, rules_by_id: dict[str, dict], ui: Mapping[str, str], anchors: set[str]
) -> dict:
    rule = rules_by_id.get(finding["rule_id"], {})
    suppression = finding.get("suppression") or {}
    return {
        "anchor": _unique_anchor(finding.get("fingerprint", ""), index, anchors),
        "rule_id": finding["rule_id"],
        "rule_name": rule.get("name") or finding.get("rule_name", ""),
        "clauses": list(finding.get("clauses", [])),
        "severity": finding["severity"],
        "severity_label": ui.get(f"sev_{finding['severity']}", finding["severity"]),
        "confidence": finding.get("confidence", ""),
        "location": _location_text(finding.get("location", {})),
        "message": finding["message"],
        "evidence": finding.get("evidence", ""),
        "remediation": rule.get("remediation", ""),
        "suppressed": bool(finding.get("suppressed")),
        "suppression_kind": ui.get(f"suppression_{suppression.get('kind', '')}", suppression.get("kind", "")),
        "reason": suppression.get("reason", ""),
        "baseline": ui.get(f"base_{finding.get('baseline', '')}", "") if finding.get("baseline") else "",
    }


def _unique_anchor(fingerprint: str, index: int, taken: set[str]) -> str:
    """``finding-<fingerprint>``; an index stands in for a missing one and breaks ties, because a
    duplicate id would send every link to the first finding."""
    anchor = f"finding-{fingerprint}" if fingerprint else f"finding-{index + 1}"
    if anchor in taken:
        anchor = f"{anchor}-{index + 1}"
    taken.add(anchor)
    return anchor


def _location_text(location: dict) -> str:
    parts = [str(location[key]) for key in ("path", "line", "column") if location.get(key)]
    text = ":".join(parts)
    if location.get("object"):
        text = f"{text} ({location['object']})" if text else location["object"]
    return text


def _rules_run(scan: dict, rules: list[dict]) -> list[dict]:
    ran = scan.get("rules")
    return [
        {"id": rule["id"], "name": rule["name"], "clauses": rule.get("clauses", []),
         "severity": rule.get("severity", ""), "summary": rule.get("summary", "")}
        for rule in rules
        if ran is None or rule["id"] in ran
    ]
