"""OpenSSL's cipher-string aliases as patterns over the suite table (see ciphers.py).

OpenSSL 3.0 semantics (ssl/ssl_ciph.c, cipher_aliases[]), plus OpenSSL 1.0.2's aliases for the
suites only 1.0.2 built: EXP/EXPORT/EXPORT40/EXPORT56, DES, kDH/kDHr/kDHd, kECDH/kECDHr/kECDHe,
aDH, aECDH; and, as in 1.0.2, DH and ECDH also cover static DH/ECDH.
"""

from __future__ import annotations

import re
from functools import cache

from scanner.tls.suites import CipherSuite, all_suites

# category -> allowed atoms; categories: kx au enc mac proto strength default code
Pattern = dict[str, frozenset[str]]


def atoms(suite: CipherSuite) -> dict[str, str]:
    """A suite's value in every category a pattern can constrain."""
    return {"kx": suite.kx, "au": suite.au, "enc": suite.enc_atom, "mac": suite.mac,
            "proto": suite.protocol, "strength": suite.strength,
            "default": "no" if suite.not_default else "yes", "code": str(suite.code)}


def one_of(*values: str) -> frozenset[str]:
    return frozenset(values)


# Aliases that constrain one category, as "alias: atom atom ...". Where 1.0.2 and 3.0 differ,
# DH and ECDH keep 1.0.2's wider meaning (static DH/ECDH too), which only adds legacy suites.
_SIMPLE = {
    "kx": """kRSA: RSA | kEDH kDHE: DHE | DH: DHE DHr DHd | kDHr: DHr | kDHd: DHd | kDH: DHr DHd |
             kEECDH kECDHE: ECDHE | ECDH: ECDHE ECDHr ECDHe | kECDHr: ECDHr | kECDHe: ECDHe |
             kECDH: ECDHr ECDHe | kPSK: PSK | kRSAPSK: RSAPSK | kECDHEPSK: ECDHEPSK |
             kDHEPSK: DHEPSK | PSK: PSK RSAPSK DHEPSK ECDHEPSK | kSRP SRP: SRP""",
    "au": """aRSA: RSA | aDSS DSS: DSS | aNULL: NULL | aECDSA ECDSA: ECDSA | aPSK: PSK |
             aSRP: SRP | aDH: DH | aECDH: ECDH""",
    "enc": """NULL eNULL COMPLEMENTOFALL: NULL | 3DES: 3DES | DES: DES | RC4: RC4 | RC2: RC2 |
              IDEA: IDEA | SEED: SEED | CAMELLIA128: CAMELLIA128 | CAMELLIA256: CAMELLIA256 |
              CAMELLIA: CAMELLIA128 CAMELLIA256 | ARIA128: ARIAGCM128 | ARIA256: ARIAGCM256 |
              ARIA ARIAGCM: ARIAGCM128 ARIAGCM256 | CHACHA20: CHACHA20 |
              AES128: AES128 AESGCM128 AESCCM128 AESCCM8128 |
              AES256: AES256 AESGCM256 AESCCM256 AESCCM8256 | AESGCM: AESGCM128 AESGCM256 |
              AESCCM: AESCCM128 AESCCM256 AESCCM8128 AESCCM8256 | AESCCM8: AESCCM8128 AESCCM8256""",
    "mac": "MD5: MD5 | SHA1 SHA: SHA1 | SHA256: SHA256 | SHA384: SHA384",
    "proto": "SSLv3: SSLv3 | TLSv1 TLSv1.0: TLSv1 | TLSv1.2: TLSv1.2",
    "strength": """LOW: LOW | MEDIUM: MEDIUM | HIGH: HIGH | EXP EXPORT: EXP40 EXP56 |
                   EXPORT40: EXP40 | EXPORT56: EXP56""",
}


@cache
def alias_table() -> dict[str, Pattern]:
    """Alias name -> pattern, for every alias a cipher string may use."""
    suites = [s for s in all_suites() if not s.tls13]
    every = {cat: frozenset(atoms(s)[cat] for s in suites) for cat in ("kx", "au", "enc")}
    table: dict[str, Pattern] = {}
    for category, spec in _SIMPLE.items():
        for entry in spec.split("|"):
            aliases, _, values = entry.partition(":")
            for alias in aliases.split():
                table[alias] = {category: frozenset(values.split())}
    authenticated = every["au"] - {"NULL"}
    table.update({
        "ALL": {"enc": every["enc"] - {"NULL"}},  # everything but eNULL
        "COMPLEMENTOFDEFAULT": {"default": one_of("no")},
        "RSA": {"kx": one_of("RSA"), "au": one_of("RSA")},
        "EDH": {"kx": one_of("DHE"), "au": authenticated},
        "DHE": {"kx": one_of("DHE"), "au": authenticated},
        "EECDH": {"kx": one_of("ECDHE"), "au": authenticated},
        "ECDHE": {"kx": one_of("ECDHE"), "au": authenticated},
        "ADH": {"kx": one_of("DHE"), "au": one_of("NULL")},
        "AECDH": {"kx": one_of("ECDHE"), "au": one_of("NULL")},
        "AES": {"enc": frozenset(a for a in every["enc"] if a.startswith("AES"))},
        # OpenSSL flags FIPS suites one by one; AES-CBC/GCM and 3DES without SRP is what 3.0 flags.
        "FIPS": {"enc": frozenset(a for a in every["enc"] if re.fullmatch(r"AES(GCM)?\d+", a))
                 | {"3DES"}, "kx": every["kx"] - {"SRP"}},
    })
    return table
