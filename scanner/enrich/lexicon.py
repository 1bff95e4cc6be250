"""Load pii_lexicon.toml into indexed, validated lookup tables; tokenise names and types.

The lexicon is data (categories, words, context lists); this module only checks it and indexes
it. A mistake in the data (an unknown type family, a word claimed by two categories) fails at
load time, in CI, not as a silent misclassification.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from scanner.finding import Confidence
from scanner.model.schema import Sensitivity

_FAMILIES = ("text", "integer", "decimal", "float", "boolean", "date", "datetime", "binary",
             "json", "uuid", "network", "geo", "file", "relation")


@dataclass(frozen=True)
class Category:
    id: str
    label_en: str
    label_zh: str
    sensitivity: Sensitivity
    types: frozenset[str]
    numbered: bool = False  # card_no is the card number, email_no is a count
    owned: bool = False  # personal only when a person owns it: a shop's address is not
    length: tuple[int, int] | None = None
    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    abbrev: dict[str, str] = field(default_factory=dict)
    context: frozenset[str] = frozenset()
    context_confidence: Confidence = Confidence.LOW
    comment: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypeInfo:
    base: str  # "varchar", "charfield", "" when undeclared
    families: frozenset[str]  # empty when the type is unknown: nothing is ruled out
    length: int | None = None

    @property
    def known(self) -> bool:
        return bool(self.families)


@dataclass
class Lexicon:
    categories: dict[str, Category]
    type_family: dict[str, str]
    type_categories: dict[str, str]
    lists: dict[str, frozenset[str]]  # tokens.*, tables.*, modifiers.*, comments.* by short name
    values: dict[str, float]
    protection_orm: dict[str, str]  # lower-cased ORM type -> "EncryptedType (sqlalchemy-utils)"
    # token -> [(category id, "word" | "abbrev" | "context")]; phrases indexed by first token
    token_index: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    phrase_index: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    comment_keywords: list[tuple[str, str]] = field(default_factory=list)  # longest first

    def __getitem__(self, name: str) -> frozenset[str]:
        return self.lists[name]


@cache
def load_lexicon() -> Lexicon:
    text = resources.files("scanner.enrich").joinpath("pii_lexicon.toml").read_text("utf-8")
    return build_lexicon(tomllib.loads(text))


def build_lexicon(data: dict) -> Lexicon:
    type_family: dict[str, str] = {}
    for family, names in data["types"].items():
        if family not in _FAMILIES:
            raise ValueError(f"pii_lexicon: unknown type family {family!r}")
        for name in names:
            type_family[name] = family
    lists = {f"{section}.{key}": frozenset(v) for section in ("tokens", "tables", "modifiers",
             "comments", "protection") for key, v in data[section].items() if isinstance(v, list)}
    categories = {cid: _category(cid, raw) for cid, raw in data["categories"].items()}
    for cid in data["type_categories"].values():
        if cid not in categories:
            raise ValueError(f"pii_lexicon: type_categories names unknown category {cid!r}")
    lex = Lexicon(categories, type_family, dict(data["type_categories"]), lists,
                  dict(data["values"]), dict(data["protection"]["orm"]))
    _index(lex)
    return lex


def _category(cid: str, raw: dict) -> Category:
    types = frozenset(raw["types"])
    if not types <= set(_FAMILIES):
        raise ValueError(f"pii_lexicon: {cid}: unknown type families {sorted(types - set(_FAMILIES))}")
    return Category(
        id=cid,
        label_en=raw["label_en"],
        label_zh=raw["label_zh"],
        sensitivity=Sensitivity(raw["sensitivity"]),
        types=types,
        numbered=raw.get("numbered", False),
        owned=raw.get("owned", False),
        length=tuple(raw["length"]) if "length" in raw else None,
        words=frozenset(raw.get("words", ())),
        phrases=tuple(tuple(p.split()) for p in raw.get("phrases", ())),
        abbrev=dict(raw.get("abbrev", {})),
        context=frozenset(raw.get("context", ())),
        context_confidence=Confidence(raw.get("context_confidence", "low")),
        comment=tuple(normalise(c) for c in raw.get("comment", ())),
    )


def _index(lex: Lexicon) -> None:
    owner: dict[str, str] = {}
    for cat in lex.categories.values():
        entries = [(w, "word") for w in cat.words] + [(a, "abbrev") for a in cat.abbrev]
        entries += [(c, "context") for c in cat.context]
        for token, kind in entries:
            if owner.setdefault(token, cat.id) != cat.id:
                raise ValueError(f"pii_lexicon: token {token!r} in {owner[token]} and {cat.id}")
            lex.token_index.setdefault(token, []).append((cat.id, kind))
        for phrase in cat.phrases:
            lex.phrase_index.setdefault(phrase[0], []).append((phrase, cat.id))
        lex.comment_keywords.extend((kw, cat.id) for kw in cat.comment)
    # Longest keyword first: "身份证号码" before "身份证", "IP地址" before "地址".
    lex.comment_keywords.sort(key=lambda kc: -len(kc[0]))


# --- names -------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[^0-9A-Za-z]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def tokenize(name: str, keep_alnum: frozenset[str] = frozenset()) -> list[str]:
    """snake_case, camelCase, PascalCase and digits -> lower-case tokens.

    ``IDCardNo`` -> id, card, no; ``phoneNumber2`` -> phone, number, 2; letter+digit words in
    ``keep_alnum`` stay whole (md5, IPv4).
    """
    keep = _keep_pattern(keep_alnum)
    tokens: list[str] = []
    for part in _SPLIT.split(name):
        for i, piece in enumerate(keep.split(part) if keep else [part]):
            if i % 2:
                tokens.append(piece.lower())  # a kept letter+digit word
            elif piece:
                tokens.extend(p.lower() for p in _CAMEL.findall(piece))
    return tokens


@cache
def _keep_pattern(keep_alnum: frozenset[str]) -> re.Pattern[str] | None:
    if not keep_alnum:
        return None
    words = "|".join(sorted(map(re.escape, keep_alnum), key=len, reverse=True))
    # a kept word starts a part, or a camel hump (passwordMd5); it never starts mid-word (cmd5)
    return re.compile(rf"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))((?i:{words}))(?![a-z0-9])")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: '身份证号（ＩＤ）' -> '身份证号(id)'."""
    return unicodedata.normalize("NFKC", text or "").lower()


