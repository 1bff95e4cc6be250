"""DP203-DP209: TLS and plaintext channels in Python code, driven through the real engine."""

from __future__ import annotations

import pytest

from .conftest import scan_snippet

TRANSPORT = ["DP201", "DP203", "DP204", "DP205", "DP206", "DP207", "DP208", "DP209"]


def found(source: str) -> list[tuple[int, str]]:
    outcome = scan_snippet(source, "transport_snippet.py", rules=TRANSPORT)
    assert not outcome.errors, outcome.errors
    return sorted((f.location.line, f.rule_id) for f in outcome.findings)


CASES = [
    # DP203 ssl-legacy-protocol
    ("import ssl\nssl.SSLContext(ssl.PROTOCOL_SSLv3)\n", [(2, "DP203")]),
    ("import ssl\nssl.SSLContext(protocol=ssl.PROTOCOL_TLSv1_1)\n", [(2, "DP203")]),
    ("from ssl import PROTOCOL_TLSv1 as OLD\nimport ssl\nssl.SSLContext(OLD)\n", [(3, "DP203")]),
    ("import ssl\nssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n", []),
    ("import ssl\nssl.SSLContext(ssl.PROTOCOL_TLSv1_2)\n", []),
    ("import ssl\nctx.minimum_version = ssl.TLSVersion.TLSv1\n", [(2, "DP203")]),
    ("import ssl\nctx.minimum_version = ssl.TLSVersion.TLSv1_2\n", []),
    ("import ssl\nctx.maximum_version = ssl.TLSVersion.TLSv1_3\n", []),
    ("import ssl\nOLD = [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1]\n", []),
    ("import ssl\nassert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2\n", []),
    ("from OpenSSL import SSL\nSSL.Context(SSL.TLSv1_METHOD)\n", [(2, "DP203")]),
    ("from OpenSSL import SSL\nctx.set_min_proto_version(SSL.TLS1_1_VERSION)\n", [(2, "DP203")]),
    # DP204 ssl-wrap-socket (cert_reqs=CERT_NONE is DP201's, reported once)
    ("import ssl\nssl.wrap_socket(sock)\n", [(2, "DP204")]),
    ("import ssl\nssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)\n", [(2, "DP201")]),
    ("import ssl\nssl.wrap_socket(sock, None, None, False, ssl.CERT_REQUIRED)\n", [(2, "DP204")]),
    ("import ssl\nctx = ssl.create_default_context()\nctx.wrap_socket(sock, server_hostname=h)\n",
     []),
    # DP205 ssl-weak-cipher-string
    ("import ssl\nctx = ssl.create_default_context()\n"
     "ctx.set_ciphers('ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL')\n", []),
    ("import ssl\nctx = ssl.create_default_context()\nctx.set_ciphers('HIGH:!aNULL:!MD5')\n",
     [(3, "DP205")]),  # keeps static-RSA suites: outside Mozilla intermediate (medium)
    ("import ssl\nctx = ssl.create_default_context()\nctx.set_ciphers('ALL')\n",
     [(3, "DP205")]),  # ALL brings anonymous and export suites
    ("import ssl\nC = 'AES128-SHA:ADH-AES256-SHA'\nssl.wrap_socket(s, ciphers=C)\n",
     [(3, "DP204"), (3, "DP205")]),
    ("import ssl\ndef f(ctx):\n    ctx.set_ciphers('RC4-MD5')\n", [(3, "DP205")]),
    ("def f(ctx):\n    ctx.set_ciphers('RC4-MD5')\n", []),  # no ssl import: not a TLS context
    # DP206 plaintext-protocol-client
    ("import smtplib\nsmtplib.SMTP('mx.example.com')\n", [(2, "DP206")]),
    ("import smtplib\nsmtplib.SMTP('127.0.0.1', 1025)\n", []),
    ("import smtplib\ns = smtplib.SMTP('mx.example.com')\ns.starttls()\n", []),
    ("import smtplib\ndef a():\n    s = smtplib.SMTP('mx.example.com')\n"
     "def b(s):\n    s.starttls()\n", [(3, "DP206")]),
    ("import smtplib\ndef connect(host):\n    return smtplib.SMTP(host)\n"
     "def send():\n    s = connect('mx')\n    s.starttls()\n", []),
    ("from ftplib import FTP\nftp = FTP()\nftp.connect('localhost', 2121)\n", []),
    ("from ftplib import FTP_TLS\nFTP_TLS('ftp.example.com')\n", []),
    ("import telnetlib\ntelnetlib.Telnet('switch-01.example.com')\n", [(2, "DP206")]),
    # DP207 plaintext-http-url
    ("import requests\nrequests.get('http://example.com/a')\n", [(2, "DP207")]),
    ("import requests\nrequests.request('POST', 'http://example.com/a', data=b)\n",
     [(2, "DP207")]),
    ("import requests\ns = requests.Session()\ns.put('http://10.1.2.3:8000/x', json=j)\n",
     [(3, "DP207")]),
    ("import requests\nrequests.get('https://example.com/a')\n", []),
    ("import requests\nrequests.get('http://[::1]:8000/a')\n", []),
    ("import requests\nrequests.get('http://localhost/a')\n", []),
    ("import requests\nrequests.get('HTTP://Example.com')\n", [(2, "DP207")]),
    ("import requests\nrequests.get('http://api.' + region + '.example.com/')\n", []),
    ("import requests\nrequests.get('http://{}/x'.format(host))\n", []),
    ("import requests\nrequests.get('http://api.example.com/{}'.format(path))\n", [(2, "DP207")]),
    ("import urllib.request\nurllib.request.Request('http://example.com', data=body)\n",
     [(2, "DP207")]),
    # DP208 db-client-tls-disabled
    ("import psycopg2\npsycopg2.connect(host='pg.example.com', sslmode='allow')\n",
     [(2, "DP208")]),
    ("import psycopg2\npsycopg2.connect('host=pg.example.com', sslmode='require')\n", []),
    ("import psycopg2\npsycopg2.connect(host='/var/run/postgresql', sslmode='disable')\n", []),
    ("import asyncpg\nasyncpg.connect(host='pg.example.com', ssl='prefer')\n", [(2, "DP208")]),
    ("import MySQLdb\nMySQLdb.connect(host='my.example.com', ssl_mode='disabled')\n",
     [(2, "DP208")]),
    ("import pymongo\npymongo.MongoClient('mongodb://localhost:27017/?tls=false')\n", []),
    ("import pymongo\npymongo.MongoClient('mongodb://m.example.com/?tls=true')\n", []),
    # DP209 redis-client-plaintext
    ("import redis\nredis.StrictRedis('cache.example.com', 6379)\n", [(2, "DP209")]),
    ("import redis\nredis.Redis(host='cache.example.com', ssl=False)\n", [(2, "DP209")]),
    ("import redis\nredis.Redis(host='cache.example.com', ssl=settings.REDIS_TLS)\n", []),
    ("import redis\nredis.Redis(host=os.environ['REDIS_HOST'])\n", []),
    ("import redis\nredis.from_url('unix:///run/redis.sock')\n", []),
    ("from redis.asyncio import Redis\nRedis.from_url('redis://cache.example.com')\n",
     [(2, "DP209")]),
]


