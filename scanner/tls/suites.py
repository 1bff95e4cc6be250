"""The cipher-suite table (cipher_suites.toml beside this file), loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Families whose OpenSSL alias names the key size (AES128, CAMELLIA256, ARIA128, ...).
_SIZED = frozenset({"AES", "AESGCM", "AESCCM", "AESCCM8", "CAMELLIA", "ARIAGCM"})


@dataclass(frozen=True, slots=True)
class CipherSuite:
    code: int  # IANA code point, e.g. 0xC02F
    name: str  # OpenSSL spelling
    iana: str
    protocol: str  # lowest protocol version: SSLv3, TLSv1, TLSv1.2, TLSv1.3
    kx: str
    au: str
    enc: str
    bits: int
    mac: str
    strength: str  # HIGH MEDIUM LOW EXP40 NONE
    strength_bits: int
    not_default: bool = False
    legacy: bool = False  # not in OpenSSL 3.0's default build
    aliases: tuple[str, ...] = ()

    @property
    def enc_atom(self) -> str:
        """The encryption as OpenSSL's aliases see it: AES128 and AES256 are different ciphers."""
        return f"{self.enc}{self.bits}" if self.enc in _SIZED else self.enc

    @property
    def tls13(self) -> bool:
        return self.protocol == "TLSv1.3"

    @property
    def forward_secret(self) -> bool:
        return self.kx in ("DHE", "ECDHE", "DHEPSK", "ECDHEPSK", "ANY")

    def describe(self) -> str:
        return (f"{self.name} ({self.iana}, {self.protocol}, Kx={self.kx} Au={self.au} "
                f"Enc={self.enc}({self.bits}) Mac={self.mac})")


@cache
def all_suites() -> tuple[CipherSuite, ...]:
    """Every suite of the table, in code-point order."""
    raw = resources.files("scanner.tls").joinpath("cipher_suites.toml").read_bytes()
    rows = tomllib.loads(raw.decode("utf-8"))["suites"]
    return tuple(
        CipherSuite(
            code=r["code"], name=r["name"], iana=r["iana"], protocol=r["protocol"], kx=r["kx"],
            au=r["au"], enc=r["enc"], bits=r["bits"], mac=r["mac"], strength=r["strength"],
            strength_bits=r.get("strength_bits", r["bits"]),
            not_default=r.get("not_default", False), legacy=r.get("legacy", False),
            aliases=tuple(r.get("aliases", ())),
        )
        for r in rows
    )


@cache
def by_name() -> dict[str, CipherSuite]:
    """OpenSSL names and alternative spellings (case-sensitive, as OpenSSL matches them)."""
    table: dict[str, CipherSuite] = {}
    for suite in all_suites():
        for name in (suite.name, *suite.aliases):
            table[name] = suite
    return table


@cache
def by_iana() -> dict[str, CipherSuite]:
    return {suite.iana: suite for suite in all_suites()}


def lookup(name: str) -> CipherSuite | None:
    """A suite by OpenSSL or IANA name."""
    return by_name().get(name) or by_iana().get(name)
