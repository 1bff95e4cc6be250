"""DP208: a database driver is told to connect without TLS, or to let TLS be optional
(clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from detectors.crypto._denylist import argument, entry_for, section
from detectors.crypto._flow import flow, where
from detectors.crypto._hosts import is_local
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import PythonModule


_FIX_ZH = {  # the fix of each db_client entry in weak_crypto.toml, in Chinese
    "drop ssl_disabled and pass ssl_ca=<CA bundle> with ssl_verify_identity=True":
        "删除 ssl_disabled，并传入 ssl_ca=<CA bundle> 和 ssl_verify_identity=True",
    "ssl='verify-full' (or an ssl.SSLContext from ssl.create_default_context(cafile=...))":
        "ssl='verify-full'（或由 ssl.create_default_context(cafile=...) 创建的 ssl.SSLContext）",
    "sslmode='verify-full' with sslrootcert=<CA bundle>":
        "sslmode='verify-full' 并设置 sslrootcert=<CA bundle>",
    "ssl_mode='VERIFY_IDENTITY' with ssl={'ca': <CA bundle>}":
        "ssl_mode='VERIFY_IDENTITY' 并设置 ssl={'ca': <CA bundle>}",
    "tls=True with tlsCAFile=<CA bundle> (mongodb+srv:// URIs enable TLS by default)":
        "tls=True 并设置 tlsCAFile=<CA bundle>（mongodb+srv:// URI 默认启用 TLS）",
}

class DbClientTlsDisabled(Rule):
    """A database driver call turns TLS off, or makes it optional, through its keyword arguments.

    psycopg/psycopg2 ``sslmode='disable'|'allow'|'prefer'``, asyncpg ``ssl=False``/``'disable'``,
    PyMySQL and mysql-connector ``ssl_disabled=True``, mysqlclient ``ssl_mode='DISABLED'`` or
    ``'PREFERRED'``, and pymongo/motor ``tls=False``/``ssl=False`` or a ``mongodb://`` URI with
    ``tls=false``/``ssl=false``. Queries, result rows (customer records) and often the
    password travel in clear text, or fall back to it as soon as someone on the path refuses
    TLS. Turning TLS off is high; optional TLS is medium. Connections whose host is localhost,
    a loopback address or a Unix socket are not reported. DSN and URL strings for PostgreSQL and
    MySQL are DP202's. Clause 3.3.3 asks that data in transit be encrypted.
    """

    id = "DP208"
    name = "db-client-tls-disabled"
    clauses = ("3.3.3",)
    severity = Severity.HIGH  # TLS off; medium when it is only optional
    confidence = Confidence.HIGH
    remediation = (
        "Require verified TLS in the driver: sslmode='verify-full' (psycopg), ssl='verify-full' "
        "(asyncpg), ssl_ca + ssl_verify_identity (PyMySQL, mysql-connector), "
        "ssl_mode='VERIFY_IDENTITY' (mysqlclient), tls=True + tlsCAFile (pymongo); and have the "
        "server refuse plaintext (hostssl, require_secure_transport, net.tls.mode requireTLS)."
    )
    references = ("CWE-319", "CWE-311", "PostgreSQL libpq 34.19 SSL Support",
                  "MongoDB TLS/SSL connection options")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("sslmode", "ssl_disabled", "ssl_mode", "tls=", "ssl=")

    bad = (
        Example("import psycopg2\n"
                "conn = psycopg2.connect(host='db.internal', dbname='orders', sslmode='disable')\n",
                expect=1),
        Example("from pymongo import MongoClient\n"
                "client = MongoClient('mongodb://app@mongo1.example.com:27017/?tls=false')\n",
                expect=1),
    )
    good = (
        Example("import psycopg2\n"
                "conn = psycopg2.connect(host='db.internal', sslmode='verify-full')\n"),
        Example("import pymysql\nconn = pymysql.connect(host='localhost', ssl_disabled=True)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows = flow(module)
        for call in module.calls:
            entry, name = entry_for(call.qualnames, section("db_client"))
            if entry is None:
                continue
            scope = flows.scope(call)
            uri = flows.constant(argument(call, entry["uri"]), scope) if "uri" in entry else None
            host, weakness = _uri(uri) if isinstance(uri, str) else (None, None)
            for setting in entry["setting"]:
                node = call.keyword(setting)
                value = flows.constant(node, scope) if node is not None else None
                weakness = _weakness(entry, setting, value, node) or weakness
            if weakness is None:
                continue
            where_node, shown, mode = weakness
            if host is None and call.keyword("host") is not None:
                host = flows.constant(call.keyword("host"), scope)
            if isinstance(host, str) and all(is_local(h) for h in host.split(",")):
                continue
            target = f" to {host}" if isinstance(host, str) else ""
            effect = "turns TLS off" if mode == "off" else "leaves TLS optional and unverified"
            target_zh = f"（目标 {host}）" if isinstance(host, str) else ""
            effect_zh = ("关闭了 TLS 传输加密" if mode == "off"
                         else "使 TLS 传输加密成为可选项且不校验证书")
            yield self.finding(
                ctx, **where(module, where_node or call), key=f"{name}:{shown}",
                severity=Severity.HIGH if mode == "off" else Severity.MEDIUM,
                message=f"{call.callee}({shown}) {effect} for the {entry['driver']} connection"
                        f"{target}: queries, customer rows and credentials can cross the network "
                        f"in clear text. Policy: database connections use verified TLS. Fix: "
                        f"{entry['fix']} (CWE-319)",
                message_zh=f"{call.callee}({shown}) 为 {entry['driver']} 连接{target_zh}"
                           f"{effect_zh}：查询、客户数据行和口令可能以明文在网络上传输。"
                           f"策略：数据库连接须使用经过证书校验的 TLS。修复："
                           f"{_FIX_ZH.get(entry['fix'], entry['fix'])}（CWE-319）")


def _weakness(entry: dict[str, Any], setting: str, value: object,
              node: Any) -> tuple[Any, str, str] | None:
    folded = value.lower() if isinstance(value, str) else value
    for mode in ("off", "optional"):
        for bad in entry[mode]:
            bad = bad.lower() if isinstance(bad, str) else bad
            if type(folded) is type(bad) and folded == bad:
                return node, f"{setting}={value!r}", mode
    return None


def _uri(uri: str) -> tuple[str | None, tuple[Any, str, str] | None]:
    """Hosts (comma-joined) and a tls=false/ssl=false weakness of a mongodb:// URI."""
    if not uri.lower().startswith(("mongodb://", "mongodb+srv://")):
        return None, None
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None, None
    hosts = ",".join(h.rsplit(":", 1)[0] if h.count(":") == 1 else h
                     for h in parts.netloc.rpartition("@")[2].split(","))
    for key, value in parse_qsl(parts.query):
        if key.lower() in ("tls", "ssl") and value.lower() == "false":
            return hosts, (None, f"URI {key}={value}", "off")
    return hosts, None
