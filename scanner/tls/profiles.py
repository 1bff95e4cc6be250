"""Mozilla's server-side TLS profiles (guidelines v5.7) and protocol-version helpers.

Source: Mozilla, "Security/Server Side TLS", https://wiki.mozilla.org/Security/Server_Side_TLS,
and the machine-readable guideline https://ssl-config.mozilla.org/guidelines/5.7.json
(v5.7, 2023-05-15: DHE-RSA-CHACHA20-POLY1305 appended to the intermediate list).
"""

from __future__ import annotations

from dataclasses import dataclass

GUIDELINE = "Mozilla Server Side TLS v5.7"
GUIDELINE_URL = "https://wiki.mozilla.org/Security/Server_Side_TLS"

# Oldest first. SSLv2 and SSLv3 are broken (DROWN, POODLE); TLS 1.0 and 1.1 were deprecated by
# RFC 8996 (2021) and lack AEAD suites.
PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")

_TLS13 = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
_INTERMEDIATE = (
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"
)
_OLD = (
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:"
    "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:"
    "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:"
    "DES-CBC3-SHA"
)


@dataclass(frozen=True)
class Profile:
    name: str
    protocols: tuple[str, ...]  # the versions the profile enables
    ciphers: str  # OpenSSL cipher string for TLS <= 1.2 ("" = TLS 1.3 only)
    ciphersuites: str  # TLS 1.3 suites
    server_preferred_order: bool
    hsts_min_age: int
    oldest_clients: tuple[str, ...]

    @property
    def min_protocol(self) -> str:
        return self.protocols[0]


PROFILES: dict[str, Profile] = {
    "modern": Profile(
        "modern", ("TLSv1.3",), "", _TLS13, False, 63072000,
        ("Firefox 63", "Android 10.0", "Chrome 70", "Edge 75", "Java 11", "OpenSSL 1.1.1",
         "Opera 57", "Safari 12.1"),
    ),
    "intermediate": Profile(
        "intermediate", ("TLSv1.2", "TLSv1.3"), _INTERMEDIATE, _TLS13, False, 63072000,
        ("Firefox 27", "Android 4.4.2", "Chrome 31", "Edge", "IE 11 on Windows 7", "Java 8u31",
         "OpenSSL 1.0.1", "Opera 20", "Safari 9"),
    ),
    "old": Profile(
        "old", ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"), _OLD, _TLS13, True, 63072000,
        ("Firefox 1", "Android 2.3", "Chrome 1", "Edge 12", "IE8 on Windows XP", "Java 6",
         "OpenSSL 0.9.8", "Opera 5", "Safari 1"),
    ),
}
PROFILE_NAMES = tuple(PROFILES)

# Spellings seen in nginx, Apache, HAProxy and OpenSSL configuration, to the names above.
_SPELLINGS = {
    "sslv2": "SSLv2", "sslv3": "SSLv3", "tlsv1": "TLSv1", "tlsv1.0": "TLSv1", "tlsv10": "TLSv1",
    "tlsv1.1": "TLSv1.1", "tlsv11": "TLSv1.1", "tlsv1.2": "TLSv1.2", "tlsv12": "TLSv1.2",
    "tlsv1.3": "TLSv1.3", "tlsv13": "TLSv1.3", "tls1": "TLSv1", "tls1.0": "TLSv1",
    "tls1.1": "TLSv1.1", "tls1.2": "TLSv1.2", "tls1.3": "TLSv1.3",
}


def normalise_protocol(word: str) -> str | None:
    """``TLSv1.0``, ``tlsv10``, ``TLS1.2`` ... -> the PROTOCOLS spelling; None if not a version."""
    return _SPELLINGS.get(word.strip().strip("\"'").lower())


def protocol_range(low: str, high: str = "TLSv1.3") -> tuple[str, ...]:
    start, end = PROTOCOLS.index(low), PROTOCOLS.index(high)
    return PROTOCOLS[start:end + 1]


def sort_protocols(versions: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(p for p in PROTOCOLS if p in versions)


def outside_profile(enabled: set[str] | frozenset[str], profile: str) -> tuple[str, ...]:
    """Enabled versions the profile does not allow, oldest first."""
    allowed = set(PROFILES[profile].protocols)
    return tuple(p for p in PROTOCOLS if p in enabled and p not in allowed)


def _profile_option():
    from scanner.rule import Option

    return Option("intermediate", "Mozilla server-side TLS profile to judge against "
                  "(Mozilla Server Side TLS v5.7)", choices=PROFILE_NAMES)


# The `tls_profile` option shared by every rule that judges TLS against Mozilla's profiles.
PROFILE_OPTION = _profile_option()
