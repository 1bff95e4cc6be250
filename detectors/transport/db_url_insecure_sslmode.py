"""DP202: a database connection string turns TLS off or leaves it optional (clause 3.3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from scanner import regex_compat
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import ANY_TEXT, Example, Option, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.strings import StringSpan

# Every weakness is expressed as the libpq sslmode it amounts to
# (https://www.postgresql.org/docs/current/libpq-ssl.html, table "SSL Mode Descriptions"):
# disable never encrypts; allow tries plaintext first; prefer tries TLS and silently falls back to
# plaintext. Neither allow nor prefer verifies the certificate, so an attacker on the path only has
# to refuse TLS. prefer is libpq's default, which is why it is worth reporting when written out.
# require and stronger are not reported here (require encrypts without verifying: another rule).
_SEVERITY = {"disable": Severity.HIGH, "allow": Severity.MEDIUM, "prefer": Severity.MEDIUM}
_WORST_FIRST = ("disable", "allow", "prefer")
_PG_MODES = {"disable": "disable", "allow": "allow", "prefer": "prefer"}

# MySQL/MariaDB parameters, lower-cased, with the values that weaken TLS. Connector/J 8: sslMode
# DISABLED/PREFERRED (PREFERRED is its default), and the legacy useSSL/requireSSL it translates
# into sslMode: useSSL=false -> DISABLED, requireSSL=false -> PREFERRED (TLS optional: MEDIUM).
# MariaDB Connector/J 3: sslMode=disable. mysql client: ssl-mode; mysqlclient: ssl_mode;
# mysql-connector-python and PyMySQL: ssl_disabled. Drivers disagree on case (useSSL/useSsl,
# sslMode/sslmode), so names match case-insensitively; a missed plaintext link costs more.
_MYSQL_MODES = {"disabled": "disable", "disable": "disable", "preferred": "prefer"}
_FALSE, _TRUE = ("false", "0", "no", "off"), ("true", "1", "yes", "on")
_MYSQL_PARAMS = {
    "sslmode": _MYSQL_MODES, "ssl-mode": _MYSQL_MODES, "ssl_mode": _MYSQL_MODES,
    "usessl": dict.fromkeys(_FALSE, "disable"), "requiressl": dict.fromkeys(_FALSE, "prefer"),
    "ssl_disabled": dict.fromkeys(_TRUE, "disable"),
}
# Connector/J ignores the legacy flags when an sslMode spelling is present.
_MYSQL_LEGACY = ("usessl", "requiressl")

# Locating a URL is a regex; reading it is urllib.parse. Every URL is cut out before settings are
# read, so https://host/?sslmode=disable is not a setting. Database schemes: postgres[ql][+driver],
# jdbc:postgresql, mysql[x]/mariadb[+driver], jdbc:mysql[:loadbalance|:replication], jdbc:mariadb.
_URL = regex_compat.compile(r"(?<![\w+.:-])[A-Za-z][\w+.:-]*://[^\s'\"<>`]*")
_DB_SCHEME = regex_compat.compile(r"(?:jdbc:)?(?P<scheme>postgres(?:ql)?|mysqlx?|mariadb)"
                        r"(?:\+[\w-]+)?(?::[\w-]+)?://", re.IGNORECASE)
# name=value / name: value / "name": "value" -- libpq keyword DSNs, .env, properties, YAML, JSON.
# The value is taken whole (possessive) and must not be followed by "=": in X="host=db1 ...",
# "host" is the next name, not X's value.
_SETTING = regex_compat.compile(r"(?<![\w-])(?P<name>[A-Za-z_][\w-]*)[\"']?\s*[=:]\s*[\"']?"
                      r"(?P<value>[^\s'\"=,;&}]++)(?!=)")
# A name and its value in two consecutive spans, at most _PAIR_LINES apart (comments may sit
# between): {"sslmode": "disable"} and os.environ["PGSSLMODE"] = "prefer" in Python,
# "- name: PGSSLMODE" / "value: disable" in a Kubernetes env list.
_BARE_NAME = regex_compat.compile(r"""\s*(?:-\s*)?(?:name:\s*)?["']?(?P<name>[A-Za-z_][\w-]*)["']?\s*""")
_BARE_VALUE = regex_compat.compile(r"""\s*(?:value:\s*)?["']?(?P<value>[\w-]+)["']?\s*""")
_PAIR_LINES = 3
# A standalone setting counts when its name is, or ends like, an sslmode spelling: PGSSLMODE,
# sslmode, ssl-mode, DB_SSLMODE. The legacy MySQL flags only count inside MySQL URLs: bare,
# "requireSSL" and "useSSL" also configure cookies and mail servers.
_MODE_SUFFIXES = ("sslmode", "ssl_mode", "ssl-mode")
_DRIVER_NAMES = frozenset({"pgsslmode", *_MODE_SUFFIXES})  # anything else is the app's own name
_LIBPQ_KEYWORDS = frozenset({"host", "hostaddr", "port", "dbname", "user"})
# TLS to a loopback address or a Unix socket protects nothing; an empty host means libpq's and
# Connector/J's local default.
_LOOPBACK = frozenset({"", "localhost", "::1", "localhost.localdomain"})


class DbUrlInsecureSslmode(Rule):
    """A database connection string turns TLS off or leaves it optional.

    PostgreSQL URLs and keyword DSNs with ``sslmode=disable``, ``allow`` or ``prefer`` (also
    ``PGSSLMODE``), and MySQL/MariaDB URLs with ``useSSL=false``, ``sslMode=DISABLED`` or
    ``PREFERRED``, send queries, results and often the password in plaintext, or fall back to
    plaintext as soon as anyone on the path refuses TLS. Clause 3.3.3 asks that data in transit
    be encrypted with TLS/SSL.
    """

    id = "DP202"
    name = "db-url-insecure-sslmode"
    clauses = ("3.3.3",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Require verified TLS: sslmode=verify-full with sslrootcert=<CA file> for PostgreSQL "
        "(PGSSLMODE=verify-full for libpq environments); sslMode=VERIFY_IDENTITY for MySQL "
        "Connector/J, ssl-mode=VERIFY_IDENTITY for the mysql client, sslMode=verify-full for "
        "MariaDB Connector/J; and have the server refuse plaintext (hostssl in pg_hba.conf, "
        "require_secure_transport=ON in MySQL)."
    )
    references = ("CWE-319", "CWE-311", "PostgreSQL libpq 34.19 SSL Support",
                  "MySQL Connector/J 6.3.5 Security properties")
    kinds = ANY_TEXT
    model = "strings"
    tokens = ("sslmode", "SSLMODE", "sslMode", "SslMode", "ssl-mode", "ssl_mode", "SSL_MODE",
              "useSSL", "useSsl", "usessl", "requireSSL", "requireSsl", "ssl_disabled")
    options = {
        "weak_modes": Option(("disable", "allow", "prefer"),
                             "libpq-equivalent modes to report (MySQL DISABLED counts as disable, "
                             "PREFERRED as prefer)", choices=("disable", "allow", "prefer")),
        "ignore_loopback": Option(True, "do not report connections to localhost, 127.0.0.0/8, "
                                        "::1 or a Unix socket"),
    }

    bad = (
        Example("DATABASE_URL=postgresql://app:s3cret@db.internal:5432/orders?sslmode=disable\n",
                path=".env", expect=1),
        Example("spring.datasource.url=jdbc:mysql://mysql.example.com:3306/shop?useSSL=false\n",
                path="application.properties", expect=1),
    )
    good = (
        Example("DATABASE_URL=postgresql://app:s3cret@db.internal/orders?sslmode=verify-full\n",
                path=".env"),
        Example('DSN = "postgresql://app@localhost/orders?sslmode=disable"\n', path="settings.py"),
    )

    def check(self, spans: list[StringSpan], ctx: RuleContext) -> Iterator[Finding]:
        pending: tuple[str, int] | None = None  # a bare setting name waiting for its value
        for span in spans:
            value = _BARE_VALUE.fullmatch(span.text) if pending else None
            if value and span.line - pending[1] <= _PAIR_LINES:
                value = value.group("value")
                yield from self._report(ctx, span, value, _setting(pending[0], value), None)
                pending = None
                continue
            name = _BARE_NAME.fullmatch(span.text)
            name = name.group("name") if name else ""
            pending = (name, span.line) if _is_mode_name(name) else None
            if pending is None:
                yield from self._scan(ctx, span)

    def _scan(self, ctx: RuleContext, span: StringSpan) -> Iterator[Finding]:
        rest = span.text
        for url in _URL.finditer(span.text):
            rest = rest[:url.start()] + " " * len(url.group(0)) + rest[url.end():]
            database = _DB_SCHEME.match(url.group(0))
            if database:
                text = url.group(0).rstrip(".,;)")
                family = database.group("scheme").lower()
                family = "postgresql" if family.startswith("postgres") else family.removesuffix("x")
                parsed = _parse_url(text, family)
                if parsed:
                    yield from self._report(ctx, span, text, *parsed, family=family)
        settings = [(m.group("name"), m.group("value"), m.group(0))
                    for m in _SETTING.finditer(rest)]
        names = {name for name, _value, _text in settings}
        for name, value, text in settings:
            if name == "sslmode" and names & _LIBPQ_KEYWORDS:  # a libpq keyword DSN
                hosts = [v for n, v, _t in settings if n in ("host", "hostaddr")] or [""]
                yield from self._report(ctx, span, text, _weaknesses("postgresql", {name: value}),
                                        hosts, family="postgresql")
            elif _is_mode_name(name):
                yield from self._report(ctx, span, text, _setting(name, value), None)

    def _report(self, ctx: RuleContext, span: StringSpan, shown: str,
                weaknesses: Iterable[_Weakness], hosts: list[str] | None, family: str = ""
                ) -> Iterator[Finding]:
        """One finding for the worst weakness of one connection string or setting. ``hosts`` is
        None for a setting on its own, which applies to whatever connection uses it."""
        chosen = [w for w in weaknesses if w.mode in self.settings["weak_modes"]]
        if not chosen:
            return
        param, value, mode = min(chosen, key=lambda w: _WORST_FIRST.index(w.mode))
        if hosts is not None and self.settings["ignore_loopback"] and all(map(_is_loopback, hosts)):
            return
        family = family or ("postgresql" if param.upper() == "PGSSLMODE" else "database")
        where = ",".join(h or "(local socket)" for h in hosts or ())
        if hosts is None:
            subject, effect = f"{family} connections", ("turn TLS off", "leave TLS optional")
            confidence = None if param.lower() in _DRIVER_NAMES else Confidence.MEDIUM
        else:
            subject, effect = f"{family} connection to {where}", ("turns TLS off",
                                                                  "leaves TLS optional")
            confidence = None
        effect = effect[0] if mode == "disable" else f"{effect[1]} and unverified"
        if hosts is None:
            subject_zh = f"{family} 连接"
        else:
            subject_zh = f"到 {where} 的 {family} 连接"
        effect_zh = ("关闭了 TLS 传输加密" if mode == "disable"
                     else "使 TLS 传输加密成为可选项且不校验证书")
        found = ctx.lines[span.line - 1].find(shown) if span.line <= len(ctx.lines) else -1
        yield self.finding(
            ctx, line=span.line, column=found + 1 if found >= 0 else span.column,
            severity=_SEVERITY[mode], confidence=confidence,
            key=f"{family}:{where or '*'}:{param}={value}",
            message=f"{subject} {effect} ({param}={value})",
            message_zh=f"{subject_zh}{effect_zh}（{param}={value}）")


class _Weakness(NamedTuple):
    param: str  # as written
    value: str  # as written
    mode: str  # the libpq sslmode it amounts to: disable | allow | prefer


def _parse_url(url: str, family: str) -> tuple[tuple[_Weakness, ...], list[str]] | None:
    try:  # "jdbc:mysql:loadbalance:" is no scheme urlsplit accepts; the part after :// is a URL
        parts = urlsplit("db://" + url.split("://", 1)[1])
    except ValueError:  # a malformed IPv6 literal: not a connection string we can read
        return None
    params = dict(parse_qsl(parts.query.replace("&amp;", "&"), keep_blank_values=True))
    hosts = [_host(h) for h in parts.netloc.rpartition("@")[2].split(",")]
    if family == "postgresql" and params.get("host"):  # libpq URIs may name hosts in the query
        hosts = [unquote(h) for h in params["host"].split(",")]
    return _weaknesses(family, params), hosts


def _weaknesses(family: str, params: dict[str, str]) -> tuple[_Weakness, ...]:
    if family == "postgresql":  # libpq keywords are case-sensitive: "SSLMODE" fails to connect
        return tuple(_Weakness(n, v, _PG_MODES[v.lower()]) for n, v in params.items()
                     if n == "sslmode" and v.lower() in _PG_MODES)
    modern = any(n.lower() in _MODE_SUFFIXES for n in params)
    return tuple(_Weakness(n, v, _MYSQL_PARAMS[n.lower()][v.lower()]) for n, v in params.items()
                 if v.lower() in _MYSQL_PARAMS.get(n.lower(), {})
                 and not (modern and n.lower() in _MYSQL_LEGACY))


def _is_mode_name(name: str) -> bool:
    return name.lower().endswith(_MODE_SUFFIXES)


def _setting(name: str, value: str) -> tuple[_Weakness, ...]:
    mode = _PG_MODES.get(value.lower()) or _MYSQL_MODES.get(value.lower())
    return (_Weakness(name, value, mode),) if mode and _is_mode_name(name) else ()


def _host(netloc_part: str) -> str:
    if netloc_part.startswith("["):  # [IPv6]:port
        return netloc_part[:netloc_part.find("]") + 1]
    return unquote(netloc_part.rsplit(":", 1)[0] if netloc_part.count(":") == 1 else netloc_part)


def _is_loopback(host: str) -> bool:
    host = host.lower().strip("[]")
    return host in _LOOPBACK or host.startswith(("127.", "/", "@"))
