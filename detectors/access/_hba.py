"""Shared reading of pg_hba.conf records for the authentication rules (DP420-DP424)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from scanner.model.config import ConfigDocument
from scanner.parsers.config_pg_hba import HbaRecord

REFERENCES = ("CWE-522", "CWE-521", "PostgreSQL docs: The pg_hba.conf File",
              "CIS PostgreSQL Benchmark: Ensure login via 'host' TCP/IP Socket is configured "
              "correctly")
_LOOPBACK_NAMES = frozenset({"samehost", "localhost"})


def admitting(doc: ConfigDocument) -> Iterator[HbaRecord]:
    """Every record that can let a client in: reject records admit nobody."""
    for record in doc.directives:
        if isinstance(record, HbaRecord) and record.method.lower() != "reject":
            yield record


def is_local(record: HbaRecord) -> bool:
    """A Unix-socket record: only processes on the server itself can use it."""
    return record.address is None


def is_loopback(record: HbaRecord) -> bool:
    """A TCP record that only matches connections from the server itself."""
    if record.address is None:
        return False
    if not record.address.quoted and record.address.text.lower() in _LOOPBACK_NAMES:
        return True
    network = record.network()
    if network is None:
        return False
    address = network.network_address
    if network.version == 6 and address.ipv4_mapped is not None:
        return ipaddress.ip_address(address.ipv4_mapped).is_loopback
    return address.is_loopback and network.broadcast_address.is_loopback


def is_remote(record: HbaRecord) -> bool:
    return not is_local(record) and not is_loopback(record)


def describe(record: HbaRecord) -> str:
    """``host all all 0.0.0.0/0`` -- the record's matching fields, for messages."""
    db, user, address = record.args[0], record.args[1], record.args[2]
    return " ".join(part for part in (record.name, db, user, address) if part)
