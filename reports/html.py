"""The HTML report: one self-contained page for audit evidence.

This module only arranges what the result says into a view (findings under their primary
clause, rule metadata joined by id, clause text from the catalog); the template formats it.
Autoescaping is on for the whole template, so any text from the scan is shown, never run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports.incomplete import incomplete_notice
from reports.messages import MESSAGES, localized_findings, messages
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


SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK = {sev: rank for rank, sev in enumerate(SEVERITIES)}
SCRIPT_FILE = TEMPLATE_DIR / "html" / "report.js"
BAR_WIDTH = 120  # px of the widest clause bar in the matrix


@cache
def _script() -> tuple[Markup, str]:
    """The inline script (sort/filter, open details for print) and its CSP hash: the page allows
    that one script and nothing else."""
    text = "\n" + SCRIPT_FILE.read_text("utf-8")  # exactly what sits between the tags
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


def render_html(result: dict, *, rules: list[dict], lang: str = "en") -> str:
    lang = "zh" if lang == "zh" else "en"
    ui = messages(lang)
    catalog = load_catalog()
    rules_by_id = {rule["id"]: _localised_rule(rule, lang) for rule in rules}
    findings = _finding_views(localized_findings(result.get("findings", []), lang), rules_by_id, ui)
    scan = result.get("scan", {})
    scan_view = _scan_view(scan, result.get("tool", {}))
    clause_entries = result.get("clauses", []) or [{"id": cid, "status": "not_assessed"} for cid in catalog.ids()]
    rules_run = _rules_run(scan, list(rules_by_id.values()))
    script, script_hash = _script()
    notice = incomplete_notice(result, ui)
    context = {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "ui": ui,
        "ui_zh": MESSAGES["zh"],
        "ui_en": MESSAGES["en"],
        "letter": catalog,
        "tool": result.get("tool", {}),
        "scan": scan_view,
        "summary": _summary_view(result.get("summary", {})),
        "clauses": _clause_rows(clause_entries, findings, catalog, ui),
        "sections": _clause_sections(clause_entries, findings, catalog, rules_run, rules_by_id),
        "rules_run": rules_run,
        "inventory": [_inventory_view(item, ui) for item in result.get("inventory", [])],
        "worst": _worst(findings),
        "incomplete": bool(scan_view["errors"] or scan_view["skipped"] or notice),
        "incomplete_notice": notice or "",
        "new_findings": [f for f in findings if f["baseline_state"] == "new" and not f["suppressed"]],
        "suppressed": [f for f in findings if f["suppressed"]],
        "script": script,
        "csp": (f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash}; "
                "img-src data:; base-uri 'none'; form-action 'none'"),
    }
    return _environment().get_template(TEMPLATE).render(context)


def _localised_rule(rule: dict, lang: str) -> dict:
    """The rule metadata with the Chinese summary and remediation in place when asked and given."""
    view = dict(rule)
    if lang == "zh":
        for key in ("summary", "remediation"):
            if rule.get(f"{key}_zh"):
                view[key] = rule[f"{key}_zh"]
    return view


def _worst(findings: list[dict]) -> dict | None:
    """The exposure to name first: the most severe active finding, preferring a clause 3.3.2
    (sensitive personal information) finding among equals, then the result's own order."""
    active = [f for f in findings if not f["suppressed"]]
    if not active:
        return None
    return min(
        active,
        key=lambda f: (SEVERITY_RANK.get(f["severity"], len(SEVERITIES)), "3.3.2" not in f["clauses"]),
    )


def _inventory_view(item: dict, ui: Mapping[str, str]) -> dict:
    """The optional inventory fields present, for StrictUndefined."""
    view = {"label": "", "protection_evidence": "", "evidence": "", "source": "", "confidence": "",
            "data_type": "", "category": "", "sensitivity": "", "protected": ""}
    view.update(item)
    location = {"path": "", "line": None, **item.get("location", {})}
    view["where"] = _location_text(location)
    view["protected_label"] = ui.get(f"prot_{view['protected']}", str(view["protected"]))
    view["sensitivity_label"] = ui.get(f"sens_{view['sensitivity']}", view["sensitivity"])
    return view


