"""DP501: a PostgreSQL server config records neither audit events nor statements nor sessions."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_postgresql import INCLUDE_DIRECTIVES, parse_bool, settings
from scanner.rule import ConfigRule, Example, RuleContext

# Settings only a server's own postgresql.conf carries: a fragment without them is not judged.
_SERVER_MARKERS = ("listen_addresses", "port", "shared_buffers", "ssl", "max_connections",
                   "data_directory", "hba_file", "wal_level")
_STATEMENT_LOGGING = frozenset({"ddl", "mod", "all"})


class PgAuditLoggingMissing(ConfigRule):
    """PostgreSQL keeps no audit trail: no pgaudit, no statement logging, no session logging.

    The server defaults are ``shared_preload_libraries = ''`` (no pgaudit), ``log_statement =
    none``, ``log_connections = off`` and ``log_disconnections = off``: out of the box nothing
    records who connected or what they read and changed. Clause 3.3.1 asks for database audit as
    one layer of defence in depth; without it a breach or an insider's bulk export of customer
    data leaves no evidence. The rule reads only files that look like a server's configuration
    (they set listen_addresses, port, shared_buffers, ssl ...). pgaudit counts when it is
    preloaded and ``pgaudit.log`` (or ``pgaudit.role``) says what to record. One finding per
    file, at the setting that turns logging off, or at the first server setting when the file
    leaves every audit setting at its default. An include may set them elsewhere: then
    confidence is low.
    """

    id = "DP501"
    name = "pg-audit-logging-missing"
    clauses = ("3.3.1",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "In postgresql.conf: shared_preload_libraries = 'pgaudit' (keep any libraries already "
        "listed), pgaudit.log = 'write, ddl, role', pgaudit.log_parameter = off (keeps customer "
        "values out of the log), log_connections = on, log_disconnections = on; run CREATE "
        "EXTENSION pgaudit; and ship the log off the host. At the least set log_statement = "
        "'ddl' (or 'mod')."
    )
    references = ("CWE-778", "CIS PostgreSQL Benchmark 3.1 (Logging and Auditing), 3.2 (pgAudit)",
                  "pgAudit documentation: https://github.com/pgaudit/pgaudit")
    kinds = frozenset({"postgresql-conf"})

    bad = (
        Example("listen_addresses = '10.0.0.5'\nport = 5432\n", path="postgresql.conf", expect=1),
        Example("port = 5432\nshared_preload_libraries = 'pg_stat_statements'\n"
                "log_statement = none\n", path="postgresql.conf", expect=1),
    )
    good = (
        Example("port = 5432\nshared_preload_libraries = 'pg_stat_statements,pgaudit'\n"
                "pgaudit.log = 'write, ddl, role'\n", path="postgresql.conf"),
        Example("port = 5432\nlog_statement = 'ddl'\nlog_connections = on\n",
                path="postgresql.conf"),
        Example("work_mem = 64MB\n", path="postgresql.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        current = settings(doc)
        markers = [current[m] for m in _SERVER_MARKERS if m in current]
        if not markers or _audited(current):
            return
        anchor, why, why_zh = _anchor(current, markers)
        included = any(d.key in INCLUDE_DIRECTIVES for d in doc.directives)
        yield self.directive_finding(
            ctx, anchor, object="postgresql.conf", key="postgresql.conf:audit",
            confidence=Confidence.LOW if included else None,
            message=(
                f"PostgreSQL keeps no audit trail: {why}, and nothing else records statements or "
                "sessions (pgaudit inactive, log_statement none, log_connections and "
                "log_disconnections off: the defaults), so who read or changed customer data "
                "leaves no evidence (clause 3.3.1); preload "
                "pgaudit with pgaudit.log = 'write, ddl, role' and turn on connection logging"
                + (" (an included file may set these)" if included else "")
            ),
            message_zh=(
                f"PostgreSQL 没有审计日志：{why_zh}，也没有其他设置记录语句或会话（pgaudit 未生效，"
                "log_statement 为 none，log_connections 和 log_disconnections 关闭：均为默认值），"
                "因此谁读取或修改了客户数据都不会留下证据（条款 3.3.1）；请预加载 pgaudit 并设置 "
                "pgaudit.log = 'write, ddl, role'，同时开启连接日志"
                + ("（被包含的文件可能会设置这些项）" if included else "")
            ),
        )


def _libraries(directive: Directive | None) -> list[str]:
    if directive is None:
        return []
    return [x.strip().strip('"').lower() for x in directive.value.split(",") if x.strip()]


def _audited(current: dict[str, Directive]) -> bool:
    if "pgaudit" in _libraries(current.get("shared_preload_libraries")):
        what = current.get("pgaudit.log")
        if (what is not None and what.value.strip().lower() not in ("", "none")) or \
                current.get("pgaudit.role") is not None:
            return True
    statement = current.get("log_statement")
    if statement is not None and statement.value.strip().lower() in _STATEMENT_LOGGING:
        return True
    for name in ("log_connections", "log_disconnections"):
        setting = current.get(name)
        if setting is not None and setting.value.strip() and parse_bool(setting.value) is not False:
            return True  # on, or (PostgreSQL 18) a list of connection stages
    return False


def _anchor(current: dict[str, Directive],
            markers: list[Directive]) -> tuple[Directive, str, str]:
    """The directive to report at, and why there is no audit trail, in English and Chinese."""
    statement = current.get("log_statement")
    if statement is not None:
        shown = f"log_statement = {statement.value or 'none'}"
        return statement, shown, shown
    libraries = current.get("shared_preload_libraries")
    if libraries is not None and "pgaudit" in _libraries(libraries):
        return (libraries, "pgaudit is preloaded but pgaudit.log is none (its default)",
                "已预加载 pgaudit，但 pgaudit.log 为 none（默认值）")
    if libraries is not None:
        shown = f"shared_preload_libraries = '{libraries.value}'"
        return libraries, f"{shown} leaves pgaudit out", f"{shown} 未包含 pgaudit"
    for name in ("log_connections", "log_disconnections"):
        if name in current:
            shown = f"{name} = {current[name].value}"
            return current[name], shown, shown
    return (markers[0], "no audit or logging setting is made in this server config",
            "该服务器配置中没有任何审计或日志设置")
