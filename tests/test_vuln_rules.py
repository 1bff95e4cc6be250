"""Vulnerability rules of clause 3.3.4: SQL injection, debug modes, unsafe deserialisation."""

from __future__ import annotations

import pytest

from scanner.finding import Confidence, Severity

from .conftest import scan_snippet


def _hits(source: str, rule: str, path: str = "snippet.py"):
    outcome = scan_snippet(source, path, rules=[rule])
    assert not outcome.errors, outcome.errors
    return [f for f in outcome.findings if f.rule_id == rule]


# -- DP701 sql-injection ---------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    'cur.execute(f"SELECT * FROM t WHERE a = {x}")',
    'cur.execute("SELECT * FROM t WHERE a = \'%s\'" % x)',
    'cur.execute("SELECT * FROM t WHERE a = {}".format(x))',
    'cur.executemany("INSERT INTO t VALUES (" + x + ")", rows)',
    'q = f"DELETE FROM t WHERE a = {x}"\n    cur.execute(q)',
    'q = "SELECT * FROM t"\n    q += " WHERE a = " + x\n    cur.execute(q)',
    'w = f"WHERE a = {x}"\n    cur.execute(f"SELECT * FROM t {w}")',
    'cur.execute(sql=f"UPDATE t SET a = 1 WHERE b = {x}")',
])
def test_sql_built_from_values_is_reported(body):
    hits = _hits(f"import psycopg2\n\ndef f(cur, x, rows):\n    {body}\n", "DP701")
    assert len(hits) == 1 and hits[0].confidence is Confidence.HIGH
    assert hits[0].severity is Severity.HIGH


@pytest.mark.parametrize("body", [
    'cur.execute("SELECT * FROM t WHERE a = %s", (x,))',
    'cur.execute("SELECT * FROM t WHERE a = %s" % ("1",))',
    'cur.execute(f"SELECT * FROM {TABLE} WHERE a = %s", [x])',
    'm = ",".join("?" for _ in x)\n    cur.execute(f"SELECT * FROM t WHERE a IN ({m})", x)',
    'cur.execute(x)',
    'pool.execute(f"resize {x}")',
    'cur.execute(TABLE + " WHERE a = 1")',
])
def test_parameterised_or_constant_sql_is_not_reported(body):
    source = f"import psycopg2\nTABLE = 'SELECT * FROM t'\n\ndef f(cur, pool, x):\n    {body}\n"
    assert _hits(source, "DP701") == []


def test_unresolved_execute_without_driver_import_is_medium():
    hits = _hits('def f(cur, x):\n    cur.execute(f"SELECT * FROM t WHERE a = {x}")\n', "DP701")
    assert [h.confidence for h in hits] == [Confidence.MEDIUM]


def test_django_and_sqlalchemy_sinks():
    source = (
        "from django.db.models.expressions import RawSQL\nfrom sqlalchemy import text\n\n"
        "def f(x):\n"
        "    Order.objects.raw('SELECT * FROM o WHERE n = ' + x)\n"
        "    Order.objects.extra(where=['n = %s' % x])\n"
        "    RawSQL(f'n || {x}', ())\n"
        "    text(f'SELECT * FROM o WHERE id = {x}')\n"
        "    text('SELECT * FROM o WHERE id = :id').bindparams(id=x)\n"
        "    Order.objects.raw('SELECT * FROM o WHERE n = %s', [x])\n"
    )
    assert [h.location.line for h in _hits(source, "DP701")] == [5, 6, 7, 8]


# -- DP702 debug-mode-enabled ----------------------------------------------------------------
@pytest.mark.parametrize("path, expected", [
    ("site/settings.py", 1), ("site/settings/production.py", 1), ("site/settings/prod.py", 1),
    ("site/settings/dev.py", 0), ("site/settings/local.py", 0), ("site/local_settings.py", 0),
    ("site/settings/test_ci.py", 0), ("site/settings_development.py", 0),
])
def test_django_debug_judged_by_settings_file_name(path, expected):
    assert len(_hits("DEBUG = True\nINSTALLED_APPS = []\n", "DP702", path)) == expected


def test_django_debug_from_environment_is_not_reported():
    source = "import os\nDEBUG = os.environ.get('DEBUG') == '1'\n"
    assert _hits(source, "DP702", "site/settings.py") == []


def test_flask_and_werkzeug_switches():
    source = (
        "from flask import Flask\nfrom werkzeug.serving import run_simple\n"
        "app = Flask(__name__)\napp.debug = True\napp.config['DEBUG'] = True\n"
        "app.config.update(DEBUG=True)\nrun_simple('0.0.0.0', 80, app, use_debugger=True)\n"
        "app.run(debug=True)\napp.run(debug=False)\napp.config['DEBUG'] = False\n"
    )
    assert [h.location.line for h in _hits(source, "DP702")] == [4, 5, 6, 7, 8]


def test_run_debug_needs_a_web_app():
    assert _hits("def f(pipeline):\n    pipeline.run(debug=True)\n", "DP702") == []
    hits = _hits("from portal import app\napp.run(debug=True)\n", "DP702")
    assert [h.confidence for h in hits] == [Confidence.MEDIUM]


# -- DP703 unsafe-deserialization ------------------------------------------------------------
def test_request_data_is_high_and_local_files_medium():
    source = (
        "import pickle, yaml\nfrom flask import request\n\n"
        "def up():\n    data = request.get_data()\n    return pickle.loads(data)\n\n"
        "def local(path):\n    return yaml.load(open(path), Loader=yaml.FullLoader)\n"
    )
    hits = _hits(source, "DP703")
    assert [(h.location.line, h.severity) for h in hits] == [(6, Severity.HIGH),
                                                              (9, Severity.MEDIUM)]


@pytest.mark.parametrize("call, expected", [
    ("yaml.load(s)", 1), ("yaml.unsafe_load(s)", 1), ("yaml.load(s, Loader=yaml.CLoader)", 1),
    ("yaml.load(s, Loader=yaml.CSafeLoader)", 0), ("yaml.safe_load(s)", 0),
    ("marshal.loads(s)", 1), ("jsonpickle.decode(s)", 1), ("json.loads(s)", 0),
    ("yaml.load(s, Loader=MyLoader)", 0),
])
def test_loaders(call, expected):
    source = f"import json, marshal, yaml, jsonpickle\n\ndef f(s):\n    return {call}\n"
    assert len(_hits(source, "DP703")) == expected


# -- DP704 spring-error-details-exposed ------------------------------------------------------
def test_spring_error_properties():
    source = ("server.error.include-stacktrace=ALWAYS\nserver.error.include-stacktrace=on-param\n"
              "server.error.include-exception=true\nserver.error.include-message=never\n")
    hits = _hits(source, "DP704", "application-prod.properties")
    assert [(h.location.line, h.severity) for h in hits] == [
        (1, Severity.MEDIUM), (2, Severity.LOW), (3, Severity.LOW)]


def test_spring_yaml_relaxed_keys():
    source = "server:\n  error:\n    includeStacktrace: always\n"
    assert len(_hits(source, "DP704", "application.yml")) == 1
