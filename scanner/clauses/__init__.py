"""The clause catalog: clauses 3.3.1-3.3.6 of the commitment letter, in Chinese and English.

Each clause also lists manual attestation items: what static inputs cannot show (firewalls
outside the tree, restore drills, MFA in the identity provider ...) and the evidence an auditor
should ask for instead.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class ManualItem:
    """A safeguard the clause asks for that a scan cannot see, and the evidence that shows it."""

    id: str  # "3.3.6-M1"
    item_zh: str
    item_en: str
    evidence_zh: str
    evidence_en: str

    def item(self, lang: str) -> str:
        return self.item_zh if lang == "zh" else self.item_en

    def evidence(self, lang: str) -> str:
        return self.evidence_zh if lang == "zh" else self.evidence_en

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "item_zh": self.item_zh,
            "item_en": self.item_en,
            "evidence_zh": self.evidence_zh,
            "evidence_en": self.evidence_en,
        }


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    short_zh: str
    short_en: str
    text_zh: str
    text_en: str
    manual: tuple[ManualItem, ...] = ()

    def short(self, lang: str) -> str:
        return self.short_zh if lang == "zh" else self.short_en

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "short_zh": self.short_zh,
            "short_en": self.short_en,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "manual": [item.to_dict() for item in self.manual],
        }


@dataclass(frozen=True, slots=True)
class Catalog:
    title_zh: str
    title_en: str
    section_zh: str
    section_en: str
    clauses: tuple[Clause, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clauses)

    def get(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)


@cache
def load_catalog() -> Catalog:
    raw = tomllib.loads(resources.files(__package__).joinpath("catalog.toml").read_text("utf-8"))
    letter = raw["letter"]
    return Catalog(
        title_zh=letter["title_zh"],
        title_en=letter["title_en"],
        section_zh=letter["section_zh"],
        section_en=letter["section_en"],
        clauses=tuple(_clause(entry) for entry in raw["clause"]),
    )


def _clause(entry: dict[str, Any]) -> Clause:
    fields = dict(entry)
    manual = tuple(ManualItem(**item) for item in fields.pop("manual", []))
    return Clause(**fields, manual=manual)
