"""The clause catalog: clauses 3.3.1-3.3.6 of the commitment letter, in Chinese and English."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    short_zh: str
    short_en: str
    text_zh: str
    text_en: str

    def short(self, lang: str) -> str:
        return self.short_zh if lang == "zh" else self.short_en

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "short_zh": self.short_zh,
            "short_en": self.short_en,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
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
        clauses=tuple(Clause(**entry) for entry in raw["clause"]),
    )
