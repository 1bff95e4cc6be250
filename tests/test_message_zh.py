"""Every rule can say what it found in Chinese: the zh report shows the rule's own words."""

from __future__ import annotations

import re

import pytest

from scanner.registry import default_registry

from .conftest import run_cli, scan_snippet, write

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _bad_examples() -> list:
    return [
        pytest.param(rule, example, id=f"{rule.id}-bad-{index}")
        for rule in default_registry().all()
        for index, example in enumerate(rule.bad)
    ]


@pytest.mark.parametrize("rule, example", _bad_examples())
def test_findings_carry_a_chinese_message(rule, example):
    findings = [f for f in scan_snippet(example.source, example.path, rules=[rule.id]).findings
                if f.rule_id == rule.id]
    assert findings
    for finding in findings:
        assert _CJK.search(finding.message_zh), f"{rule.id}: no Chinese message for: {finding.message}"


def test_the_chinese_report_uses_the_chinese_message(tmp_path):
    write(tmp_path, "app.py", "import requests\nrequests.get('https://api.example.com', verify=False)\n")
    data = run_cli("scan", ".", "--format", "json", cwd=tmp_path).json()
    [finding] = data["findings"]
    assert finding["message_zh"] and finding["message_zh"] != finding["message"]
    zh = run_cli("scan", ".", "--lang", "zh", cwd=tmp_path).stdout
    en = run_cli("scan", ".", "--lang", "en", cwd=tmp_path).stdout
    assert finding["message_zh"] in zh and finding["message_zh"] not in en
    html = run_cli("scan", ".", "--lang", "zh", "--format", "html", cwd=tmp_path).stdout
    assert finding["message_zh"].split(":")[0] in html