@pytest.mark.parametrize("source, expected", CASES)
def test_transport_code_rules(source, expected):
    assert found(source) == expected


@pytest.mark.parametrize("source, rule, severity, confidence", [
    ("import smtplib\nsmtplib.SMTP(host)\n", "DP206", "low", "medium"),
    ("import smtplib\ns = smtplib.SMTP(host)\ns.login(u, p)\n", "DP206", "medium", "medium"),
    ("import smtplib\nsmtplib.SMTP('mx.example.com')\n", "DP206", "medium", "high"),
    ("import requests\nrequests.get('http://example.com')\n", "DP207", "low", "high"),
    ("import requests\nrequests.get('http://example.com', auth=a)\n", "DP207", "medium", "high"),
    ("import ssl\nssl.wrap_socket(s, server_side=True)\n", "DP204", "low", "high"),
    ("import ssl\nssl.SSLContext(ssl.PROTOCOL_SSLv2)\n", "DP203", "high", "high"),
    ("import ssl\nctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED\n", "DP203", "medium",
     "medium"),
    ("import redis\nredis.Redis('c.example.com')\n", "DP209", "low", "high"),
    ("import psycopg\npsycopg.connect(host='pg.example.com', sslmode='disable')\n", "DP208",
     "high", "high"),
])
def test_severity_and_confidence_follow_the_evidence(source, rule, severity, confidence):
    [finding] = scan_snippet(source, "t.py", rules=[rule]).findings
    assert (finding.severity.value, finding.confidence.value) == (severity, confidence)


def test_messages_name_the_policy_and_the_fix():
    source = ("import ssl, smtplib, requests\n"
              "ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n"
              "smtplib.SMTP('mx.example.com')\n"
              "requests.post('http://crm.example.com', json=rec)\n")
    for finding in scan_snippet(source, "m.py", rules=TRANSPORT).findings:
        assert "Policy:" in finding.message and "Fix:" in finding.message, finding.message
        assert "CWE-" in finding.message


def test_redis_url_password_is_masked_in_evidence():
    source = "import redis\nr = redis.from_url('redis://:Hunter2Pass@cache.example.com:6379')\n"
    [finding] = scan_snippet(source, "c.py", rules=["DP209"]).findings
    assert "Hunter2Pass" not in finding.evidence + finding.message
    assert finding.severity.value == "medium"


def test_protocol_translation_tables_are_not_selections():
    source = ("import ssl\nfrom OpenSSL import SSL\n"
              "VERSIONS = {ssl.PROTOCOL_TLSv1: SSL.TLSv1_METHOD}\n"
              "VERSIONS[ssl.PROTOCOL_SSLv3] = SSL.SSLv3_METHOD\n"
              "ctx = SSL.Context(VERSIONS[requested])\n"
              "LEGACY = {'old-terminals': ssl.PROTOCOL_TLSv1}\n")
    assert found(source) == [(6, "DP203")]


def test_wrap_socket_with_kwargs_is_low_confidence():
    source = "import ssl\nssl.wrap_socket(sock, ciphers=c, **kwargs)\n"
    [finding] = scan_snippet(source, "w.py", rules=["DP204"]).findings
    assert (finding.severity.value, finding.confidence.value) == ("medium", "low")


def test_starttls_on_another_connection_does_not_clear():
    source = ("import smtplib\ndef f():\n"
              "    with smtplib.SMTP('a.example.com') as s:\n        s.login(u, p)\n"
              "    with smtplib.SMTP('b.example.com') as t:\n        t.starttls()\n")
    assert found(source) == [(3, "DP206")]


def test_cipher_profile_is_an_option():
    from scanner.engine import check_text
    from scanner.registry import default_registry

    source = "import ssl\nctx = ssl.create_default_context()\nctx.set_ciphers('ECDHE+3DES')\n"
    for profile, expected in (("intermediate", 1), ("old", 0)):
        rule = default_registry().get("DP205")({"tls_profile": profile})
        outcome = check_text(source, path="c.py", kind="python", rules=[rule])
        assert len(outcome.findings) == expected
