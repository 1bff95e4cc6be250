"""The deny-lists in detectors/_data/weak_crypto.toml, and matching qualified names against them.

Patterns are globs over canonical qualified names (see the data file's header): ``*`` and ``?``
stay within one dotted part, ``**`` crosses dots, ``[...]`` is a character class. Rules call
``match``/``entry_for`` with a CallSite's or NameRef's names; nothing here knows about findings.
"""

from __future__ import annotations

import ast
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


def values(call: Any, *, named: bool = True) -> list[ast.expr]:
    """A call's argument values in source order, ``*x`` and ``**x`` as ``x``. ``named=False``
    leaves out ``name=value`` arguments (what the call hashes or encrypts is passed unnamed)."""
    node = call.node
    found = [arg.value if isinstance(arg, ast.Starred) else arg for arg in node.args]
    found += [keyword.value for keyword in node.keywords if named or keyword.arg is None]
    # ast keeps positional and keyword arguments apart; f(a=1, *b) puts b after a in the text.
    return sorted(found, key=lambda value: (value.lineno, value.col_offset))


def severity(entry: dict[str, Any]) -> Severity:
    return Severity(entry.get("severity", "medium"))


def cited(references: Iterable[str]) -> str:
    """References for a message: "(CWE-328, Bandit B324)"."""
    refs = ", ".join(references)
    return f" ({refs})" if refs else ""


# Chinese for the English prose of weak_crypto.toml entries ("why", and "name" where it is prose),
# keyed by the English text; anything not listed is shown as written.
_ZH = {
    "MD5 collisions are computed in seconds (CWE-328)": "MD5 碰撞可在数秒内算出（CWE-328）",
    "MD4 is broken for collisions and preimages (CWE-328)":
        "MD4 的抗碰撞性和抗原像性均已被攻破（CWE-328）",
    "MD2 is broken (CWE-328)": "MD2 已被攻破（CWE-328）",
    "SHA-1 collisions are practical (SHAttered 2017, chosen-prefix 2020; CWE-328)":
        "SHA-1 碰撞已可实际构造（2017 年 SHAttered，2020 年选择前缀碰撞；CWE-328）",
    "a single SHA-2 pass runs billions of times a second on a GPU (CWE-916)":
        "单轮 SHA-2 在 GPU 上每秒可运行数十亿次（CWE-916）",
    "SHA-3 and BLAKE2 are built to be fast, which is what a password hash must not be (CWE-916)":
        "SHA-3 和 BLAKE2 的设计目标就是快，而口令哈希恰恰不能快（CWE-916）",
    "a single hash pass is too fast to slow down guessing (CWE-916)":
        "单轮哈希速度太快，无法拖慢猜测攻击（CWE-916）",
    "a one-pass digest (cryptography hashes.Hash)": "单轮摘要（cryptography hashes.Hash）",
    "DES has a 56-bit key, found by exhaustive search in hours":
        "DES 的密钥只有 56 位，穷举搜索数小时即可找到",
    "3DES has a 64-bit block (Sweet32) and is disallowed for encryption by NIST after 2023":
        "3DES 的分组长度为 64 位（Sweet32），且 NIST 自 2023 年后禁止将其用于加密",
    "RC4 keystream biases let an attacker recover plaintext (RFC 7465)":
        "RC4 密钥流存在偏差，攻击者可据此恢复明文（RFC 7465）",
    "RC2 is obsolete and broken by related-key attacks": "RC2 已过时，且已被相关密钥攻击攻破",
    "Blowfish has a 64-bit block (Sweet32) and weak keys":
        "Blowfish 的分组长度为 64 位（Sweet32），且存在弱密钥",
    "CAST5 has a 64-bit block (Sweet32)": "CAST5 的分组长度为 64 位（Sweet32）",
    "IDEA has a 64-bit block (Sweet32) and classes of weak keys":
        "IDEA 的分组长度为 64 位（Sweet32），且存在若干类弱密钥",
    "a repeating-key XOR is not encryption: one known plaintext reveals the key":
        "重复密钥 XOR 不是加密：一段已知明文即可暴露密钥",
}


def zh(text: str) -> str:
    """The Chinese of an entry's English "why" (or prose "name"), or ``text`` as written."""
    return _ZH.get(text, text)


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
