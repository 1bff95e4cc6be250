"""Backup and disaster-recovery rules (DP601-DP609, clause 3.3.6) on small inputs."""

from __future__ import annotations

import pytest

from scanner.engine import check_text
from scanner.kinds import classify
from scanner.registry import default_registry

from .conftest import scan_snippet


def hits(source: str, path: str, rule: str, **options):
    """(line, severity, confidence) of ``rule``'s findings, with rule options if given."""
    if options:
        chosen = [default_registry().get(rule)(options)]
        outcome = check_text(source, path=path, kind=classify(path, source), rules=chosen,
                             inline_ignores=True)
    else:
        outcome = scan_snippet(source, path, rules=[rule])
    assert not outcome.errors, outcome.errors
    return [(f.location.line, f.severity.value, f.confidence.value)
            for f in outcome.findings if f.rule_id == rule]


def test_backup_rules_map_to_clause_3_3_6():
    rules = [r for r in default_registry().all() if r.id.startswith("DP6")]
    assert len(rules) >= 9
    assert all(r.clauses == ("3.3.6",) for r in rules)
    assert all(r.__module__.startswith("detectors.backup.") for r in rules)


# -- PostgreSQL -------------------------------------------------------------------------------
PG = "postgresql.conf"


@pytest.mark.parametrize("source, expected", [
    ("wal_level = replica\narchive_mode = off\n", [(2, "medium", "medium")]),
    ("archive_mode = 'of'\n", [(1, "medium", "medium")]),  # an unambiguous prefix of off
    ("wal_level = replica\narchive_mode = on\narchive_command = 'x %p'\n", []),
    ("archive_mode = always\narchive_command = 'x %p'\n", []),
    ("port = 5432\narchive_command = 'cp %p /a/%f'\n", [(2, "medium", "medium")]),
    ("port = 5432\nmax_wal_senders = 5\nwal_level = replica\n", [(2, "medium", "low")]),
    ("max_wal_senders = 5\ninclude_dir = 'conf.d'\n", []),  # an include may set it
    ("wal_level = replica\narchive_mode = off\nprimary_conninfo = 'host=a'\n", []),  # standby
    ("shared_buffers = 1GB\nport = 5432\n", []),
    ("archive_mode = off\narchive_mode = on\n", []),  # the last one wins
])
def test_pg_archive_mode_off(source, expected):
    assert hits(source, PG, "DP601") == expected


@pytest.mark.parametrize("source, expected", [
    ("wal_level = minimal\n", [(1, "medium", "high")]),
    ("wal_level = 'MINIMAL'\n", [(1, "medium", "high")]),
    ("wal_level = minimal\nwal_level = logical\n", []),
    ("wal_level = replica\n", []),
    ("port = 5432\n", []),
])
def test_pg_wal_level_minimal(source, expected):
    assert hits(source, PG, "DP602") == expected


# -- MySQL / MariaDB --------------------------------------------------------------------------
@pytest.mark.parametrize("source, expected", [
    ("[mysqld]\nskip-log-bin\n", [(2, "medium", "medium")]),
    ("[mysqld]\ndisable_log_bin\n", [(2, "medium", "medium")]),
    ("[server]\nloose-skip-log-bin\n", [(2, "medium", "medium")]),
    ("[mysqld]\nlog-bin = 0\n", [(2, "medium", "low")]),
    ("[mariadb]\nlog_bin=OFF\n", [(2, "medium", "low")]),
    ("[mysqld]\nlog_bin = mysql-bin\n", []),
    ("[mysqld]\nlog-bin\n", []),
    ("[mysqld]\nskip-log-bin\n[mysqld-8.0]\nlog_bin = binlog\n", []),  # later wins
    ("[client]\nskip-log-bin\n", []),
    ("[mysqld]\nport = 3306\n", []),  # MySQL 8 logs by default; MariaDB only with the option
])
def test_mysql_binlog_disabled(source, expected):
    assert hits(source, "my.cnf", "DP603") == expected


def test_mysql_binlog_required_by_option():
    source = "[client]\nport = 3306\n[mariadb]\nport = 3306\n"
    assert hits(source, "my.cnf", "DP603", require_binlog=True) == [(3, "medium", "low")]
    assert hits("[mariadb]\nlog_bin\n", "my.cnf", "DP603", require_binlog=True) == []
    assert hits("[client]\nport = 1\n", "my.cnf", "DP603", require_binlog=True) == []


# -- Terraform: RDS ---------------------------------------------------------------------------
TF = "main.tf"


def rds(body: str, kind: str = "aws_db_instance") -> str:
    return f'resource "{kind}" "db" {{\n  engine = "postgres"\n{body}}}\n'


