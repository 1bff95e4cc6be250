"""Defence-in-depth rules (clause 3.3.1): database audit, firewall exposure, WAF coverage."""

from __future__ import annotations

import pytest

from .conftest import scan_snippet


def _hits(source: str, path: str, rule: str):
    outcome = scan_snippet(source, path, rules=[rule])
    assert not outcome.errors, outcome.errors
    return [f for f in outcome.findings if f.rule_id == rule]


# -- DP501 pg-audit-logging-missing ------------------------------------------------------------

def test_pg_audit_defaults_anchor_at_listen_addresses():
    hits = _hits("# server\ndata_directory = '/d'\nlisten_addresses = '10.0.0.5'\n",
                 "postgresql.conf", "DP501")
    assert [(f.location.line, f.location.object) for f in hits] == [(3, "postgresql.conf")]
    assert "defaults" in hits[0].message and hits[0].clauses[0] == "3.3.1"


def test_pg_audit_anchors_at_log_statement_none():
    hits = _hits("port = 5432\nlog_connections = off\nlog_statement = none\n",
                 "postgresql.conf", "DP501")
    assert [f.location.line for f in hits] == [3]


def test_pgaudit_preloaded_without_pgaudit_log_still_reported():
    hits = _hits("port = 5432\nshared_preload_libraries = 'pgaudit'\n", "postgresql.conf", "DP501")
    assert [f.location.line for f in hits] == [2]
    assert "pgaudit.log is none" in hits[0].message


@pytest.mark.parametrize("setting", ["log_connections = on", "log_disconnections = yes",
                                     "log_statement = 'mod'", ("pgaudit.role = 'auditor'\n"
                                     "shared_preload_libraries = 'pgaudit'")])
def test_pg_any_audit_setting_is_enough(setting):
    assert _hits(f"port = 5432\n{setting}\n", "postgresql.conf", "DP501") == []


def test_pg_fragment_without_server_settings_is_not_judged():
    assert _hits("work_mem = 64MB\nlog_statement = none\n", "postgresql.conf", "DP501") == []


def test_pg_include_lowers_confidence():
    hits = _hits("port = 5432\ninclude_dir = 'conf.d'\n", "postgresql.conf", "DP501")
    assert hits and hits[0].confidence.value == "low"


# -- DP502 mysql-audit-logging-missing -----------------------------------------------------------

def test_mysql_no_audit_anchors_at_first_server_group():
    hits = _hits("[client]\nhost = x\n[server]\n[mysqld]\nport = 3306\n", "my.cnf", "DP502")
    assert [f.location.line for f in hits] == [4]


@pytest.mark.parametrize("options", [
    "plugin_load_add = server_audit=server_audit.so", "loose-plugin-load = audit_log.so",
    "general-log", "general_log = ON", "audit_log_policy = ALL", "server-audit-logging = 1"])
def test_mysql_audit_options_are_enough(options):
    assert _hits(f"[mysqld]\nport = 3306\n{options}\n", "my.cnf", "DP502") == []


def test_mysql_audit_logging_off_is_the_anchor():
    hits = _hits("[mariadb]\nplugin-load-add = server_audit.so\nserver_audit_logging = OFF\n",
                 "my.cnf", "DP502")
    assert [f.location.line for f in hits] == [3]  # loaded, but told to log nothing
    hits = _hits("[mysqld]\nport = 3306\nskip-general-log\n", "my.cnf", "DP502")
    assert [f.location.line for f in hits] == [3]


def test_mysql_client_only_file_is_not_judged():
    assert _hits("[client]\nhost = db\n[mysqldump]\nquick\n", "my.cnf", "DP502") == []


# -- DP503 / DP504 RDS ---------------------------------------------------------------------------

def test_rds_exports_missing_and_empty():
    src = ('resource "aws_db_instance" "a" {\n  engine = "mysql"\n}\n'
           'resource "aws_rds_cluster" "b" {\n  engine = "aurora-postgresql"\n'
           '  enabled_cloudwatch_logs_exports = []\n}\n'
           'resource "aws_rds_cluster" "c" {\n  enabled_cloudwatch_logs_exports = var.logs\n}\n')
    hits = _hits(src, "main.tf", "DP503")
    assert [(f.location.line, f.location.object) for f in hits] == [
        (1, "aws_db_instance.a"), (6, "aws_rds_cluster.b")]
    assert '"audit"' in hits[0].message and '"postgresql"' in hits[1].message


