"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Only relative paths are written (under ``%SRCROOT%``, whose absolute value is deliberately not
given: it would leak the layout of the machine that ran the scan).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from scanner.clauses import load_catalog

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "dpscan/v1"
# The project has no public home page yet; set this once it does (SARIF wants an absolute URI,
# so nothing is written while it is empty).
INFORMATION_URI = ""

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub reads "security-severity" (a number as a string) to rank alerts critical/high/medium/low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
SUPPRESSION_KINDS = {"inline": "inSource", "config": "external"}


def render_sarif(result: dict, rules: list[dict]) -> str:
    """The SARIF log of ``result`` as deterministic JSON text."""
    return json.dumps(sarif_log(result, rules), ensure_ascii=False, indent=2) + "\n"


def sarif_log(result: dict, rules: list[dict]) -> dict:
    findings = result.get("findings", [])
    descriptors = _descriptors(result, rules, findings)
    rule_index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    driver: dict = {"name": "dpscan", "version": result["tool"]["version"]}
    if INFORMATION_URI:
        driver["informationUri"] = INFORMATION_URI
    driver["rules"] = descriptors
    run = {
        "tool": {"driver": driver},
        "invocations": [_invocation(result.get("scan", {}))],
        "columnKind": "unicodeCodePoints",  # columns are counted in str characters
        "results": [_result(finding, rule_index) for finding in findings],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


# -- rules --------------------------------------------------------------------------------------


def _descriptors(result: dict, rules: list[dict], findings: list[dict]) -> list[dict]:
    """One descriptor per rule that ran, in the order given, then a minimal one per rule id that
    a finding names but ``rules`` does not describe (so every result has a ruleIndex)."""
    ran = result.get("scan", {}).get("rules")
    chosen = [rule for rule in rules if ran is None or rule["id"] in ran]
    known = {rule["id"] for rule in chosen}
    unknown: dict[str, dict] = {}
    for finding in findings:
        if finding["rule_id"] not in known:
            unknown.setdefault(finding["rule_id"], finding)
    described = [_descriptor(rule) for rule in chosen]
    return described + [_fallback_descriptor(unknown[rule_id]) for rule_id in sorted(unknown)]


def _descriptor(rule: dict) -> dict:
    summary = rule.get("summary") or rule["name"]
    return {
        "id": rule["id"],
        "name": rule["name"],
        "shortDescription": {"text": summary},
        "fullDescription": {"text": rule.get("rationale") or summary},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule["severity"]]},
        "properties": _rule_properties(rule["clauses"], rule["severity"], rule.get("confidence")),
    }


def _fallback_descriptor(finding: dict) -> dict:
    name = finding.get("rule_name") or finding["rule_id"]
    return {
        "id": finding["rule_id"],
        "name": name,
        "shortDescription": {"text": name},
        "defaultConfiguration": {"level": LEVELS[finding["severity"]]},
        "properties": _rule_properties(finding["clauses"], finding["severity"], finding["confidence"]),
    }


def _rule_properties(clauses: list[str], severity: str, confidence: str | None) -> dict:
    properties: dict = {
        "tags": ["security", "dpscan", *(f"clause-{clause}" for clause in clauses)],
        "security-severity": SECURITY_SEVERITY[severity],
    }
    if confidence in PRECISION:
        properties["precision"] = PRECISION[confidence]
    return properties


def _clause_names(clauses: list[str]) -> list[str]:
    catalog = load_catalog()
    names = []
    for clause_id in clauses:
        try:
            clause = catalog.get(clause_id)
        except KeyError:
            names.append(clause_id)
        else:
            names.append(f"{clause_id} {clause.short_en} ({clause.short_zh})")
    return names