@pytest.mark.parametrize("body, expected", [
    ("  backup_retention_period = 0\n", [(3, "high", "high")]),
    ('  backup_retention_period = "0"\n', [(3, "high", "high")]),
    ("  backup_retention_period = 6\n", [(3, "low", "high")]),
    ("  backup_retention_period = 7\n", []),
    ("  backup_retention_period = var.days\n", []),
    ("", [(1, "low", "low")]),  # AWS keeps 1 day when unset
    (("  replicate_source_db = aws_db_instance.main.identifier\n"
      "  backup_retention_period = 0\n"), []),
    ('  cluster_identifier = "aurora"\n  backup_retention_period = 0\n', []),
])
def test_rds_backup_retention(body, expected):
    assert hits(rds(body), TF, "DP604") == expected


def test_rds_backup_retention_on_clusters_and_with_options():
    assert hits(rds("  backup_retention_period = 0\n", "aws_rds_cluster"), TF, "DP604") == [
        (3, "high", "high")]
    source = rds("  backup_retention_period = 10\n")
    assert hits(source, TF, "DP604", min_backup_retention_days=14) == [(3, "low", "high")]
    assert hits(rds(""), TF, "DP604", min_backup_retention_days=1) == []


@pytest.mark.parametrize("body, expected", [
    ("  skip_final_snapshot = true\n", [(3, "medium", "high")]),
    ('  skip_final_snapshot = "true"\n', [(3, "medium", "high")]),
    ("  skip_final_snapshot = false\n", []),
    ("", []),  # the provider's default is false
])
def test_rds_skip_final_snapshot(body, expected):
    assert hits(rds(body), TF, "DP605") == expected


@pytest.mark.parametrize("body, expected", [
    ("  deletion_protection = false\n", [(3, "low", "high")]),
    ("", [(1, "low", "medium")]),
    ("  deletion_protection = true\n", []),
    ("  deletion_protection = var.protect\n", []),
])
def test_rds_deletion_protection(body, expected):
    assert hits(rds(body, "aws_rds_cluster"), TF, "DP606") == expected


def test_rds_copy_tags_to_snapshot():
    assert hits(rds("  copy_tags_to_snapshot = false\n"), TF, "DP607") == [(3, "low", "high")]
    assert hits(rds(""), TF, "DP607") == []
    assert hits(rds(""), TF, "DP607", require_copy_tags_to_snapshot=True) == [
        (1, "low", "medium")]
    assert hits(rds("  copy_tags_to_snapshot = true\n"), TF, "DP607",
                require_copy_tags_to_snapshot=True) == []


# -- Terraform: S3 and DynamoDB ---------------------------------------------------------------
BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "customer-exports"\n}\n'


def versioning(status: str, ref: str = "aws_s3_bucket.b.id") -> str:
    return (f'resource "aws_s3_bucket_versioning" "v" {{\n  bucket = {ref}\n'
            f'  versioning_configuration {{\n    status = "{status}"\n  }}\n}}\n')


@pytest.mark.parametrize("source, expected", [
    (BUCKET, [(1, "medium", "medium")]),
    (BUCKET + versioning("Enabled"), []),
    (BUCKET + versioning("Enabled", '"customer-exports"'), []),  # by literal bucket name
    (BUCKET + versioning("Suspended"), [(1, "medium", "high")]),
    (BUCKET + versioning("Enabled", "aws_s3_bucket.other.id"), [(1, "medium", "medium")]),
    ('resource "aws_s3_bucket" "b" {\n  versioning {\n    enabled = false\n  }\n}\n',
     [(1, "medium", "medium")]),
    ('resource "aws_s3_bucket" "b" {\n  versioning {\n    enabled = true\n  }\n}\n', []),
])
def test_s3_versioning_disabled(source, expected):
    assert hits(source, TF, "DP608") == expected


TABLE = ('resource "aws_dynamodb_table" "t" {\n  name = "customers"\n  hash_key = "id"\n'
         '  attribute {\n    name = "id"\n    type = "S"\n  }\n')


@pytest.mark.parametrize("source, expected", [
    (TABLE + "}\n", [(1, "medium", "medium")]),
    (TABLE + "  point_in_time_recovery {\n    enabled = false\n  }\n}\n",
     [(8, "medium", "high")]),
    (TABLE + "  point_in_time_recovery {\n    enabled = true\n  }\n}\n", []),
])
def test_dynamodb_pitr_disabled(source, expected):
    assert hits(source, TF, "DP609") == expected


def test_messages_name_the_clause_and_mask_nothing_sensitive():
    outcome = scan_snippet(rds("  backup_retention_period = 0\n"), TF, rules=["DP604"])
    (finding,) = outcome.findings
    assert "3.3.6" in finding.message and finding.clauses == ("3.3.6",)
    assert finding.location.object == "aws_db_instance.db"
