"""DP424: pg_hba.conf lets every user, superusers included, reach every database remotely."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._hba import REFERENCES, admitting, describe, is_remote
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.rule import ConfigRule, Example, Option, RuleContext


class PgHbaRemoteSuperuser(ConfigRule):
    """pg_hba.conf admits all users (or postgres) to all databases from the network.

    A record with ``all`` databases and ``all`` users (or the ``postgres`` superuser) for a
    non-local address lets superusers log in remotely and lets every role try every database,
    so one leaked password reaches all customer data. Clause 3.3.5 asks for least privilege:
    records should name the database and role an application needs, and superusers should
    administer through local ``peer`` records. Loopback addresses and Unix sockets are not
    reported; ``reject`` records are not either.
    """

    id = "DP424"
    name = "pg-hba-remote-superuser"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "Name the database and role per record (hostssl orders app 10.0.0.0/16 scram-sha-256); "
        "let superusers in only through local ... peer, or add "
        "host all postgres 0.0.0.0/0 reject before broader records."
    )
    references = ("CWE-250", *REFERENCES)
    kinds = frozenset({"pg-hba"})
    options = {
        "superusers": Option(("postgres",), "role names treated as superusers"),
    }

    bad = (
        Example("hostssl all all 10.0.0.0/8 scram-sha-256\n", path="pg_hba.conf", expect=1),
        Example("hostssl all postgres 192.168.1.0/24 scram-sha-256\n", path="pg_hba.conf",
                expect=1),
    )
    good = (
        Example("local all postgres peer\nhostssl orders app 10.0.0.0/16 scram-sha-256\n"
                "host all all 127.0.0.1/32 scram-sha-256\n", path="pg_hba.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        superusers = {name.lower() for name in self.settings["superusers"]}
        for record in admitting(doc):
            if not is_remote(record) or not any(t.is_keyword("all") for t in record.databases):
                continue
            everyone = any(t.is_keyword("all") for t in record.users)
            supers = sorted({t.text for t in record.users if t.text.lower() in superusers})
            if not (everyone or supers):
                continue
            who = "every user, superusers included," if everyone else f"superuser {supers[0]}"
            who_zh = "所有用户（包括超级用户）" if everyone else f"超级用户 {supers[0]} "
            yield self.directive_finding(
                ctx, record,
                message=(f"{describe(record)} lets {who} connect to every database from "
                         f"{record.args[2]}; name the database and role, and administer locally"),
                message_zh=(f"{describe(record)} 允许{who_zh}从 {record.args[2]} 连接到所有数据库；"
                            f"请指定数据库和角色，并在本地进行管理"),
            )
