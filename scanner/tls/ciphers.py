"""An OpenSSL cipher-string evaluator over dpscan's own suite table, and a verdict per profile.

``expand`` follows OpenSSL's ssl/ssl_ciph.c (ssl_create_cipher_list and
ssl_cipher_process_rulestr): the same default preference order, ADD / ``-`` DEL / ``+`` ORD /
``!`` KILL, ``+``-combined aliases, ``@STRENGTH``, ``DEFAULT`` at the start, unknown words
ignored. Aliases have OpenSSL 3.0 semantics, plus OpenSSL 1.0.2's for the suites only 1.0.2 had
(EXPORT, EXP, EXPORT40, DES, kDH, kECDH, aDH, aECDH; DH and ECDH also cover static DH/ECDH).
Where the order is not OpenSSL's: FIPS is approximated (AES and 3DES suites), ``@SECLEVEL=n`` is
accepted and ignored, and TLS 1.3 suites are never part of the result: OpenSSL configures them
apart (SSL_CTX_set_ciphersuites) and ignores their names in a cipher string. Over the suites both
know, the order equals OpenSSL 3.0's (tests/test_ciphers.py checks it against ``openssl ciphers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from scanner.tls.aliases import Pattern, alias_table, atoms, one_of
from scanner.tls.profiles import PROFILES, Profile
from scanner.tls.suites import CipherSuite, all_suites, by_name

__all__ = ["PROFILES", "CipherSuite", "CipherVerdict", "Profile", "evaluate", "expand",
           "expansion", "weaknesses"]

_DEFAULT = "ALL:!COMPLEMENTOFDEFAULT:!eNULL"  # OpenSSL 3 OSSL_default_cipher_list()
_SUITEB = {"SUITEB128ONLY": "ECDHE-ECDSA-AES128-GCM-SHA256",
           "SUITEB128C2": "ECDHE-ECDSA-AES256-GCM-SHA384",
           "SUITEB128": "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
           "SUITEB192": "ECDHE-ECDSA-AES256-GCM-SHA384"}
_SEPARATORS = ":;, "  # ITEM_SEP in ssl_ciph.c
_WORD = re.compile(r"[A-Za-z0-9.=-]+")

@dataclass(frozen=True)
class Expansion:
    suites: tuple[CipherSuite, ...]
    unknown: tuple[str, ...]  # words OpenSSL would ignore (TLS 1.3 names included)
    errors: tuple[str, ...]  # what would make OpenSSL reject the whole string


class _List:
    """OpenSSL's CIPHER_ORDER linked list: every suite once, in order, each active or not."""

    def __init__(self, suites: list[CipherSuite]) -> None:
        self.order = [(s, atoms(s)) for s in suites]
        self.active: set[int] = set()

    def apply(self, op: str, pattern: Pattern) -> None:
        hit = [e for e in self.order if all(e[1][c] in ok for c, ok in pattern.items())]
        codes = self.active
        if op == "add":
            moved = [e for e in hit if e[0].code not in codes]
            codes.update(e[0].code for e in moved)
        elif op == "ord":
            moved = [e for e in hit if e[0].code in codes]
        elif op in ("del", "bump"):  # to the head, keeping their order
            moved = [e for e in hit if e[0].code in codes]
            ids = {id(e) for e in moved}
            self.order = moved + [e for e in self.order if id(e) not in ids]
            if op == "del":
                codes.difference_update(e[0].code for e in moved)
            return
        else:  # kill: gone for good
            ids = {id(e) for e in hit}
            self.order = [e for e in self.order if id(e) not in ids]
            codes.difference_update(e[0].code for e in hit)
            return
        ids = {id(e) for e in moved}
        self.order = [e for e in self.order if id(e) not in ids] + moved

    def strength_sort(self) -> None:
        bits = sorted({e[0].strength_bits for e in self.order if e[0].code in self.active},
                      reverse=True)
        for value in bits:
            moved = [e for e in self.order if e[0].code in self.active
                     and e[0].strength_bits == value]
            ids = {id(e) for e in moved}
            self.order = [e for e in self.order if id(e) not in ids] + moved

    def result(self) -> tuple[CipherSuite, ...]:
        return tuple(s for s, _ in self.order if s.code in self.active)