def _scan_view(scan: dict, tool: dict) -> dict:
    """Every optional scan field present, so that the template can stay StrictUndefined."""
    digest = scan.get("ruleset_digest", "")
    finished = scan.get("finished_at", "")
    policy = dict(scan.get("policy") or {})
    policy.setdefault("fail_on", scan.get("fail_on", ""))
    return {
        "started_at": scan.get("started_at", ""),
        "finished_at": finished,
        "targets": scan.get("targets", []),
        "command": scan.get("command", ""),
        "fail_on": scan.get("fail_on", ""),
        "config": scan.get("config") or "",
        "ruleset_digest": digest,
        "org": scan.get("org") or "",
        "commitment_id": scan.get("commitment_id") or "",
        "git": {"commit": "", "branch": "", **(scan.get("git") or {})},
        "policy": _policy_rows(policy),
        "report_id": _report_id(digest, finished, tool.get("version", "")),
        "inputs": [{"kind": "", "sha256": "", **entry} for entry in scan.get("inputs", [])],
        "errors": [{"kind": "", "line": "", **error} for error in scan.get("errors", [])],
        "skipped": [{"detail": "", **entry} for entry in scan.get("skipped", [])],
        "warnings": [{"path": "", "line": "", **entry} for entry in scan.get("warnings", [])],
        "baseline": scan.get("baseline"),
    }


def _policy_rows(policy: dict) -> list[dict]:
    """(key, value text) rows; a per-rule option reads "value" or "v1 (DP1, DP2); v2 (DP3)"."""
    rows = []
    for key, value in policy.items():
        if value in ("", None):
            continue
        if isinstance(value, Mapping):
            by_value: dict[str, list[str]] = {}
            for rule_id, setting in value.items():
                by_value.setdefault(str(setting), []).append(str(rule_id))
            text = "; ".join(f"{v} ({', '.join(ids)})" for v, ids in by_value.items())
        else:
            text = str(value)
        rows.append({"key": key, "value": text})
    return rows


def _report_id(digest: str, finished: str, version: str) -> str:
    """A short id naming this report on every printed page: rule-set digest and finish time.
    Reduced to safe characters because it is also written into a CSS string."""
    stamp = re.sub(r"[^0-9TZ]", "", finished)
    text = "-".join(part for part in (digest[:12], stamp) if part) or f"dpscan-{version}"
    return re.sub(r"[^0-9A-Za-z._-]", "", text)


def _summary_view(summary: dict) -> dict:
    by_severity = summary.get("by_severity", {})
    return {
        "active": summary.get("active", 0),
        "suppressed": summary.get("suppressed", 0),
        "by_severity": {sev: by_severity.get(sev, 0) for sev in SEVERITIES},
    }


def _clause_rows(clauses: list[dict], findings: list[dict], catalog: Catalog, ui: Mapping[str, str]) -> list[dict]:
    rows = []
    for entry in clauses:
        clause = _catalog_clause(catalog, entry["id"])
        active = [f for f in findings if not f["suppressed"] and entry["id"] in f["clauses"]]
        counts = {sev: sum(1 for f in active if f["severity"] == sev) for sev in SEVERITIES}
        rows.append({
            **clause,
            "status": entry["status"],
            "status_label": ui.get(f"status_{entry['status']}", entry["status"]),
            "findings": entry.get("findings", len(active)),
            "rules_run": entry.get("rules_run", 0),
            "inputs_checked": entry.get("inputs_checked", 0),
            "by_severity": counts,
            "new": sum(1 for f in active if f["baseline_state"] == "new"),
        })
    _bars(rows)
    return rows


