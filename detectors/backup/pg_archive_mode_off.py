"""DP601: a PostgreSQL server does not archive its WAL, so no point-in-time recovery (3.3.6)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.backup._facts import CLAUSE_NOTE as _CLAUSE
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_postgresql import INCLUDE_DIRECTIVES, parse_bool, settings
from scanner.rule import ConfigRule, Example, RuleContext

# Settings that show the file configures WAL shipping or retention: a file that sets them was
# written by someone thinking about WAL, so a missing archive_mode is a choice, not an omission.
_WAL_SETTINGS = ("archive_command", "archive_library", "archive_timeout", "wal_level",
                 "max_wal_senders", "max_replication_slots", "wal_keep_size", "wal_keep_segments")
# A standby archives nothing with archive_mode = on (only 'always'); its primary archives.
_STANDBY_SETTINGS = ("primary_conninfo", "primary_slot_name")
_EXTERNAL = ("unless WAL is streamed to a backup server by an external tool (Barman with "
             "pg_receivewal, pgBackRest) that this file does not show")
_FIX = ("set archive_mode = on with archive_command (or archive_library) shipping WAL to "
        "backup storage, e.g. archive_command = 'pgbackrest --stanza=main archive-push %p'")

_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"
_EXTERNAL_ZH = ("，除非 WAL 已由本文件未体现的外部工具（Barman 配合 pg_receivewal、"
                "pgBackRest）流式传输到备份服务器")
_FIX_ZH = ("应设置 archive_mode = on，并通过 archive_command（或 archive_library）将 WAL "
           "传送到备份存储，例如 archive_command = 'pgbackrest --stanza=main archive-push %p'")


class PgArchiveModeOff(ConfigRule):
    """PostgreSQL WAL archiving is off: the cluster cannot be recovered to a point in time.

    Point-in-time recovery replays archived WAL on top of a base backup. ``archive_mode``
    defaults to ``off``; with it off, ``archive_command`` is ignored and a restore can only go
    back to the last base backup (or dump), losing every transaction since. Reported: an explicit
    ``archive_mode = off``; ``archive_command``/``archive_library`` set while ``archive_mode`` is
    absent (the command is silently ignored); and ``archive_mode`` absent from a file that
    otherwise configures WAL (``wal_level``, ``max_wal_senders``, ...) and includes no other
    file. Archiving may be done outside the server's own setting - Barman or pgBackRest
    streaming WAL with pg_receivewal - so confidence is medium, and low for a mere absence.
    Standbys (``primary_conninfo`` set) are skipped: their primary archives. Clause 3.3.6 asks
    that customer information can be restored after an incident.
    """

    id = "DP601"
    name = "pg-archive-mode-off"
    clauses = ("3.3.6",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "In postgresql.conf: archive_mode = on and archive_command = 'pgbackrest "
        "--stanza=main archive-push %p' (or a command copying %p to off-host storage, or "
        "archive_library); keep wal_level = replica or logical; take regular base backups "
        "(pg_basebackup, pgBackRest, Barman) and test restoring to a point in time."
    )
    references = (
        "CWE-693",
        "PostgreSQL docs: Continuous Archiving and Point-in-Time Recovery (PITR)",
        "PostgreSQL docs: Write Ahead Log settings (archive_mode, archive_command)",
        "AWS Well-Architected REL09 (back up data)",
    )
    kinds = frozenset({"postgresql-conf"})
    tokens = ("archive_", "wal_", "max_replication_slots")
    bad = (
        Example("wal_level = replica\narchive_mode = off\n", path="postgresql.conf", expect=1),
        Example("archive_command = 'cp %p /mnt/wal/%f'\n", path="postgresql.conf", expect=1),
    )
    good = (
        Example(("wal_level = replica\narchive_mode = on\n"
                 "archive_command = 'pgbackrest --stanza=main archive-push %p'\n"),
                path="postgresql.conf"),
        Example("max_wal_senders = 10\nprimary_conninfo = 'host=10.0.0.1 user=rep'\n",
                path="postgresql.conf"),
        Example("shared_buffers = 1GB\n", path="postgresql.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        current = settings(doc)
        if any(name in current for name in _STANDBY_SETTINGS):
            return
        mode = current.get("archive_mode")
        if mode is not None:
            if parse_bool(mode.value) is False:
                yield self.directive_finding(ctx, mode, message=(
                    f"archive_mode = {mode.value}: WAL is not archived, so the database can "
                    f"only be restored to its last base backup, not to a point in time, "
                    f"{_EXTERNAL}; against {_CLAUSE}; {_FIX}"), message_zh=(
                    f"archive_mode = {mode.value}：WAL 未归档，数据库只能恢复到最近一次基础备份，"
                    f"无法进行时间点恢复{_EXTERNAL_ZH}；{_CLAUSE_ZH}；{_FIX_ZH}"))
            return
        command = current.get("archive_command") or current.get("archive_library")
        if command is not None and command.value.strip():
            yield self.directive_finding(ctx, command, message=(
                f"{command.name} is set but archive_mode is not, and archive_mode defaults to "
                f"off: the command is never run and no WAL is archived, against {_CLAUSE}; "
                f"add archive_mode = on"), message_zh=(
                f"已设置 {command.name}，但未设置 archive_mode，而 archive_mode 默认为 off："
                f"该命令不会执行，WAL 不会被归档，{_CLAUSE_ZH}；应添加 archive_mode = on"))
            return
        if any(d.key in INCLUDE_DIRECTIVES for d in doc.directives):
            return  # an included file may well set archive_mode
        wal = [current[n] for n in _WAL_SETTINGS if n in current]
        if wal:
            first = min(wal, key=lambda d: d.line)
            yield self.directive_finding(
                ctx, first, confidence=Confidence.LOW, message=(
                    f"this file configures WAL ({first.name} = {first.value}) but never sets "
                    f"archive_mode, which defaults to off: no point-in-time recovery "
                    f"{_EXTERNAL}; against {_CLAUSE}; {_FIX}"), message_zh=(
                    f"本文件配置了 WAL（{first.name} = {first.value}），但从未设置 archive_mode"
                    f"（默认为 off）：无法进行时间点恢复{_EXTERNAL_ZH}；{_CLAUSE_ZH}；{_FIX_ZH}"))