@cache
def _initial_order() -> tuple[CipherSuite, ...]:
    # ssl3_get_cipher() hands the table out in descending code order; then the default preference.
    lst = _List(sorted((s for s in all_suites() if not s.tls13), key=lambda s: -s.code))
    aead, fs = one_of("AEAD"), one_of("DHE", "ECDHE")
    gcm = frozenset(a for a in {atoms(s)["enc"] for s in all_suites()} if a.startswith("AESGCM"))
    other_aes = frozenset(a for a in {atoms(s)["enc"] for s in all_suites()}
                          if a.startswith("AES") and a not in gcm)
    for op, pattern in (
        ("add", {"kx": one_of("ECDHE"), "au": one_of("ECDSA")}),
        ("add", {"kx": one_of("ECDHE")}), ("del", {"kx": one_of("ECDHE")}),
        ("add", {"enc": gcm}), ("add", {"enc": one_of("CHACHA20")}), ("add", {"enc": other_aes}),
        ("add", {}), ("ord", {"mac": one_of("MD5")}), ("ord", {"au": one_of("NULL")}),
        ("ord", {"kx": one_of("RSA")}), ("ord", {"kx": one_of("PSK")}),
        ("ord", {"enc": one_of("RC4")}),
    ):
        lst.apply(op, pattern)
    lst.strength_sort()
    for op, pattern in (("bump", {"proto": one_of("TLSv1.2")}), ("bump", {"mac": aead}),
                        ("bump", {"kx": fs}), ("bump", {"kx": fs, "mac": aead})):
        lst.apply(op, pattern)
    return tuple(s for s, _ in lst.order)  # then all disabled, order kept


def expansion(cipher_string: str) -> Expansion:
    """Expand like OpenSSL and say what it would ignore or reject."""
    lst, unknown, errors = _List(list(_initial_order())), [], []
    text = cipher_string.strip()
    for prefix, replacement in _SUITEB.items():
        if text.startswith(prefix):
            text = replacement
            break
    if text.startswith("DEFAULT"):
        text = _DEFAULT + ":" + text[7:].lstrip(":")
    i = 0
    while i < len(text):
        ch = text[i]
        op = {"-": "del", "+": "ord", "!": "kill", "@": "special"}.get(ch, "add")
        if op != "add":
            i += 1
        elif ch in _SEPARATORS:
            i += 1
            continue
        pattern: Pattern | None = {}
        words, start = [], i
        while True:
            match = _WORD.match(text, i)
            if match is None:
                errors.append(f"invalid character {text[i:i + 1]!r} at offset {i}")
                pattern, i = None, i + 1
                break
            word, i = match.group(0), match.end()
            words.append(word)
            if op == "special":
                break
            if pattern is not None and not _known(word):
                end = next((j for j in range(start, len(text)) if text[j] in _SEPARATORS), None)
                unknown.append(text[start:end])
                pattern = None
            elif pattern is not None:
                pattern = _combine(pattern, word)
            if i < len(text) and text[i] == "+":
                i += 1
                continue
            break
        if op == "special" and words:
            if words[0] == "STRENGTH":
                lst.strength_sort()
            elif not re.fullmatch(r"SECLEVEL=[0-5]", words[0]):
                errors.append(f"unknown command @{words[0]}")
        elif pattern is not None:
            lst.apply(op, pattern)
            continue
        while i < len(text) and text[i] not in _SEPARATORS:  # rest of an ignored element
            i += 1
    return Expansion(lst.result(), tuple(dict.fromkeys(unknown)), tuple(errors))


def _known(word: str) -> bool:
    suite = by_name().get(word)
    return (suite is not None and not suite.tls13) or word in alias_table()


def _combine(pattern: Pattern, word: str) -> Pattern | None:
    """``pattern`` narrowed by one known ``+``-joined word; None when the combination can match
    nothing (OpenSSL then skips the whole element)."""
    suite = by_name().get(word)
    if suite is not None and not suite.tls13:  # an explicit suite: its protocol is not a filter
        extra = {c: one_of(a) for c, a in atoms(suite).items() if c not in ("proto", "default")}
    else:
        extra = alias_table()[word]
    merged = dict(pattern)
    for category, allowed in extra.items():
        merged[category] = merged[category] & allowed if category in merged else allowed
        if not merged[category]:
            return None
    return merged