def _bars(rows: list[dict]) -> None:
    """Segments of each clause's inline SVG bar: widths in px, scaled to the busiest clause."""
    most = max((sum(row["by_severity"].values()) for row in rows), default=0)
    for row in rows:
        x, segments = 0.0, []
        for sev in SEVERITIES:
            count = row["by_severity"][sev]
            if count and most:
                width = max(1.0, BAR_WIDTH * count / most)
                segments.append({"severity": sev, "x": round(x, 1), "width": round(width, 1), "count": count})
                x += width
        row["bar"] = segments


def _catalog_clause(catalog: Catalog, clause_id: str) -> dict:
    try:
        return catalog.get(clause_id).to_dict()
    except KeyError:  # an id the catalog does not know still renders, with its id only
        return {"id": clause_id, "short_zh": "", "short_en": "", "text_zh": "", "text_en": "", "manual": []}


def _clause_sections(
    clauses: list[dict], findings: list[dict], catalog: Catalog, rules_run: list[dict],
    rules_by_id: dict[str, dict],
) -> list[dict]:
    """Each finding sits under its primary clause, grouped by rule (the rule's remediation said
    once), and is linked from its other clauses."""
    sections = []
    for entry in clauses:
        clause_id = entry["id"]
        primary = [f for f in findings if f["clauses"][:1] == [clause_id]]
        active = [f for f in primary if not f["suppressed"]]
        sections.append({
            **_catalog_clause(catalog, clause_id),
            "status": entry.get("status", "not_assessed"),
            "rules_run": entry.get("rules_run", 0),
            "inputs_checked": entry.get("inputs_checked", 0),
            "checks": [r for r in rules_run if clause_id in r["clauses"]],
            "groups": _groups(active, rules_by_id),
            "active": active,
            "suppressed": [f for f in primary if f["suppressed"]],
            "cross": [f for f in findings if clause_id in f["clauses"][1:]],
        })
    return sections


def _groups(findings: list[dict], rules_by_id: dict[str, dict]) -> list[dict]:
    """Findings by rule, most severe rule first, each rule's findings in result order."""
    groups: dict[str, dict] = {}
    for f in findings:
        group = groups.get(f["rule_id"])
        if group is None:
            rule = rules_by_id.get(f["rule_id"], {})
            group = groups[f["rule_id"]] = {
                "rule_id": f["rule_id"], "rule_name": f["rule_name"], "severity": f["severity"],
                "severity_label": f["severity_label"], "remediation": rule.get("remediation", ""),
                "summary": rule.get("summary", ""), "findings": [],
            }
        if SEVERITY_RANK.get(f["severity"], 9) < SEVERITY_RANK.get(group["severity"], 9):
            group["severity"], group["severity_label"] = f["severity"], f["severity_label"]
        group["findings"].append(f)
    return sorted(groups.values(), key=lambda g: (SEVERITY_RANK.get(g["severity"], 9), g["rule_id"]))


def _finding_views(findings: list[dict], rules_by_id: dict[str, dict], ui: Mapping[str, str]) -> list[dict]:
    anchors: set[str] = set()
    return [_finding_view(f, i, rules_by_id, ui, anchors) for i, f in enumerate(findings)]


def _finding_view(
    finding: dict, index: int, rules_by_id: dict[str, dict], ui: Mapping[str, str], anchors: set[str]
) -> dict:
    rule = rules_by_id.get(finding["rule_id"], {})
    suppression = finding.get("suppression") or {}
    state = finding.get("baseline") or ""
    return {
        "anchor": _unique_anchor(finding.get("fingerprint", ""), index, anchors),
        "rule_id": finding["rule_id"],
        "rule_name": rule.get("name") or finding.get("rule_name", ""),
        "clauses": list(finding.get("clauses", [])) or [""],
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
        "baseline_state": state,
        "baseline": ui.get(f"base_{state}", "") if state else "",
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
         "severity": rule.get("severity", ""), "summary": rule.get("summary", ""),
         "remediation": rule.get("remediation", "")}
        for rule in rules
        if ran is None or rule["id"] in ran
    ]
