"""pg_hba.conf authentication rules (DP420-DP424) and password_encryption (DP425)."""

from __future__ import annotations

import pytest

from .conftest import scan_snippet

HBA_RULES = ["DP420", "DP421", "DP422", "DP423", "DP424"]


def _hba(line: str, rules=HBA_RULES) -> list[tuple[str, str]]:
    outcome = scan_snippet(line + "\n", "pg_hba.conf", rules=rules)
    assert not outcome.errors, outcome.errors
    return sorted((f.rule_id, f.severity.value) for f in outcome.findings)


@pytest.mark.parametrize("line, expected", [
    ("local all postgres peer", []),
    ("local all all trust", []),
    ("hostssl orders app 10.0.0.0/16 scram-sha-256", []),
    ("host all all 127.0.0.1/32 trust", [("DP420", "high")]),
    ("hostssl orders app 10.0.0.0/16 trust", [("DP420", "high")]),
    ("host orders app 10.0.0.0/16 password", [("DP421", "high")]),
    ("hostssl orders app 10.0.0.0/16 password", [("DP421", "medium")]),
    ("local orders app password", [("DP421", "medium")]),
    ("hostssl orders app 10.0.0.0/16 md5", [("DP422", "medium")]),
    ("hostssl orders app 0.0.0.0/0 scram-sha-256", [("DP423", "medium")]),
    ("hostssl orders app 0.0.0.0 0.0.0.0 scram-sha-256", [("DP423", "medium")]),
    ("hostssl orders app ::/0 scram-sha-256", [("DP423", "medium")]),
    ("hostssl orders app all scram-sha-256", [("DP423", "medium")]),
    ("hostssl all all 10.0.0.0/8 scram-sha-256", [("DP424", "medium")]),
    ("hostssl all postgres 10.0.0.0/8 scram-sha-256", [("DP424", "medium")]),
    ('hostssl "all" app 10.0.0.0/8 scram-sha-256', []),  # a database named all
    ("host all all ::1/128 scram-sha-256", []),
    ("host all all samehost scram-sha-256", []),
    ("hostnossl all all 0.0.0.0/0 reject", []),
    ("host all all 0.0.0.0/0 trust",
     [("DP420", "high"), ("DP423", "medium"), ("DP424", "medium")]),
])
def test_pg_hba_table(line, expected):
    assert _hba(line) == expected


def test_md5_not_reported_for_old_servers():
    from scanner.engine import check_text
    from scanner.registry import default_registry

    rule = default_registry().get("DP422")({"server_version": 9})
    outcome = check_text("host orders app 10.0.0.0/8 md5\n", path="pg_hba.conf",
                         kind="pg-hba", rules=[rule])
    assert outcome.findings == []


def test_findings_sit_on_the_record_line():
    outcome = scan_snippet("# c\n\nhost orders \\\n  app 10.0.0.0/8 password\n", "pg_hba.conf",
                           rules=["DP421"])
    assert [f.location.line for f in outcome.findings] == [3]


@pytest.mark.parametrize("text, expected", [
    ("password_encryption = md5\n", 1),
    ("password_encryption = 'md5'\n", 1),
    ("password_encryption = on\n", 1),
    ("password_encryption = scram-sha-256\n", 0),
    ("password_encryption = md5\npassword_encryption = 'scram-sha-256'\n", 0),  # last wins
    ("#password_encryption = md5\n", 0),
    ("ssl = on\n", 0),
])
def test_password_encryption_table(text, expected):
    outcome = scan_snippet(text, "postgresql.conf", rules=["DP425"])
    assert len(outcome.findings) == expected
