"""The Chinese rule texts (detectors/_data/rule_text_zh.toml): complete, not stale, faithful to code."""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files

import pytest

from scanner.registry import default_registry
from scanner.rule_text import rule_texts

from .conftest import run_cli

RULES = default_registry().all()
CJK = re.compile(r"[\u4e00-\u9fff]")
# Punctuation that may surround a code token in running English text.
_STRIP = "()[]{},;:.'\"`"
# A setting assigned a value, ``ssl_min_protocol_version = 'TLSv1.2'``: kept whole, value included.
_ASSIGNMENT = re.compile(r"[A-Za-z_][\w.\-]*_[\w.\-]*\s*=\s*[^\s,;)]+")


def _raw_table() -> dict:
    text = (files("detectors") / "_data" / "rule_text_zh.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def code_tokens(text: str) -> set[str]:
    """The setting- or command-like tokens of an English remediation, which a translation keeps.

    Every backticked span, and every whitespace-separated word holding '=' or '_' (settings,
    identifiers, keyword arguments), trimmed of the sentence punctuation around it; and every
    ``setting_name = value`` assignment as a whole, so a translation cannot change a value.
    """
    tokens = set(re.findall(r"`([^`]+)`", text))
    tokens.update(m.rstrip(".") for m in _ASSIGNMENT.findall(text))
    for word in text.split():
        word = word.strip(_STRIP)
        if ("=" in word or "_" in word) and word.strip("=") and not CJK.search(word):
            tokens.add(word)
    return tokens


def test_the_table_is_plain_tables_of_two_strings():
    for rule_id, entry in _raw_table().items():
        assert set(entry) == {"summary", "remediation"}, rule_id
        assert all(isinstance(v, str) for v in entry.values()), rule_id


def test_no_stale_translation():
    registered = {rule.id for rule in RULES}
    stale = sorted(set(_raw_table()) - registered)
    assert not stale, f"translations for rules that do not exist: {stale}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_chinese_summary_and_remediation(rule):
    meta = rule.metadata()
    for key in ("summary_zh", "remediation_zh"):
        assert meta[key].strip(), f"{rule.id} has no {key}"
        assert CJK.search(meta[key]), f"{rule.id} {key} holds no Chinese"
    assert "\n" not in meta["summary_zh"]
    assert rule.summary_for("zh") == meta["summary_zh"]
    assert rule.remediation_for("zh") == meta["remediation_zh"]
    assert rule.summary_for("en") == meta["summary"]
    assert rule.remediation_for("en") == meta["remediation"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_remediation_keeps_code_as_in_english(rule):
    zh = rule.metadata()["remediation_zh"]
    missing = sorted(t for t in code_tokens(rule.remediation) if t not in zh)
    assert not missing, f"{rule.id}: the Chinese remediation lost {missing}"


def test_code_tokens_finds_settings_and_commands():
    text = ("In postgresql.conf: ssl = on, ssl_min_protocol_version = 'TLSv1.2'; run "
            "`REVOKE ALL ON SCHEMA public FROM PUBLIC;` and drop verify=False.")
    assert code_tokens(text) == {
        "ssl_min_protocol_version", "ssl_min_protocol_version = 'TLSv1.2'",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC;", "verify=False",
    }


def test_missing_translation_falls_back_to_english(monkeypatch):
    rule = default_registry().get("DP201")
    monkeypatch.setitem(rule_texts("zh"), "DP201", {"summary": "", "remediation": ""})
    assert rule.metadata()["summary_zh"] == "" and rule.metadata()["remediation_zh"] == ""
    assert rule.summary_for("zh") == rule.summary()
    assert rule.remediation_for("zh") == rule.remediation


def test_explain_in_chinese():
    rule = default_registry().get("DP201")
    out = run_cli("explain", "DP201", "--lang", "zh").stdout
    assert rule.summary_for("zh") in out
    assert rule.remediation_for("zh") in out
    assert "修复建议" in out
    english = run_cli("explain", "DP201").stdout
    assert rule.summary_for("zh") not in english and "How to fix it" in english


def test_rules_list_in_chinese():
    out = run_cli("rules", "--lang", "zh").stdout
    for rule in RULES:
        line = next(ln for ln in out.splitlines() if ln.startswith(rule.id + " "))
        assert rule.summary_for("zh") in line and rule.summary() not in line
    assert CJK.search(run_cli("rules").stdout) is None


def test_rules_json_carries_both_languages():
    import json

    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    dp201 = next(r for r in listed if r["id"] == "DP201")
    assert dp201["summary_zh"] == default_registry().get("DP201").summary_for("zh")
    assert dp201["remediation_zh"]
