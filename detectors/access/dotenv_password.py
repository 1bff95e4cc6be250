"""DP433: a .env file holds a literal database, cache or queue password (clause 3.3.5)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext
from scanner.secrets import is_placeholder, length_class

if TYPE_CHECKING:
    from scanner.parsers.strings import StringSpan

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][\w.]*)\s*=\s*(?P<raw>.*)$")
_PASSWORD_NAME = re.compile(r"(?:PASSWORD|PASSWD|_PWD|_PASS)$|^MYSQL_PWD$", re.IGNORECASE)
_SECRET_NAME = re.compile(r"_SECRET$", re.IGNORECASE)
# Name parts that tie a variable to a data store (PGPASSWORD: the prefix counts too).
STORE_WORDS = frozenset({
    "DB", "DATABASE", "PG", "POSTGRES", "POSTGRESQL", "MYSQL", "MARIADB", "MONGO", "MONGODB",
    "REDIS", "RABBIT", "RABBITMQ", "AMQP", "MQ", "KAFKA", "SQL", "MSSQL", "ORACLE", "ELASTIC",
    "ELASTICSEARCH", "CASSANDRA", "CLICKHOUSE", "CACHE", "BROKER", "CELERY", "PGPASSWORD",
})


class DotenvPassword(Rule):
    """A .env file assigns a literal password or data-store secret.

    ``DB_PASSWORD=s3cret``, ``PGPASSWORD=...``, ``REDIS_PASSWORD=...``, any ``*_PASSWORD`` and
    ``*_SECRET`` of a database, cache or message queue in a .env file (``.env``, ``.env.staging``,
    ``prod.env``): such files get committed, copied into images and pasted into tickets, and the
    password opens customer data (clause 3.3.5). High for data-store names; medium for other
    ``*_PASSWORD`` variables; ``*_SECRET`` of anything else is left to secret scanners.
    References (``${VAULT_DB_PW}``, ``$OTHER``) and placeholders (``changeme``, empty) are not
    reported.
    """

    id = "DP433"
    name = "dotenv-password"
    clauses = ("3.3.5",)
    severity = Severity.HIGH  # MEDIUM when the name does not say it is a data store's
    confidence = Confidence.HIGH
    remediation = (
        "Keep .env files out of the repository (.gitignore), commit a .env.example with "
        "placeholders only, inject the values from a secret manager at deploy time, and rotate "
        "the exposed password."
    )
    references = ("CWE-798", "CWE-260")
    kinds = frozenset({"dotenv"})
    model = "strings"
    tokens = ("PASSWORD", "password", "PASSWD", "PWD", "PASS", "SECRET", "secret")

    bad = (
        Example("DB_PASSWORD=Orders-2024!\n", path=".env", expect=1),
        Example("export REDIS_SECRET='c4che-s3cret'\n", path=".env.staging", expect=1),
    )
    good = (
        Example("DB_PASSWORD=${VAULT_DB_PASSWORD}\nDB_PASSWORD=changeme\nDB_PASSWORD=\n",
                path=".env.example"),
        Example("DB_USER=orders_app\n", path=".env"),
    )

    def check(self, spans: list[StringSpan], ctx: RuleContext) -> Iterator[Finding]:
        for span in spans:
            match = _ASSIGNMENT.match(span.text)
            if match is None:
                continue
            name = match.group("name")
            store = bool(STORE_WORDS & set(re.split(r"[_.]", name.upper()))
                         or name.upper().startswith(("PG", "MYSQL", "REDIS", "MONGO")))
            if not (_PASSWORD_NAME.search(name) or (store and _SECRET_NAME.search(name))):
                continue
            value = _value(match.group("raw"))
            if is_placeholder(value):
                continue
            what = "data-store password" if store else "password"
            yield self.finding(
                ctx, line=span.line, column=match.start("name") + 1,
                severity=None if store else Severity.MEDIUM,
                key=f"dotenv:{name}".lower(), evidence=f"{name}=****",
                message=(f"{name} is a literal {what} ({length_class(value)}) in a .env file; "
                         f"inject it from a secret manager at deploy time"),
                message_zh=(f"{name} 在 .env 文件中是硬编码{'数据存储口令' if store else '口令'}"
                            f"（{length_class(value, 'zh')}）；请在部署时从密钥管理器注入"),
            )


def _value(raw: str) -> str:
    """The value as dotenv reads it: quoted up to the closing quote, else up to " #"."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else raw[1:]
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()