def test_parameter_groups_by_family():
    src = ('resource "aws_rds_cluster_parameter_group" "m" {\n  family = "aurora-mysql8.0"\n}\n'
           'resource "aws_db_parameter_group" "ok" {\n  family = "postgres16"\n'
           '  parameter {\n    name = "log_statement"\n    value = "ddl"\n  }\n}\n'
           'resource "aws_db_parameter_group" "my" {\n  family = "mysql8.0"\n}\n'
           'resource "aws_db_option_group" "audit" {\n  engine_name = "mysql"\n'
           '  option {\n    option_name = "MARIADB_AUDIT_PLUGIN"\n  }\n}\n')
    hits = _hits(src, "main.tf", "DP504")
    assert [f.location.object for f in hits] == ["aws_rds_cluster_parameter_group.m"]


# -- DP505 firewall-open-to-world --------------------------------------------------------------

def _sg(from_port, to_port, protocol="tcp", cidr='"0.0.0.0/0"'):
    return (f'resource "aws_security_group" "s" {{\n  ingress {{\n    from_port = {from_port}\n'
            f'    to_port = {to_port}\n    protocol = "{protocol}"\n    cidr_blocks = [{cidr}]\n'
            '  }\n}\n')


@pytest.mark.parametrize("args, severity", [
    ((3306, 3306), "high"), ((1000, 2000), "high"), ((0, 0, "-1"), "high"),
    ((22, 22), "medium"), ((3389, 3389), "medium")])
def test_sg_world_open_ports(args, severity):
    hits = _hits(_sg(*args), "main.tf", "DP505")
    assert [(f.location.line, f.severity.value) for f in hits] == [(2, severity)]


@pytest.mark.parametrize("args", [(443, 443), (5432, 5432, "tcp", '"10.0.0.0/8"'),
                                  (5432, 5432, "udp"), ("var.port", "var.port")])
def test_sg_not_reported(args):
    assert _hits(_sg(*args), "main.tf", "DP505") == []


def test_security_group_rule_egress_ignored_and_ipv6_reported():
    src = ('resource "aws_security_group_rule" "out" {\n  type = "egress"\n  from_port = 0\n'
           '  to_port = 0\n  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n'
           'resource "aws_security_group_rule" "in" {\n  type = "ingress"\n  from_port = 6379\n'
           '  to_port = 6379\n  protocol = "tcp"\n  ipv6_cidr_blocks = ["::/0"]\n}\n')
    hits = _hits(src, "main.tf", "DP505")
    assert [f.location.line for f in hits] == [13]
    assert "6379 (Redis)" in hits[0].message


def test_gcp_firewall():
    src = ('resource "google_compute_firewall" "f" {\n  source_ranges = ["0.0.0.0/0"]\n'
           '  allow {\n    protocol = "tcp"\n    ports = ["80", "9000-9300"]\n  }\n}\n'
           'resource "google_compute_firewall" "g" {\n  source_ranges = ["0.0.0.0/0"]\n'
           '  allow {\n    protocol = "tcp"\n    ports = ["443"]\n  }\n}\n')
    hits = _hits(src, "main.tf", "DP505")
    assert [f.location.line for f in hits] == [2]
    assert "9200" in hits[0].message


# -- DP506 db-listens-all-interfaces -------------------------------------------------------------

def test_listen_all_is_info_and_names_the_deciding_file():
    pg = _hits("listen_addresses = 'localhost,*'\n", "postgresql.conf", "DP506")
    assert [f.severity.value for f in pg] == ["info"] and "pg_hba.conf" in pg[0].message
    my = _hits("[mysqld]\nbind-address = 0.0.0.0\nbind-address = ::\n", "my.cnf", "DP506")
    assert [f.location.line for f in my] == [3]
    assert _hits("[mysqld]\nport = 3306\n", "my.cnf", "DP506") == []


# -- DP507 public-endpoint-without-waf -----------------------------------------------------------

def test_waf_association_found_by_reference():
    src = ('resource "aws_api_gateway_stage" "prod" {\n  stage_name = "prod"\n}\n'
           'resource "aws_wafregional_web_acl_association" "a" {\n'
           '  resource_arn = aws_api_gateway_stage.prod.arn\n}\n'
           'resource "aws_api_gateway_stage" "dev" {\n  stage_name = "dev"\n}\n'
           'resource "aws_cloudfront_distribution" "cdn" {\n  enabled = true\n}\n'
           'resource "aws_cloudfront_distribution" "ok" {\n'
           '  web_acl_id = aws_wafv2_web_acl.edge.arn\n}\n'
           'resource "aws_alb" "old" {\n  internal = "true"\n}\n')
    hits = _hits(src, "main.tf", "DP507")
    assert [f.location.object for f in hits] == [
        "aws_api_gateway_stage.dev", "aws_cloudfront_distribution.cdn"]
    assert all(f.confidence.value == "medium" for f in hits)
