"""How a column is stored: encrypted, hashed, weakly hashed, masked, plaintext, or unknown.

Evidence, strongest first: what sampled values look like (bcrypt strings, Fernet tokens, 32-hex
MD5, random bytes, 138****5678, readable phone numbers); then the facts a parser saw
(Column.protection_hints: ORM field types, DEFAULT/trigger functions); then names and comments
(*_enc, *_hash, 加密, MD5); then table-level crypto mentions; last, the declared type.
Pure Python: no presidio here. Evidence phrases never quote a sample.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple

from scanner.enrich.lexicon import Lexicon, TypeInfo, normalise, tokenize
from scanner.enrich.values import ValueVerdict, distinct_samples
from scanner.model.schema import Column, Protection, SchemaModel, Table

_P = Protection
# Password-hash and digest formats (passlib / Django / crypt(3) / LDAP spellings).
_SAMPLE_FORMATS: tuple[tuple[re.Pattern[str], Protection, str], ...] = tuple(
    (re.compile(rx), prot, words) for rx, prot, words in (
        (r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}", _P.HASHED, "bcrypt hashes"),
        (r"(?:bcrypt(?:_sha256)?\$)\$?2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}", _P.HASHED,
         "bcrypt hashes (Django)"),
        (r"(?:argon2)?\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$\S+", _P.HASHED, "argon2 hashes"),
        (r"(?:\$scrypt\$|\$7\$|scrypt\$)\S+", _P.HASHED, "scrypt hashes"),
        (r"pbkdf2_sha(?:1|256|512)\$\d+\$\S+\$\S+", _P.HASHED, "PBKDF2 hashes (Django)"),
        (r"\$pbkdf2(?:-sha(?:256|512))?\$\d+\$\S+", _P.HASHED, "PBKDF2 hashes (passlib)"),
        (r"\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}", _P.HASHED,
         "SHA-crypt hashes"),
        (r"\$1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}", _P.WEAK_HASH, "MD5-crypt hashes"),
        (r"(?:unsalted_)?(?:md5|sha1)\$[^$]*\$[0-9a-f]{32,40}", _P.WEAK_HASH,
         "salted MD5/SHA-1 hashes (Django legacy)"),
        (r"\{(?:SSHA|SHA|MD5|SMD5)\}[A-Za-z0-9+/=]+", _P.WEAK_HASH, "LDAP SHA-1/MD5 hashes"),
        (r"-----BEGIN PGP MESSAGE-----[\s\S]*", _P.ENCRYPTED, "PGP messages"),
        (r"gAAAAA[A-Za-z0-9_\-]{60,}={0,2}", _P.ENCRYPTED, "Fernet tokens"),
    )
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_BYTEA_HEX = re.compile(r"(?:\\x|0x)([0-9a-fA-F]{32,})")
_BASE64 = re.compile(r"[A-Za-z0-9+/_\-]{22,}={0,2}")
_MASK_RUN = re.compile(r"\*{2,}|\d[xX#]{4,}\d|^[^*]{1,2}\*$|^\*[^*]{1,2}$")


def assess(model: SchemaModel, table: Table, column: Column, tinfo: TypeInfo,
           verdict: ValueVerdict | None, lex: Lexicon) -> tuple[Protection, str]:
    """Return (protection, short evidence phrase) for one column."""
    found = _from_samples(column, verdict, lex)
    if found is None:
        found = _from_hints(column, lex)
    if found is None:
        found = _from_words(column, tinfo, lex)
    if found is None:
        found = _from_table(model, table, tinfo, lex)
    if found is None and column.pii is not None and column.pii.category == "credential":
        found = _digest_sized(tinfo)
    return found or _from_type(column, tinfo, verdict)


def _digest_sized(tinfo: TypeInfo):
    # A credential in a fixed-width char(32)/char(40) column is almost always an MD5/SHA-1 hex
    # digest; varchar(n) of those sizes is too common a default to say anything.
    if tinfo.base in ("char", "character", "nchar", "bpchar", "binary") and tinfo.length in (32, 40):
        kind = "MD5" if tinfo.length == 32 else "SHA-1"
        return _P.WEAK_HASH, f"declared {tinfo.base}({tinfo.length}), the size of a {kind} hex digest"
    return None


def _from_samples(column: Column, verdict: ValueVerdict | None, lex: Lexicon):
    values = distinct_samples(column.samples, int(lex.values["max_values_per_column"]))
    if not values:
        return None
    n = len(values)
    threshold = lex.values["threshold"] if n >= lex.values["min_samples"] else 1.0
    kinds: dict[tuple[Protection, str], int] = {}
    for value in values:
        key = _sample_kind(value, column, lex)
        if key is not None:
            kinds[key] = kinds.get(key, 0) + 1
    if kinds:
        (prot, words), hits = max(kinds.items(), key=lambda kv: kv[1])
        if hits / n >= threshold:
            return prot, f"{hits}/{n} samples are {words}"
    if verdict is not None and verdict.category and verdict.readable_pii / n >= threshold:
        return _P.NONE, verdict.description.replace("samples are", "samples are readable", 1)
    return None


def _sample_kind(value: str, column: Column, lex: Lexicon) -> tuple[Protection, str] | None:
    for pattern, prot, words in _SAMPLE_FORMATS:
        if pattern.fullmatch(value):
            return prot, words
    if _MASK_RUN.search(value) and value.strip("*"):
        return _P.MASKED, "stored masked"
    if _HEX.fullmatch(value):
        return _hex_kind(len(value), column, lex)
    m = _BYTEA_HEX.fullmatch(value)
    if m:
        raw = bytes.fromhex(m.group(1)) if len(m.group(1)) % 2 == 0 else b""
        if _readable(raw):
            return _P.NONE, "hex-encoded readable text (encoding, not encryption)"
        return _P.ENCRYPTED, "bytea hex of random-looking bytes"
    if len(value) >= 24 and _BASE64.fullmatch(value) and _mixed(value):
        raw = _b64decode(value)
        if raw is not None:
            if _readable(raw):
                return _P.NONE, "base64 of readable text (encoding, not encryption)"
            return _P.ENCRYPTED, "high-entropy base64 (ciphertext)"
    return None


def _hex_kind(length: int, column: Column, lex: Lexicon) -> tuple[Protection, str] | None:
    # Bare hex digests are unsalted: MD5 (32) and SHA-1 (40) are broken and, over a small input
    # space such as phone numbers, reversed by enumeration (GB/T 35273 §6.2 去标识化 asks more).
    if length == 32:
        return _P.WEAK_HASH, "32-hex MD5 digests"
    if length == 40:
        return _P.WEAK_HASH, "40-hex SHA-1 digests"
    if length in (64, 128):
        words = _words(column, lex)
        said = _said(words, lex, "hash") or _said(words, lex, "encrypt")
        kind = "SHA-256" if length == 64 else "SHA-512"
        if said == "encrypt":
            return _P.ENCRYPTED, f"{length}-hex ciphertext"
        return _P.HASHED, f"{length}-hex {kind} digests" + ("" if said else " (not named as hashes)")
    if length >= 48 and length % 32 == 0:
        return _P.ENCRYPTED, "long hex (block-cipher sized) ciphertext"
    return None


def _from_hints(column: Column, lex: Lexicon):
    for hint in column.protection_hints:
        kind, _, value = hint.partition(":")
        key = value.strip().lower().split("(")[0].split(".")[-1]
        if kind in ("orm", "framework"):
            if key in lex.protection_orm:
                prot = _P.HASHED if "password" in key else _P.ENCRYPTED
                return prot, lex.protection_orm[key]
            if "encrypt" in key:
                return _P.ENCRYPTED, f"{value} field type"
            if "password" in key or "hash" in key:
                return _P.HASHED, f"{value} field type"
            continue
        func = value.strip().lower().split("(")[0]
        found = _function_kind(func, lex)
        if found is not None:
            return found, f"{kind.upper() if kind == 'default' else kind} calls {func}"
    return None


def _function_kind(func: str, lex: Lexicon) -> Protection | None:
    if func in lex["protection.weak_hash_functions"]:
        return _P.WEAK_HASH
    if func in lex["protection.encrypt_functions"] or "encrypt" in func:
        return _P.ENCRYPTED
    if func in lex["protection.hash_functions"]:
        return _P.HASHED
    return None


def _from_words(column: Column, tinfo: TypeInfo, lex: Lexicon):
    base = tinfo.base or column.data_type or "column"
    opaque = "" if "binary" in tinfo.families else " (name only)"
    words = _words(column, lex)  # once: the three questions below read the same words
    said = _said(words, lex, "weak")
    if said:
        return _P.WEAK_HASH, f"{base} {said}: MD5/SHA-1"
    said = _said(words, lex, "hash")
    if said:
        return _P.HASHED, f"{base} {said}{opaque}"
    said = _said(words, lex, "encrypt")
    if said:
        return _P.ENCRYPTED, f"{base} {said}{opaque}"
    return None


def _from_table(model: SchemaModel, table: Table, tinfo: TypeInfo, lex: Lexicon):
    names = {table.qualified_name.lower(), table.name.lower()}
    for mentioned, func, _loc in model.crypto_mentions:
        f = func.lower().split("(")[0]
        if (mentioned or "").lower() in names and _function_kind(f, lex) is _P.ENCRYPTED:
            # The mention names the table, not the column: proof only for an opaque column.
            if "binary" in tinfo.families:
                return _P.ENCRYPTED, f"{tinfo.base} in a table passed to {f}"
            return _P.UNKNOWN, f"a trigger/view calls {f} on this table; column not named"
    return None


def _from_type(column: Column, tinfo: TypeInfo, verdict: ValueVerdict | None):
    declared = column.data_type or "no declared type"
    fams = tinfo.families
    if not fams:
        return _P.UNKNOWN, f"{declared}: type unknown, no protection seen"
    if fams & {"binary", "uuid", "file"}:
        return _P.UNKNOWN, f"declared {declared}: nothing says what it holds"
    if column.samples and verdict is not None and verdict.total:
        return _P.NONE, f"declared {declared}, readable samples, no protection seen"
    if fams & {"text", "json"}:
        return _P.NONE, f"declared {declared}, no protection seen"
    # Numbers, dates, booleans, inet: the value itself, with no room for ciphertext.
    return _P.NONE, f"declared {declared}: holds the value itself"


class _Words(NamedTuple):
    name_tokens: list[str]
    comment: str
    base_type: str


def _words(column: Column, lex: Lexicon) -> _Words:
    return _Words(tokenize(column.name, lex["tokens.keep_alnum"]), normalise(column.comment),
                  column.data_type.lower().split("(")[0].strip())


def _said(words: _Words, lex: Lexicon, what: str) -> str | None:
    """Does the name or comment say weakly hashed / hashed / encrypted? -> "named *_enc"."""
    key = {"weak": "weak_hash", "hash": "hash", "encrypt": "encrypt"}[what]
    vocabulary = lex[f"protection.{key}_words"]
    if what == "encrypt" and lex.type_family.get(words.base_type) == "binary":
        vocabulary = vocabulary | lex["protection.encrypt_words_binary"]
    for token in words.name_tokens:
        if token in vocabulary:
            return f"named *_{token}"
    if words.comment:
        for word in lex[f"protection.{key}_words_zh"]:
            if word in words.comment:
                return f"commented '{word}'"
    return None


def _mixed(value: str) -> bool:
    # Random base64 mixes upper case, lower case and digits; a long word or slug does not.
    return any(c.isupper() for c in value) and any(c.islower() for c in value) and any(
        c.isdigit() for c in value)


def _b64decode(value: str) -> bytes | None:
    try:
        padded = value + "=" * (-len(value) % 4)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


def _readable(raw: bytes) -> bool:
    """Readable text (UTF-8, mostly printable) rather than random bytes of ciphertext."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return bool(text) and printable / len(text) >= 0.95