def _help_text(rule: dict) -> str:
    parts = [rule.get("rationale") or rule.get("summary") or rule["name"]]
    if rule.get("remediation"):
        parts.append("Remediation: " + rule["remediation"])
    if rule.get("references"):
        parts.append("References: " + "; ".join(rule["references"]))
    parts.append("Commitment-letter clauses: " + "; ".join(_clause_names(rule["clauses"])))
    return "\n\n".join(parts)


def _help_markdown(rule: dict) -> str:
    parts = [rule.get("rationale") or rule.get("summary") or rule["name"]]
    if rule.get("remediation"):
        parts.append("**Remediation**\n\n" + rule["remediation"])
    if rule.get("references"):
        parts.append("**References**\n\n" + "\n".join(f"- {ref}" for ref in rule["references"]))
    clauses = "\n".join(f"- {name}" for name in _clause_names(rule["clauses"]))
    parts.append("**Commitment-letter clauses**\n\n" + clauses)
    return "\n\n".join(parts)


# -- results ------------------------------------------------------------------------------------


def _result(finding: dict, rule_index: dict[str, int]) -> dict:
    location = finding.get("location", {})
    out: dict = {
        "ruleId": finding["rule_id"],
        "ruleIndex": rule_index[finding["rule_id"]],
        "level": LEVELS[finding["severity"]],
        "message": {"text": finding["message"]},
        "locations": [_location(location)],
        "partialFingerprints": {FINGERPRINT_KEY: finding["fingerprint"]},
    }
    if finding.get("suppressed"):
        out["suppressions"] = [_suppression(finding.get("suppression", {}))]
    if finding.get("baseline"):
        out["baselineState"] = finding["baseline"]
    out["properties"] = _result_properties(finding)
    return out


def _location(location: dict) -> dict:
    """A file finding gets a physical location; a live-database object a logical one (it has no
    file to point into). A file finding that also names an object carries both."""
    out: dict = {}
    if location.get("path"):
        out["physicalLocation"] = _physical(location["path"], location)
    if location.get("object"):
        out["logicalLocations"] = [{"fullyQualifiedName": location["object"], "kind": "resource"}]
    return out


def _physical(path: str, location: dict) -> dict:
    physical: dict = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
    region = _region(location)
    if region:
        physical["region"] = region
    return physical


def artifact_uri(path: str) -> str:
    """A relative URI reference: "/"-separated, percent-encoded (spaces, non-ASCII, ":")."""
    return quote(path.replace("\\", "/"), safe="/")


def _region(location: dict) -> dict:
    if not location.get("line"):
        return {}  # a whole-file finding: SARIF has no region for it
    region = {"startLine": location["line"]}
    if location.get("column"):
        region["startColumn"] = location["column"]
    if location.get("end_line"):
        region["endLine"] = location["end_line"]
    if location.get("end_column"):
        region["endColumn"] = location["end_column"]
    return region


def _suppression(suppression: dict) -> dict:
    out = {"kind": SUPPRESSION_KINDS.get(suppression.get("kind", ""), "external"), "status": "accepted"}
    if suppression.get("reason"):
        out["justification"] = suppression["reason"]
    return out


def _result_properties(finding: dict) -> dict:
    properties = {
        "clauses": list(finding["clauses"]),
        "severity": finding["severity"],
        "confidence": finding["confidence"],
    }
    if finding.get("baseline"):
        properties["baseline"] = finding["baseline"]
    return properties


# -- invocation ---------------------------------------------------------------------------------


def _invocation(scan: dict) -> dict:
    """Input errors do not fail the scan (exit code 2 is for scans that cannot run), so the
    execution is successful and each error is a notification."""
    return {
        "executionSuccessful": True,
        "toolExecutionNotifications": [_notification(error) for error in scan.get("errors", [])],
    }


def _notification(error: dict) -> dict:
    notification: dict = {"level": "error", "message": {"text": error["message"]}}
    if error.get("path"):
        location = {"line": error["line"]} if error.get("line") else {}
        notification["locations"] = [{"physicalLocation": _physical(error["path"], location)}]
    return notification
