"""Is a connection target on this machine? Shared by the plaintext-channel rules (DP206-DP209).

Traffic that never leaves the host (loopback, a Unix socket) gains nothing from TLS, so those
rules do not report it. Kept beside the crypto helpers because transport rules may only add
rule modules to detectors/transport.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_LOCAL_NAMES = frozenset({"", "localhost", "localhost.localdomain", "ip6-localhost",
                          "ip6-loopback"})


def is_local(host: str) -> bool:
    """Loopback names and addresses (127.0.0.0/8, ::1), 0.0.0.0 as a destination, sockets."""
    host = host.strip().lower().strip("[]")
    if host in _LOCAL_NAMES or host.startswith(("/", "@")) or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def url_host(url: str) -> str | None:
    """The host of a URL ("" when it has none), or None when the text is not a URL."""
    try:
        parts = urlsplit(url.strip())
        return parts.hostname or "" if parts.scheme else None
    except ValueError:  # a malformed IPv6 literal
        return None
