"""The deny-lists in detectors/_data/weak_crypto.toml, and matching qualified names against them.

Patterns are globs over canonical qualified names (see the data file's header): ``*`` and ``?``
stay within one dotted part, ``**`` crosses dots, ``[...]`` is a character class. Rules call
``match``/``entry_for`` with a CallSite's or NameRef's names; nothing here knows about findings.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from scanner.finding import Severity

# PyCryptodomex installs as Cryptodome with PyCryptodome's API; cryptography 43 moved the
# 64-bit-block and stream ciphers to hazmat.decrepit, keeping the old names as deprecated aliases.
_CANONICAL = (
    ("Cryptodome.", "Crypto."),
    ("cryptography.hazmat.decrepit.ciphers.algorithms.",
     "cryptography.hazmat.primitives.ciphers.algorithms."),
)


@cache
def data() -> dict[str, Any]:
    text = (files("detectors") / "_data" / "weak_crypto.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def section(name: str) -> Any:
    return data()[name]


def canonical(qualname: str) -> str:
    for old, new in _CANONICAL:
        if qualname.startswith(old):
            return new + qualname[len(old):]
    return qualname


def match(qualnames: Iterable[str], patterns: Iterable[str]) -> str:
    """The first (sorted) canonical qualified name that one of ``patterns`` matches, or ""."""
    compiled = [_glob(p) for p in patterns]
    for name in sorted(canonical(q) for q in qualnames):
        if any(regex.fullmatch(name) for regex in compiled):
            return name
    return ""


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        if char == "[":
            end = pattern.index("]", i)
            out.append(pattern[i:end + 1])
            i = end + 1
            continue
        out.append({"*": "[^.]*", "?": "[^.]"}.get(char, re.escape(char)))
        i += 1
    return re.compile("".join(out))


def entry_for(qualnames: Iterable[str], entries: Iterable[dict[str, Any]],
              key: str = "qualnames") -> tuple[dict[str, Any] | None, str]:
    """The first entry whose ``key`` patterns match one of ``qualnames``, with the name matched.
    ``key`` may name a list of patterns or a single pattern."""
    qualnames = tuple(qualnames)
    for entry in entries:
        patterns = entry[key] if isinstance(entry[key], list) else [entry[key]]
        name = match(qualnames, patterns)
        if name:
            return entry, name
    return None, ""


def argument(call: Any, spec: list[Any]):
    """The argument a data spec ``[position, keyword]`` names (keyword first; position -1: keyword
    only), or None."""
    position, keyword = spec
    value = call.keyword(keyword) if keyword else None
    if value is None and position >= 0:
        value = call.positional(position)
    return value


def severity(entry: dict[str, Any]) -> Severity:
    return Severity(entry.get("severity", "medium"))


def cited(references: Iterable[str]) -> str:
    """References for a message: "(CWE-328, Bandit B324)"."""
    refs = ", ".join(references)
    return f" ({refs})" if refs else ""


# Identifier segments: "userPassword" -> user, password; "PWD_HASH" -> pwd, hash; CJK runs whole.
_SEGMENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_A-Za-z]+")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def mentions_password(*texts: str) -> str:
    """The first identifier (or word in a string) in ``texts`` that names a password, or ""."""
    spec = section("password")
    words, not_words = frozenset(spec["words"]), frozenset(spec["not_words"])
    wide = tuple(w for w in words if not w.isascii())  # 密码 inside 用户密码: no case, no "_"
    for text in texts:
        for identifier in _IDENTIFIER.findall(text):
            segments = {s.lower() for s in _SEGMENT.findall(identifier)}
            hit = segments & words or any(w in s for s in segments for w in wide)
            if hit and not segments & not_words:
                return identifier
    return ""
