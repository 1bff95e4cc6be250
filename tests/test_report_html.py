"""Structural tests of the audit-grade HTML report (issue 8), parsed with html.parser.

They check what a compliance officer relies on: the first screen (clause matrix, worst exposure,
incomplete-scan banner), the per-clause sections with manual attestation items, the inventory
ids the browser tests use, self-containment (CSP, no external URL), escaping of hostile input,
both languages, and the size of a report with 20,000 findings.
"""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from click.testing import CliRunner

from reports.html import render_html
from reports.messages import MESSAGES
from scanner.clauses import load_catalog
from tests.test_reports import RULES, StrictHTML

DATA = Path(__file__).parent / "data"
HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']


@pytest.fixture
def result() -> dict:
    return json.loads((DATA / "sample_result.json").read_text("utf-8"))


def _parse(html: str) -> StrictHTML:
    parser = StrictHTML()
    parser.feed(html)
    parser.close()
    assert parser.problems == [] and parser.stack == []
    return parser


class Elements(HTMLParser):
    """Start tags with attributes, and the text inside the element with a given id."""

    def __init__(self, watch_id: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.watch_id, self.depth, self.text = watch_id, 0, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if self.depth or (self.watch_id and attributes.get("id") == self.watch_id):
            if tag not in {"br", "input", "meta"}:
                self.depth += 1

    def handle_startendtag(self, tag, attrs):  # <rect ... />: no content, no depth
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def _text_of(html: str, element_id: str) -> str:
    parser = Elements(element_id)
    parser.feed(html)
    return " ".join("".join(parser.text).split())


def test_messages_have_the_same_keys_in_both_languages():
    assert set(MESSAGES["en"]) == set(MESSAGES["zh"])
    assert all(MESSAGES["zh"][key].strip() for key in MESSAGES["zh"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_is_well_formed_in_both_languages(result, lang):
    html = render_html(result, rules=RULES, lang=lang)
    parser = _parse(html)
    assert len(parser.ids) == len(set(parser.ids))
    assert set(parser.fragment_links) <= set(parser.ids)
    ui = MESSAGES[lang]
    for key in ("worst_exposure", "manual_items", "checks_run", "appendix", "inputs_appendix", "suppressions"):
        assert ui[key] in html
    # the title in both languages whatever the page language
    assert MESSAGES["zh"]["report_title"] in html and MESSAGES["en"]["report_title"] in html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_first_screen_has_banner_worst_exposure_and_matrix_before_details(result, lang):
    html = render_html(result, rules=RULES, lang=lang)
    ui = MESSAGES[lang]
    banner, worst, matrix = html.index('id="incomplete-banner"'), html.index('id="worst-exposure"'), html.index('id="clauses"')
    assert banner < worst < matrix < html.index('id="scan"') < html.index('id="clause-3.3.1"')
    assert ui["incomplete_title"] in _text_of(html, "incomplete-banner")
    assert "Column public.customers.id_number holds national ID numbers" in _text_of(html, "worst-exposure")
    matrix_text = _text_of(html, "clauses")
    for clause in load_catalog().clauses:
        assert clause.id in matrix_text
    for status in ("partial", "findings", "clean", "not_assessed"):
        assert ui[f"status_{status}"] in matrix_text
    svgs = re.findall(r"<svg[^>]*>", html[matrix:html.index("</table>", matrix)])
    assert len(svgs) == 6


def test_no_banner_when_the_scan_was_complete(result):
    result["scan"]["errors"] = []
    result["scan"]["skipped"] = []
    # A partly assessed clause is itself incomplete (and shows the banner): complete means none.
    for clause in result["clauses"]:
        if clause["status"] == "partial":
            clause["status"] = "clean"
    html = render_html(result, rules=RULES)
    assert 'id="incomplete-banner"' not in html and "Incomplete scan" not in html


def test_worst_exposure_prefers_sensitive_pii_among_equals(result):
    for finding in result["findings"]:
        finding["severity"] = "high"
    html = render_html(result, rules=RULES)
    assert "public.customers.id_number" in _text_of(html, "worst-exposure")
    result["findings"] = []
    assert "No active findings." in _text_of(render_html(result, rules=RULES), "worst-exposure")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_manual_attestation_items_for_all_six_clauses(result, lang):
    html = render_html(result, rules=RULES, lang=lang)
    ids = _parse(html).ids
    catalog = load_catalog()
    assert len(catalog.clauses) == 6
    for clause in catalog.clauses:
        section = html.split(f'id="clause-{clause.id}"')[1].split('<section class="clause"')[0]
        assert clause.manual
        for item in clause.manual:
            assert f"manual-{item.id}" in ids
            assert escape(item.evidence(lang)) in section and escape(item.item(lang)) in section
        assert section.count('class="note-box"') == len(clause.manual)
        assert section.count(f'<td>{MESSAGES[lang]["signoff_signature"]}:</td>') == len(clause.manual)


def test_clause_sections_show_checks_and_collapsible_findings(result):
    html = render_html(result, rules=RULES)
    s333 = html.split('id="clause-3.3.3"')[1].split('<section class="clause"')[0]
    assert "DP201" in s333 and "DP202" in s333 and "Automated checks" in s333
    assert '<details class="clause-findings" open>' in s333
    # remediation once per rule group, findings listed under it
    active = s333.split('class="findings suppressed-list"')[0]
    assert active.count("trust the internal CA with verify=/path/ca.pem.") == 1
    s336 = html.split('id="clause-3.3.6"')[1].split('id="inventory"')[0]
    assert '<details class="clause-findings">' in s336 and "No automated check ran" in s336


def test_rule_texts_in_chinese_when_given(result):
    rules = copy.deepcopy(RULES)
    rules[1]["remediation_zh"] = "删除 verify=False;使用内部 CA 证书。"
    rules[1]["summary_zh"] = "禁用了 TLS 证书校验"
    zh = render_html(result, rules=rules, lang="zh")
    assert "删除 verify=False;使用内部 CA 证书。" in zh and "禁用了 TLS 证书校验" in zh
    en = render_html(result, rules=rules, lang="en")
    assert "删除 verify=False" not in en and "trust the internal CA" in en
    # no Chinese text: English stays
    assert "Fix it." in zh


def _inventory_item(**overrides):
    item = {"object": "public.customer.id_card_no", "category": "national_id", "label": "national ID number",
            "sensitivity": "sensitive", "protected": "none", "protection_evidence": "", "evidence": "column name",
            "source": "name", "confidence": "high", "data_type": "varchar(18)",
            "location": {"path": "sql/schema.sql", "line": 7}}
    item.update(overrides)
    return item


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_inventory_table_ids_and_content(result, lang):
    result["inventory"] = [_inventory_item(), _inventory_item(object="public.customer.phone", protected="encrypted",
                                                              protection_evidence="pgp_sym_encrypt")]
    html = render_html(result, rules=RULES, lang=lang)
    parser = Elements()
    parser.feed(html)
    by_id = {attrs.get("id"): (tag, attrs) for tag, attrs in parser.tags if attrs.get("id")}
    assert by_id["inventory-table"][0] == "table"
    assert by_id["inventory-filter"][0] == "input" and by_id["findings-filter"][0] == "input"
    assert by_id["clauses"][0] == "table"
    text = _text_of(html, "inventory-table")
    assert "public.customer.id_card_no" in text and "sql/schema.sql:7" in text and "pgp_sym_encrypt" in text
    assert MESSAGES[lang]["prot_none"] in text and MESSAGES[lang]["prot_encrypted"] in text
    # readable with scripts off: every row is in the markup, filters start hidden
    assert text.count("public.customer.") == 2
    assert "hidden" in by_id["inventory-filter"][1]


def test_csp_and_self_contained(result):
    html = render_html(result, rules=RULES)
    parser = Elements()
    parser.feed(html)
    csp = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    policy = csp[0]["content"]
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", policy)
    for tag, attrs in parser.tags:
        for key in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, key, value)
    assert not re.search(r"https?://", html.split("</head>")[0].replace('content="dpscan', ""))
    assert "url(" not in html and "@import" not in html and "<link" not in html


def test_script_hash_matches_the_inline_script(result):
    import base64
    import hashlib

    html = render_html(result, rules=RULES)
    script = html.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    parser = Elements()
    parser.feed(html)
    policy = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv"))
    assert f"script-src 'sha256-{digest}';" in policy


def test_print_stylesheet(result):
    html = render_html(result, rules=RULES)
    style = html.split("<style>")[1].split("</style>")[0]
    media = style.split("@media print")[1]
    assert "break-before: page" in media and "break-inside: avoid" in media
    assert "input[type=search]" in media and "details" in media
    assert '@top-center { content: "dpscan 99c030754b69-20261128T100001Z"' in style


def test_hostile_names_comments_and_messages_render_as_text(result):
    evil_a, evil_b = HOSTILE
    result["scan"]["targets"] = [evil_b]
    result["scan"]["command"] = f"dpscan scan '{evil_a}'"
    result["scan"]["org"] = evil_a
    result["scan"]["commitment_id"] = evil_b
    result["scan"]["git"] = {"commit": "a" * 40, "branch": evil_b}
    result["scan"]["inputs"][0]["path"] = evil_b
    result["scan"]["errors"][0]["message"] = evil_a
    result["scan"]["skipped"][0]["path"] = evil_a
    result["scan"]["warnings"][0]["message"] = evil_b
    for finding in result["findings"]:
        finding["message"] = evil_a + evil_b
        finding["evidence"] = evil_b
        finding["location"] = {"path": evil_b, "line": 1, "object": evil_a}
        if finding.get("suppression"):
            finding["suppression"]["reason"] = evil_b
    result["inventory"] = [_inventory_item(object=evil_a, label=evil_b, evidence=f"comment: {evil_a}",
                                           protection_evidence=evil_b, location={"path": evil_b})]
    for lang in ("en", "zh"):
        html = render_html(result, rules=RULES, lang=lang)
        parser = _parse(html)
        assert [t for t, _ in parser.tags if t == "script"] == ["script"]  # only the report's own
        assert not [t for t, _ in parser.tags if t in {"img", "iframe", "object", "embed"}]
        assert not [k for _, attrs in parser.tags for k in attrs if k.startswith("on")]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert html.count("<script") == 1


def test_drift_section_with_a_baseline(result):
    assert 'id="drift"' not in render_html(result, rules=RULES)
    result["scan"]["baseline"] = {"path": "base.json", "new": 1, "unchanged": 2, "fixed": 3}
    result["findings"][0]["baseline"] = "new"
    for finding in result["findings"][1:3]:
        finding["baseline"] = "unchanged"
    html = render_html(result, rules=RULES)
    drift = _text_of(html, "drift")
    assert "1 new" in drift and "2 unchanged" in drift and "3 fixed" in drift
    assert f'href="#finding-{result["findings"][0]["fingerprint"]}"' in html.split('id="drift"')[1]
    assert "3 fixed" in _text_of(html, "overview")


def test_appendix_lists_inputs_rules_and_suppressions(result):
    html = render_html(result, rules=RULES)
    inputs = _text_of(html, "inputs")
    for entry in result["scan"]["inputs"]:
        assert entry["sha256"] in inputs and entry["path"] in inputs
    assert "2.1 GB > 1 GB limit" in _text_of(html, "skipped")
    assert "suppression without a reason" in _text_of(html, "warnings")
    suppressions = _text_of(html, "suppressions")
    assert "talks only to the local mock server in tests" in suppressions
    assert "legacy endpoint, decommissioned in ticket SEC-12" in suppressions


def test_scope_shows_new_scan_metadata(result):
    result["scan"].update({
        "org": "示例银行 Example Bank", "commitment_id": "CL-2026-0042",
        "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "branch": "main"},
        "policy": {"fail_on": "high", "max_samples": 50, "tls_profile": {"DP210": "modern", "DP211": "modern"},
                   "min_aes_key_bits": {"DP230": 256}},
    })
    html = render_html(result, rules=RULES, lang="en")
    scope = _text_of(html, "scan")
    assert "示例银行 Example Bank" in scope and "CL-2026-0042" in scope
    assert "0123456789abcdef0123456789abcdef01234567" in scope and "main" in scope
    assert "modern (DP210, DP211)" in scope and "256 (DP230)" in scope and "50" in scope
    assert "dpscan scan fixtures --html r.html" in scope
    cover = _text_of(html, "cover")
    assert "示例银行 Example Bank" in cover and "CL-2026-0042" in cover


def _big_result(result: dict, n: int) -> dict:
    base = result["findings"]
    findings = []
    for i in range(n):
        finding = copy.deepcopy(base[i % len(base)])
        finding["fingerprint"] = f"{i:032x}"
        finding["message"] = (f"Column public.customer_{i}.id_card_no holds national ID numbers (sampled) "
                              "and is stored unencrypted")
        finding["location"] = {"path": f"db/migrations/{i:05d}_add_customer_table.sql", "line": i % 900 + 1}
        finding["evidence"] = "id_card_no VARCHAR(18) NOT NULL"
        finding["baseline"] = "new" if i % 3 else "unchanged"
        findings.append(finding)
    result["findings"] = findings
    result["scan"]["baseline"] = {"path": "base.json", "new": n - n // 3, "unchanged": n // 3, "fixed": 7}
    return result


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_twenty_thousand_findings_stay_under_15_mb(result, lang):
    html = render_html(_big_result(result, 20_000), rules=RULES, lang=lang)
    assert len(html.encode("utf-8")) < 15_000_000
    assert html.count('<li class="finding') == 20_000
    assert html.rstrip().endswith("</html>")


def test_cli_org_commitment_and_locale_default(tmp_path, monkeypatch):
    from scanner.cli import cli

    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://x', verify=False)\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    runner = CliRunner()
    outcome = runner.invoke(cli, ["scan", ".", "--org", "Example Bank", "--commitment-id", "CL-1",
                                  "--html", "r.html", "--json", "r.json", "-q"], obj={"argv": []})
    assert outcome.exit_code in (0, 1), outcome.output
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["scan"]["org"] == "Example Bank" and data["scan"]["commitment_id"] == "CL-1"
    assert data["scan"]["policy"]["fail_on"] == data["scan"]["fail_on"]
    assert "git" not in data["scan"]  # tmp_path is not a git work tree
    html = (tmp_path / "r.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in html and "Example Bank" in html
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "C")
    runner.invoke(cli, ["report", "r.json", "--html", "r2.html", "-q"], obj={"argv": []})
    assert '<html lang="en">' in (tmp_path / "r2.html").read_text("utf-8")