# --- types -------------------------------------------------------------------------------------

_TYPE = re.compile(r"^\s*([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*(\d+|max)?\s*(?:,\s*(\d+))?[^)]*\))?\s*"
                   r"(?:unsigned|signed|zerofill|\[\]|array|\s)*$")


def type_info(data_type: str, lex: Lexicon) -> TypeInfo:
    """Parse a declared type into its family: 'varchar(18)' -> text, 18; 'tinyint(1)' -> boolean."""
    raw = (data_type or "").strip().lower()
    if not raw:
        return TypeInfo("", frozenset())
    raw = raw.split(".")[-1]  # models.CharField, sa.String
    m = _TYPE.match(raw)
    base = (m.group(1) if m else raw.split("(")[0]).strip()
    length = int(m.group(2)) if m and m.group(2) and m.group(2).isdigit() else None
    scale = int(m.group(3)) if m and m.group(3) else None
    family = lex.type_family.get(base) or lex.type_family.get(base.split(" ")[0])
    if family is None and "encrypt" in base:
        family = "text"  # EncryptedType, EncryptedCharField: ciphertext of a text value
    if family is None:
        return TypeInfo(base, frozenset(), length)
    families = {family}
    if base in ("tinyint", "bit") and length == 1:
        families.add("boolean")  # MySQL tinyint(1) / bit(1) are booleans in practice
    if base == "number" and (scale in (None, 0)) and length is not None:
        families.add("integer")  # Oracle NUMBER(11) is an integer
    return TypeInfo(base, frozenset(families), length)
