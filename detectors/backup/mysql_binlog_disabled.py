"""DP603: a MySQL/MariaDB server group turns the binary log off: no point-in-time recovery."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.backup._facts import CLAUSE_NOTE
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_mycnf import flag, groups, is_server_group, value
from scanner.rule import ConfigRule, Example, Option, RuleContext

_FIX = ("enable the binary log (log_bin = mysql-bin, server_id set, binlog_expire_logs_seconds "
        "covering the backup interval) and archive binlogs off the host")
_FIX_ZH = ("应启用二进制日志（log_bin = mysql-bin，设置 server_id，binlog_expire_logs_seconds "
           "覆盖备份间隔），并将 binlog 归档到主机之外")
_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"


class MysqlBinlogDisabled(ConfigRule):
    """A MySQL or MariaDB server runs without a binary log: no point-in-time recovery.

    Point-in-time recovery restores the last full backup (mysqldump, XtraBackup, mariabackup)
    and replays the binary log up to just before the incident. Without a binary log every change
    since the last full backup is lost. MySQL 8.0 writes a binary log by default; MariaDB does
    not. Reported on explicit evidence in a server group (``[mysqld]``, ``[server]``,
    ``[mariadb]``, ...): ``skip-log-bin``, ``disable-log-bin``, or ``log_bin`` with the value
    ``OFF``/``0`` (MySQL reads a ``log-bin`` value as the log's base name, so that last form
    shows intent rather than effect: low confidence). With option ``require_binlog`` a server
    group that never enables the binary log is reported too (for MariaDB, or a policy that wants
    it written down). Clause 3.3.6 asks that customer information can be restored after an
    incident.
    """

    id = "DP603"
    name = "mysql-binlog-disabled"
    clauses = ("3.3.6",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "In the [mysqld] (or [mariadb]) group: remove skip-log-bin/disable-log-bin and set "
        "log_bin = mysql-bin, server_id = 1, binlog_format = ROW and "
        "binlog_expire_logs_seconds (MariaDB: expire_logs_days) longer than the full-backup "
        "interval; copy binlogs to backup storage (mysqlbinlog --read-from-remote-server "
        "--raw --stop-never, or your backup tool) and test a point-in-time restore."
    )
    references = ("CWE-693", "MySQL Reference Manual: Point-in-Time (Incremental) Recovery",
                  "MariaDB docs: Activating the Binary Log", "AWS Well-Architected REL09-BP01")
    kinds = frozenset({"mysql-cnf"})
    options = {
        "require_binlog": Option(False, "also report a server group that never enables the "
                                        "binary log (MariaDB's default is off)"),
    }
    bad = (
        Example("[mysqld]\nskip-log-bin\n", path="my.cnf", expect=1),
        Example("[mariadb]\nlog_bin = OFF\n", path="my.cnf", expect=1),
    )
    good = (
        Example("[mysqld]\nlog_bin = mysql-bin\nserver_id = 1\n", path="my.cnf"),
        Example("[mysqld]\nskip-log-bin\nlog-bin = binlog\n", path="my.cnf"),
        Example("[client]\nskip-log-bin\n", path="my.cnf"),
        Example("[mysqld]\nport = 3306\n", path="my.cnf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        servers = [g for g in groups(doc) if is_server_group(g)]
        if not servers:
            return
        options = [o for g in servers for o in g.children]
        found = flag(options, "log_bin")
        if found is None:
            if self.settings["require_binlog"]:
                group = servers[0]
                yield self.finding(
                    ctx, line=group.line, column=group.column, object=f"{ctx.kind}:{group.name}",
                    key=f"{group.name}:log_bin".lower(), confidence=Confidence.LOW, message=(
                        f"no server group enables the binary log (log_bin), which is off by "
                        f"default in MariaDB: no point-in-time recovery, against "
                        f"{CLAUSE_NOTE}; {_FIX}"), message_zh=(
                        f"没有任何服务器组启用二进制日志（log_bin），而 MariaDB 默认不启用："
                        f"无法进行时间点恢复，{_CLAUSE_ZH}；{_FIX_ZH}"))
            return
        option, enabled = found
        if enabled is not False:
            return
        written = option.name if value(option) is None else f"{option.name} = {value(option)}"
        by_value = option.key == "log_bin"
        yield self.directive_finding(
            ctx, option, confidence=Confidence.LOW if by_value else None, message=(
                f"{written}: the binary log is off, so the database can only be restored to "
                f"its last full backup, not to a point in time, against {CLAUSE_NOTE}; {_FIX}"
                + (" (MySQL may read this value as the binlog base name: check SHOW "
                   "VARIABLES LIKE 'log_bin' on the server)" if by_value else "")),
            message_zh=(
                f"{written}：二进制日志已关闭，数据库只能恢复到最近一次全量备份，"
                f"无法恢复到某一时间点，{_CLAUSE_ZH}；{_FIX_ZH}"
                + ("（MySQL 可能将此值视为 binlog 基础文件名：请在服务器上执行 SHOW "
                   "VARIABLES LIKE 'log_bin' 核实）" if by_value else "")))
