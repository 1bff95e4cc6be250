"""Translated rule texts, kept beside the rules as data: detectors/_data/rule_text_<lang>.toml.

Each file holds one table per rule id with ``summary`` and ``remediation``. The file is read once,
on first use, with the standard library only (loading the registry must stay cheap).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

LANGUAGES = ("zh",)  # English lives in the rule classes themselves
FIELDS = ("summary", "remediation")


@cache
def rule_texts(lang: str) -> dict[str, dict[str, str]]:
    """``{rule_id: {"summary": ..., "remediation": ...}}`` for ``lang``; empty if there is no file."""
    if lang not in LANGUAGES:
        return {}
    try:
        text = (files("detectors") / "_data" / f"rule_text_{lang}.toml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    data = tomllib.loads(text)
    return {
        rule_id: {name: str(entry.get(name, "")).strip() for name in FIELDS}
        for rule_id, entry in data.items()
        if isinstance(entry, dict)
    }


def rule_text(rule_id: str, lang: str, name: str) -> str:
    """One translated field of one rule, or "" when it has not been translated."""
    return rule_texts(lang).get(rule_id, {}).get(name, "")