def expand(cipher_string: str) -> list[CipherSuite]:
    """The TLS <= 1.2 suites an OpenSSL cipher string enables, in OpenSSL's order."""
    return list(expansion(cipher_string).suites)


# -- judging -----------------------------------------------------------------------------------
# Broken under every profile: no encryption, 40/56-bit keys, RC4 (RFC 7465), RC2, single DES,
# MD5 MACs, and anonymous key exchange (no authentication: anyone on the path can sit between).
# Beyond "old": 64-bit block ciphers (3DES, IDEA: Sweet32, CVE-2016-2183) and static RSA key
# exchange (no forward secrecy; ROBOT), which Mozilla intermediate leaves out. Static DH/ECDH
# suites lack forward secrecy too, but only a server holding a DH/ECDH certificate can negotiate
# them, which nobody issues: reporting them would only add noise to every ALL/HIGH string.
HIGH_RISK = frozenset({"NULL", "EXPORT", "RC4", "RC2", "DES", "anonymous"})
# Worst first: the order reasons are listed in messages.
RISK_ORDER = ("NULL", "EXPORT", "anonymous", "RC4", "DES", "RC2", "3DES", "IDEA", "MD5",
              "static RSA key exchange", "not TLS 1.3")


def weaknesses(suite: CipherSuite, profile: str = "intermediate") -> tuple[str, ...]:
    reasons = []
    if suite.enc == "NULL":
        reasons.append("NULL")
    if suite.strength.startswith("EXP"):
        reasons.append("EXPORT")
    if suite.enc in ("RC4", "RC2", "DES"):
        reasons.append(suite.enc)
    if suite.mac == "MD5":
        reasons.append("MD5")
    if suite.au == "NULL":
        reasons.append("anonymous")
    if profile != "old":
        if suite.enc in ("3DES", "IDEA"):
            reasons.append(suite.enc)
        if suite.kx == "RSA":
            reasons.append("static RSA key exchange")
    if profile == "modern" and not suite.tls13:
        reasons.append("not TLS 1.3")
    return tuple(r for r in RISK_ORDER if r in reasons)


@dataclass(frozen=True)
class CipherVerdict:
    cipher_string: str
    profile: str
    suites: tuple[CipherSuite, ...]
    weak: tuple[tuple[CipherSuite, tuple[str, ...]], ...]
    unknown: tuple[str, ...]
    errors: tuple[str, ...]
    recommended: str  # the profile's cipher string ("" for modern: TLS 1.3 only)

    @property
    def ok(self) -> bool:
        return not self.weak

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason found, worst first."""
        found = {r for _, why in self.weak for r in why}
        return tuple(r for r in RISK_ORDER if r in found)

    def summary(self, limit: int = 3) -> str:
        """``RC4-SHA (RC4, static RSA key exchange), DES-CBC3-SHA (3DES, ...) and 4 more``: one
        example per reason, worst reason first, in the order OpenSSL would offer them."""
        shown: list[tuple[CipherSuite, tuple[str, ...]]] = []
        for reason in self.reasons:
            example = next((w for w in self.weak if reason in w[1] and w not in shown), None)
            if example is not None and len(shown) < limit:
                shown.append(example)
        shown += [w for w in self.weak if w not in shown][:limit - len(shown)]
        more = len(self.weak) - len(shown)
        text = ", ".join(f"{s.name} ({', '.join(why)})" for s, why in shown)
        return text + (f" and {more} more" if more > 0 else "")


def evaluate(cipher_string: str, *, profile: str = "intermediate") -> CipherVerdict:
    """Expand ``cipher_string`` and judge every suite against a Mozilla profile. Never raises on
    odd input: unknown words and rejected commands are reported in the verdict."""
    if profile not in PROFILES:
        raise ValueError(f"unknown TLS profile {profile!r} (known: {', '.join(PROFILES)})")
    result = expansion(cipher_string)
    weak = tuple((s, why) for s in result.suites if (why := weaknesses(s, profile)))
    return CipherVerdict(cipher_string, profile, result.suites, weak, result.unknown,
                         result.errors, PROFILES[profile].ciphers)
