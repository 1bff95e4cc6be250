"""DP430: a database or message-queue connection string carries a literal password."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import ANY_TEXT, Example, Rule, RuleContext
from scanner.secrets import is_placeholder, length_class

if TYPE_CHECKING:
    from scanner.parsers.strings import StringSpan

# A URL with a scheme; the scheme decides whether it is a data store (SQLAlchemy drivers such
# as postgresql+psycopg2 and JDBC prefixes such as jdbc:mysql:loadbalance included).
_URL = re.compile(r"(?<![\w+.:-])[A-Za-z][\w+.:-]*://[^\s'\"<>`]+")
_DATA_SCHEME = re.compile(
    r"(?:jdbc:)?(?P<scheme>postgres(?:ql)?|mysqlx?|mariadb|mongodb(?:\+srv)?|rediss?|amqps?"
    r"|sqlserver|mssql|oracle|cockroachdb|clickhouse|redshift|snowflake)"
    r"(?:\+[\w-]+)?(?::[\w-]+)*://", re.IGNORECASE)
# password in a URL's query (JDBC ?password=, ;password= for SQL Server).
_URL_PARAM = re.compile(r"[?&;](?P<name>password|passwd|pwd)=(?P<value>[^&;#]*)", re.IGNORECASE)
# Keyword DSNs: libpq "host=db user=app password=x", ODBC/ADO "Server=db;Uid=app;Pwd=x".
_DSN_PASSWORD = re.compile(r"(?<![\w.\-])(?P<name>password|passwd|pwd)\s*=\s*"
                           r"(?P<value>'(?:[^'\\]|\\.)*'|[^\s'\";]+)", re.IGNORECASE)
_DSN_KEYWORD = re.compile(r"(?<![\w.\-])(?:host|hostaddr|dbname|user|port|server|database|uid"
                          r"|user id|data source)\s*=", re.IGNORECASE)
_DSN_HOST = re.compile(r"(?<![\w.\-])(?:host|hostaddr|server|data source)\s*=\s*"
                       r"(?P<v>[^\s;'\"]+)", re.IGNORECASE)
_DSN_USER = re.compile(r"(?<![\w.\-])(?:user|uid|user id)\s*=\s*(?P<v>[^\s;'\"]+)",
                       re.IGNORECASE)
_LOOPBACK = ("localhost", "127.", "::1", "[::1]", "/")


class DbUrlPassword(Rule):
    """A connection string holds a hard-coded database or message-queue password.

    ``postgresql://app:s3cret@db/orders``, ``mysql://``, ``mongodb://``, ``redis://:pw@``,
    ``amqp://``, JDBC ``?password=`` parameters and libpq/ODBC keyword strings
    (``host=db user=app password=s3cret``) in any text file: whoever reads the repository, a
    build log or an image layer gets the password that opens the customer data behind it
    (clause 3.3.5). References (``${DB_PASSWORD}``, ``{password}`` in an f-string, ``vault:``...)
    and obvious placeholders (``changeme``, ``xxx``, ``<password>``) are not reported (see
    scanner/secrets.py). Connections to localhost are reported at medium severity. Passwords
    passed as code arguments (``connect(password="...")``) are not read here.
    """

    id = "DP430"
    name = "db-url-password"
    clauses = ("3.3.5",)
    severity = Severity.HIGH  # MEDIUM for loopback hosts
    confidence = Confidence.HIGH
    remediation = (
        "Remove the password from the connection string and read it at run time from the "
        "environment or a secret manager (Vault, AWS Secrets Manager, Kubernetes Secrets); "
        "rotate the exposed password, since it stays in the version history."
    )
    references = ("CWE-798", "CWE-259", "OWASP ASVS V2.10 Service Authentication")
    kinds = ANY_TEXT
    model = "strings"
    tokens = ("://", "password", "PASSWORD", "Password", "pwd", "Pwd", "PWD", "passwd")

    bad = (
        Example("DATABASE_URL=postgresql://app:s3cretPw@db.internal/orders\n", path=".env",
                expect=1),
        Example('DSN = "host=db.internal dbname=orders user=app password=s3cretPw"\n',
                path="settings.py", expect=1),
        Example("url=jdbc:mysql://db.internal/shop?user=app&password=s3cretPw\n",
                path="app.properties", expect=1),
    )
    good = (
        Example("DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.internal/orders\n", path=".env"),
        Example('URL = f"postgresql://app:{password}@{host}/orders"\n', path="settings.py"),
        Example("REDIS_URL=redis://cache.internal:6379/0\n", path=".env"),
    )

    def check(self, spans: list[StringSpan], ctx: RuleContext) -> Iterator[Finding]:
        for span in spans:
            yield from self._scan(span, ctx)

    def _scan(self, span: StringSpan, ctx: RuleContext) -> Iterator[Finding]:
        rest = span.text
        for url in _URL.finditer(span.text):
            rest = rest[:url.start()] + " " * len(url.group(0)) + rest[url.end():]
            data = _DATA_SCHEME.match(url.group(0))
            if data:
                yield from self._url(url.group(0).rstrip(".,;)"), data.group("scheme").lower(),
                                     span, ctx)
        if not _DSN_KEYWORD.search(rest):
            return
        for match in _DSN_PASSWORD.finditer(rest):
            value = match.group("value")
            secret = value[1:-1] if value.startswith("'") else value
            if is_placeholder(secret):
                continue
            host = _first(_DSN_HOST, rest) or "(default host)"
            user = _first(_DSN_USER, rest) or "(default user)"
            shown = (rest[:match.start("value")] + "****" + rest[match.end("value"):]).strip()
            yield self._report(ctx, span, match.group(0), "dsn", host, user, secret, shown)

    def _url(self, url: str, scheme: str, span: StringSpan, ctx: RuleContext
             ) -> Iterator[Finding]:
        after = url.split("://", 1)[1]
        netloc = re.split(r"[/?;]", after, maxsplit=1)[0]
        userinfo, at, hosts = netloc.rpartition("@")
        user, colon, password = userinfo.partition(":")
        shown, secret = url, ""
        if at and colon and password and not is_placeholder(unquote(password)):
            secret = unquote(password)
            shown = url.replace(f"{userinfo}@", f"{user}:****@", 1)
        for param in _URL_PARAM.finditer(url):
            value = unquote(param.group("value"))
            if value and not is_placeholder(value):
                secret = secret or value
                shown = shown.replace(param.group(0), param.group(0)[:-len(param.group("value"))]
                                      + "****")
        if not secret:
            return
        if not user:
            found = re.search(r"[?&;](?:user|username|uid)=([^&;#]*)", url, re.IGNORECASE)
            user = found.group(1) if found else "(no user)"
        host = hosts if at else netloc
        yield self._report(ctx, span, url, scheme, host, unquote(user), secret, shown)

    def _report(self, ctx: RuleContext, span: StringSpan, located: str, scheme: str, host: str,
                user: str, secret: str, shown: str) -> Finding:
        local = host.lower().startswith(_LOOPBACK)
        line_text = ctx.lines[span.line - 1] if span.line <= len(ctx.lines) else ""
        found = line_text.find(located)
        where = "a local database" if local else host
        where_zh = "本地数据库" if local else _PLACEHOLDER_ZH.get(host, f"主机 {host}")
        user_zh = _PLACEHOLDER_ZH.get(user, f"用户 {user}")
        return self.finding(
            ctx, line=span.line, column=found + 1 if found >= 0 else span.column,
            severity=Severity.MEDIUM if local else None,
            key=f"{scheme}:{host}:{user}".lower(),
            evidence=shown[:200],
            message=(f"{scheme} connection string for user {user} on {where} holds a hard-coded "
                     f"password ({length_class(secret)}); read it from the environment or a "
                     f"secret store"),
            message_zh=(f"{scheme} 连接串（{user_zh}，位于{where_zh}）含硬编码口令"
                        f"（{length_class(secret, 'zh')}）；请改为从环境变量或密钥存储读取"),
        )


_PLACEHOLDER_ZH = {"(default user)": "默认用户", "(no user)": "未指定用户",
                   "(default host)": "默认主机"}


def _first(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return found.group("v") if found else ""
