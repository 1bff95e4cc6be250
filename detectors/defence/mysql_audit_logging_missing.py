"""DP502: a MySQL/MariaDB server config loads no audit plugin and keeps no general log."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_mycnf import INCLUDE_DIRECTIVES, flag, groups, is_server_group, value
from scanner.rule import ConfigRule, Example, RuleContext

_PLUGIN_OPTIONS = frozenset({"plugin_load", "plugin_load_add"})
_AUDIT_PLUGINS = ("server_audit", "audit_log")  # MariaDB/MySQL community; MySQL Enterprise/Percona


class MysqlAuditLoggingMissing(ConfigRule):
    """MySQL/MariaDB keeps no audit trail: no audit plugin and no general query log.

    The server groups of the file (``[mysqld]``, ``[server]``, ``[mariadb]`` ...) neither load an
    audit plugin (``plugin-load-add = server_audit.so`` for MariaDB and MySQL community builds
    with the MariaDB plugin, ``audit_log.so`` for MySQL Enterprise and Percona) nor turn on
    ``server_audit_logging`` or ``audit_log_*`` options, and ``general_log`` is off or absent
    (its default is OFF). Nothing then records who connected or which statements read or changed
    customer data. Clause 3.3.1 asks for database audit as a layer of defence in depth. One
    finding per file, at the option that turns logging off or at the first server group; files
    without server options are not judged. An ``!include``/``!includedir`` may load the plugin
    elsewhere: then confidence is low.
    """

    id = "DP502"
    name = "mysql-audit-logging-missing"
    clauses = ("3.3.1",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "In the [mysqld] (or [mariadb]) group: plugin-load-add = server_audit.so, "
        "server_audit = FORCE_PLUS_PERMANENT, server_audit_logging = ON, server_audit_events = "
        "CONNECT,QUERY_DDL,QUERY_DCL,QUERY_DML (MySQL Enterprise: plugin-load-add = "
        "audit_log.so with audit_log_policy = ALL); send the audit log off the host."
    )
    references = ("CWE-778", "CIS Oracle MySQL Benchmark 6 (Auditing and Logging)",
                  "MariaDB Audit Plugin: https://mariadb.com/kb/en/mariadb-audit-plugin/")
    kinds = frozenset({"mysql-cnf"})

    bad = (
        Example("[mysqld]\nport = 3306\ngeneral_log = OFF\n", path="my.cnf", expect=1),
        Example("[mariadb]\nbind-address = 10.0.0.4\n", path="my.cnf", expect=1),
    )
    good = (
        Example("[mysqld]\nplugin-load-add = server_audit.so\nserver_audit_logging = ON\n",
                path="my.cnf"),
        Example("[client]\nhost = db.internal\n", path="my.cnf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        server = [g for g in groups(doc) if is_server_group(g)]
        options = [o for g in server for o in g.children if o.key not in INCLUDE_DIRECTIVES]
        if not options or _audited(options):
            return
        anchor, why, why_zh = _anchor(server, options)
        included = any(d.key in INCLUDE_DIRECTIVES for d in doc.walk())
        yield self.directive_finding(
            ctx, anchor, key="my.cnf:audit",
            confidence=Confidence.LOW if included else None,
            message=(
                f"MySQL/MariaDB keeps no audit trail: {why}; no audit plugin (server_audit, "
                "audit_log) is loaded and general_log is off (its default), so who read or "
                "changed customer data leaves no evidence (clause 3.3.1); add plugin-load-add = "
                "server_audit.so and server_audit_logging = ON"
                + (" (an included file may load it)" if included else "")
            ),
            message_zh=(
                f"MySQL/MariaDB 没有审计日志：{why_zh}；未加载任何审计插件（server_audit、"
                "audit_log），general_log 也处于关闭状态（默认值），因此谁读取或修改了客户数据"
                "都不会留下证据（条款 3.3.1）；请添加 plugin-load-add = server_audit.so 和 "
                "server_audit_logging = ON"
                + ("（被包含的文件可能会加载它）" if included else "")
            ),
        )


def _audited(options: list[Directive]) -> bool:
    switch = flag(options, "server_audit_logging")
    plugins = _AUDIT_PLUGINS if switch is None or switch[1] is not False else ("audit_log",)
    for option in options:
        text = (value(option) or "").lower()
        if option.key in _PLUGIN_OPTIONS and any(p in text for p in plugins):
            return True
        if option.key.startswith("audit_log") and text not in ("off", "0", "none"):
            return True
    for name in ("server_audit_logging", "general_log"):
        found = flag(options, name)
        if found is not None and found[1] is True:
            return True
    return False


def _anchor(server: list[Directive], options: list[Directive]) -> tuple[Directive, str, str]:
    """The directive to report at, and why there is no audit trail, in English and Chinese."""
    for name in ("server_audit_logging", "general_log"):
        found = flag(options, name)
        if found is not None:
            given = value(found[0])
            shown = f"{found[0].name}{' = ' + given if given else ''}"
            return found[0], f"{shown} turns it off", f"{shown} 将其关闭"
    group = next(g for g in server if g.children)
    return (group, f"no audit or general-log option in the server groups (first: {group.name})",
            f"服务器配置组中没有任何审计或 general-log 选项（第一个组：{group.name}）")
