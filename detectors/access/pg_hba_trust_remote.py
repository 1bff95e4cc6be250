"""DP420: pg_hba.conf lets TCP clients in without any password (clause 3.3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._hba import REFERENCES, admitting, describe, is_local, is_loopback
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.rule import ConfigRule, Example, RuleContext


class PgHbaTrustRemote(ConfigRule):
    """pg_hba.conf accepts TCP connections with the trust method.

    ``trust`` admits anyone who can reach the server as any database user they name, without a
    password. Over TCP that is every host in the address range; even on a loopback address it
    is every process and every operating-system user on the machine, whose identity the server
    cannot check (unlike ``peer`` on a Unix socket). Customer data is then open to whoever
    reaches the port, against clause 3.3.5. ``local`` (Unix-socket) records are not reported:
    there file permissions on the socket still apply, and ``peer`` is the usual fix anyway.
    """

    id = "DP420"
    name = "pg-hba-trust-remote"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Replace trust by scram-sha-256 (with password_encryption = scram-sha-256 and the "
        "passwords reset), or by cert on hostssl records; for local administration use a "
        "local record with peer."
    )
    references = ("CWE-287", *REFERENCES)
    kinds = frozenset({"pg-hba"})

    bad = (
        Example("host all all 10.0.0.0/8 trust\n", path="pg_hba.conf", expect=1),
        Example("hostssl orders app 127.0.0.1/32 trust\n", path="pg_hba.conf", expect=1),
    )
    good = (
        Example("local all postgres trust\nhostssl orders app 10.0.0.0/16 scram-sha-256\n",
                path="pg_hba.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        for record in admitting(doc):
            if record.method.lower() != "trust" or is_local(record):
                continue
            where = ("every local process and OS user" if is_loopback(record)
                     else f"any client in {record.args[2]}")
            where_zh = ("本机的任何进程和操作系统用户" if is_loopback(record)
                        else f"{record.args[2]} 中的任何客户端")
            yield self.directive_finding(
                ctx, record,
                message=(f"{describe(record)} uses trust: {where} can connect as any of the "
                         f"named database users without a password; use scram-sha-256 or cert"),
                message_zh=(f"{describe(record)} 使用 trust 认证方式：{where_zh}无需口令即可以"
                            f"所列任一数据库用户身份连接；请改用 scram-sha-256 或 cert"),
            )
