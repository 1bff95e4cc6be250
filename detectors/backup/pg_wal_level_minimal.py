"""DP602: PostgreSQL runs with wal_level = minimal: no WAL archive or PITR is possible (3.3.6)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_postgresql import settings
from scanner.rule import ConfigRule, Example, RuleContext


class PgWalLevelMinimal(ConfigRule):
    """PostgreSQL writes minimal WAL: neither archiving nor point-in-time recovery can work.

    ``wal_level`` defaults to ``replica`` (since PostgreSQL 10), which writes enough WAL for
    archiving, streaming replicas and point-in-time recovery. ``minimal`` leaves out what those
    need: the server refuses ``archive_mode = on`` and ``max_wal_senders > 0`` with it, and no
    external tool (pgBackRest, Barman, pg_receivewal) can build a recoverable WAL stream from it.
    A restore can then only go back to the last full backup. Confidence is high: the setting
    itself says so. Clause 3.3.6 asks that customer information can be restored after an
    incident.
    """

    id = "DP602"
    name = "pg-wal-level-minimal"
    clauses = ("3.3.6",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "In postgresql.conf: wal_level = replica (the default) or logical, then archive_mode = "
        "on with an archive_command (or a pgBackRest/Barman setup) and restart the server."
    )
    references = ("CWE-693", "PostgreSQL docs: Write Ahead Log settings (wal_level)",
                  "PostgreSQL docs: Continuous Archiving and Point-in-Time Recovery (PITR)")
    kinds = frozenset({"postgresql-conf"})
    tokens = ("wal_level",)
    bad = (Example("wal_level = minimal\nmax_wal_senders = 0\n", path="postgresql.conf",
                   expect=1),)
    good = (Example("wal_level = replica\n", path="postgresql.conf"),
            Example("shared_buffers = 1GB\n", path="postgresql.conf"))

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        level = settings(doc).get("wal_level")
        if level is not None and level.value.strip().lower() == "minimal":
            yield self.directive_finding(ctx, level, message=(
                "wal_level = minimal: WAL cannot be archived or streamed, so the database "
                "cannot be recovered to a point in time (the default is replica), against "
                "clause 3.3.6 (data backup and disaster recovery); set wal_level = replica and "
                "turn on archive_mode with an archive_command"), message_zh=(
                "wal_level = minimal：WAL 无法归档或流式传输，数据库无法进行时间点恢复"
                "（默认值为 replica），不符合第 3.3.6 条（数据备份与灾难恢复）的要求；"
                "应设置 wal_level = replica，并开启 archive_mode、配置 archive_command"))
