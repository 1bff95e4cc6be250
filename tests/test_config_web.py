"""nginx, Apache httpd and HAProxy parsers, and the web-server TLS rules DP220-DP224."""

from __future__ import annotations

import pytest

from detectors.transport._webserver import apache_protocols, haproxy_options, haproxy_protocols
from detectors.transport.hsts_missing import HstsMissing
from detectors.transport.tls_weak_ciphers import TlsWeakCiphers
from detectors.transport.tls_weak_protocols import TlsWeakProtocols
from scanner.engine import check_text
from scanner.kinds import classify
from scanner.model.config import Directive
from scanner.parsers import ParseError
from scanner.parsers.config import FAMILIES
from scanner.parsers.config_apache import parse as parse_apache
from scanner.parsers.config_haproxy import parse as parse_haproxy
from scanner.parsers.config_nginx import parse as parse_nginx

from .conftest import scan_snippet


def flat(document) -> list[tuple[int, tuple[str, ...], str, tuple[str, ...]]]:
    return [(d.line, d.context, d.name, d.args) for d in document.walk()]


# -- nginx parser ------------------------------------------------------------------------------
NGINX = """\
http {
    ssl_protocols TLSv1.2 TLSv1.3;  # trailing comment
    server {
        listen 443 ssl;
        server_name shop.example.com www.shop.example.com;
        add_header X-Note "a b; {c}" always;
        location ~ ^/a${uri}#b {
            return 301 'https://$host$request_uri';
        }
        content_by_lua_block { ngx.say("}") }
        if ($scheme = "http") { return 301 https://$host; }
    }
}
"""


def test_nginx_blocks_contexts_quotes_comments_and_variables():
    assert flat(parse_nginx(NGINX)) == [
        (1, (), "http", ()),
        (2, ("http",), "ssl_protocols", ("TLSv1.2", "TLSv1.3")),
        (3, ("http",), "server", ()),
        (4, ("http", "server shop.example.com:443"), "listen", ("443", "ssl")),
        (5, ("http", "server shop.example.com:443"), "server_name",
         ("shop.example.com", "www.shop.example.com")),
        (6, ("http", "server shop.example.com:443"), "add_header",
         ("X-Note", "a b; {c}", "always")),
        (7, ("http", "server shop.example.com:443"), "location", ("~", "^/a${uri}#b")),
        (8, ("http", "server shop.example.com:443", "location ~ ^/a${uri}#b"), "return",
         ("301", "https://$host$request_uri")),
        (10, ("http", "server shop.example.com:443"), "content_by_lua_block", ()),
        (11, ("http", "server shop.example.com:443"), "if", ("($scheme", "=", "http", ")")),
        (11, ("http", "server shop.example.com:443", "if ($scheme = http )"), "return",
         ("301", "https://$host")),
    ]


@pytest.mark.parametrize("listen, label", [
    ("listen [::]:8443 ssl;", "server _:8443"),
    ("listen 10.0.0.1;", "server _:80"),
    ("listen unix:/run/app.sock;", "server _:unix:/run/app.sock"),
])
def test_nginx_server_labels(listen, label):
    document = parse_nginx(f"server {{\n    {listen}\n    root /srv;\n}}\n")
    assert document.directives[0].children[1].context == (label,)


def test_nginx_escapes_and_include_are_kept():
    document = parse_nginx('include sites-enabled/*;\nlog_format main "a\\"b" \'c d\';\n')
    assert flat(document) == [(1, (), "include", ("sites-enabled/*",)),
                              (2, (), "log_format", ("main", 'a"b', "c d"))]


@pytest.mark.parametrize("source, line, message", [
    ("server {\n    listen 80;\n}\n}\n", 4, 'unexpected "}"'),
    ("http {\n    server {\n        listen 80;\n    }\n", 1, '"http" block opened at line 1'),
    ("server {\n    listen 80\n}\n", 3, 'missing ";"'),
    ("worker_processes 4", 1, 'expecting ";" or "}"'),
    ('add_header X "abc;\n', 1, "quoted string"),
    ('add_header X "abc"def;\n', 1, "after a quoted string"),
    ("{\n", 1, 'unexpected "{"'),
])
def test_nginx_syntax_errors_carry_their_line(source, line, message):
    with pytest.raises(ParseError, match=message) as error:
        parse_nginx(source)
    assert error.value.line == line


def test_a_broken_nginx_file_is_an_input_error_with_its_line():
    outcome = scan_snippet("http {\n    server {\n        listen 443 ssl;\n}\n", "nginx.conf",
                           rules=["DP220"])
    assert [(e.line, "not closed" in e.message) for e in outcome.errors] == [(1, True)]


# -- Apache parser ------------------------------------------------------------------------------
APACHE = """\
# comment
ServerRoot "/etc/httpd"
<IfModule mod_ssl.c>
  SSLProtocol all \\
      -SSLv3
  <VirtualHost *:443>
     ServerName shop.example.com
     Header always set Strict-Transport-Security "max-age=63072000; includeSubDomains"
  </virtualhost>
</IfModule>
"""


def test_apache_sections_continuations_quotes_and_case():
    assert flat(parse_apache(APACHE)) == [
        (2, (), "ServerRoot", ("/etc/httpd",)),
        (3, (), "IfModule", ("mod_ssl.c",)),
        (4, ("IfModule mod_ssl.c",), "SSLProtocol", ("all", "-SSLv3")),
        (6, ("IfModule mod_ssl.c",), "VirtualHost", ("*:443",)),
        (7, ("IfModule mod_ssl.c", "VirtualHost shop.example.com *:443"), "ServerName",
         ("shop.example.com",)),
        (8, ("IfModule mod_ssl.c", "VirtualHost shop.example.com *:443"), "Header",
         ("always", "set", "Strict-Transport-Security", "max-age=63072000; includeSubDomains")),
    ]
    assert parse_apache(APACHE).find_all("SSLPROTOCOL")[0].key == "sslprotocol"


@pytest.mark.parametrize("source, line, message", [
    ("<VirtualHost *:443>\n<Directory /x>\n</VirtualHost>\n", 3, "closes <Directory>"),
    ("<VirtualHost *:443>\n  SSLEngine on\n", 1, "never closed"),
    ("</IfModule>\n", 1, "without a matching"),
    ("<VirtualHost *:443\n", 1, "must end with '>'"),
    ('Header set X "abc\n', 1, "unterminated"),
])
def test_apache_syntax_errors_carry_their_line(source, line, message):
    with pytest.raises(ParseError, match=message) as error:
        parse_apache(source)
    assert error.value.line == line


# -- HAProxy parser -----------------------------------------------------------------------------
def test_haproxy_sections_comments_quotes_and_escapes():
    document = parse_haproxy(
        "global\n    ssl-default-bind-options ssl-min-ver TLSv1.2 # pinned\n"
        "frontend www\n  bind :443 ssl crt /etc/x.pem\n"
        '  http-response set-header X "a \\"b\\" #c"\n  acl p path_beg /a\\ b\n')
    assert flat(document) == [
        (1, (), "global", ()),
        (2, ("global",), "ssl-default-bind-options", ("ssl-min-ver", "TLSv1.2")),
        (3, (), "frontend", ("www",)),
        (4, ("frontend www",), "bind", (":443", "ssl", "crt", "/etc/x.pem")),
        (5, ("frontend www",), "http-response", ("set-header", "X", 'a "b" #c')),
        (6, ("frontend www",), "acl", ("p", "path_beg", "/a b")),
    ]


def test_haproxy_errors_and_warnings():
    with pytest.raises(ParseError, match="unterminated") as error:
        parse_haproxy("frontend www\n  http-response set-header X 'abc\n")
    assert error.value.line == 2
    assert parse_haproxy("maxconn 10\nglobal\n").warnings[0][0] == 1


# -- registration and discovery -----------------------------------------------------------------
def test_families_are_registered_and_fixtures_classified():
    assert FAMILIES["nginx"] == "scanner.parsers.config_nginx:parse"
    assert FAMILIES["apache"] == "scanner.parsers.config_apache:parse"
    assert FAMILIES["haproxy"] == "scanner.parsers.config_haproxy:parse"
    assert classify("fixtures/config/nginx/sites-available/shop.conf", "server {\n listen 80;\n}") \
        == "nginx"
    assert classify("fixtures/config/apache/ssl-vhost.conf", "<VirtualHost *:443>\n") == "apache"


# -- protocol-set semantics -------------------------------------------------------------------
@pytest.mark.parametrize("args, enabled", [
    ("all -SSLv3", {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}),
    ("-all +TLSv1.2 +TLSv1.3", {"TLSv1.2", "TLSv1.3"}),
    ("TLSv1.2 +TLSv1.3", {"TLSv1.2", "TLSv1.3"}),
    ("+TLSv1.2 TLSv1", {"TLSv1"}),  # a bare name replaces (httpd warns)
    ("all -SSLv3 -TLSv1 -TLSv1.1", {"TLSv1.2", "TLSv1.3"}),
])
def test_apache_sslprotocol(args, enabled):
    assert apache_protocols(Directive("SSLProtocol", tuple(args.split()))) == enabled


@pytest.mark.parametrize("words, default_min, enabled", [
    ("no-tlsv10 no-tlsv11", "TLSv1", {"TLSv1.2", "TLSv1.3"}),
    ("force-tlsv12", "TLSv1", {"TLSv1.2"}),
    ("ssl-min-ver TLSv1.1 ssl-max-ver TLSv1.2", "TLSv1.2", {"TLSv1.1", "TLSv1.2"}),
    ("ssl-min-ver TLSv1.0 no-tlsv10", "TLSv1.2", {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}),
    ("", "TLSv1.2", {"TLSv1.2", "TLSv1.3"}),
])
def test_haproxy_protocols(words, default_min, enabled):
    assert haproxy_protocols(*haproxy_options(tuple(words.split())), default_min) == enabled


# -- rules ---------------------------------------------------------------------------------------
def found(source: str, path: str, rule: str) -> list[int]:
    outcome = scan_snippet(source, path, rules=[rule])
    assert not outcome.errors, outcome.errors
    return sorted(f.location.line for f in outcome.findings if f.rule_id == rule)


def found_with(rule, source: str, path: str):
    outcome = check_text(source, path=path, kind=classify(path, source), rules=[rule])
    assert not outcome.errors, outcome.errors
    return [(f.location.line, f.severity.value) for f in outcome.findings]


SERVER_NO_PROTOCOLS = "http {\n    server {\n        listen 443 ssl;\n    }\n}\n"
SERVER_WITH_INCLUDE = ("http {\n    include conf.d/*.conf;\n    server {\n        listen 443 ssl;"
                       "\n    }\n}\n")
SNIPPET_NO_PROTOCOLS = "server {\n    listen 443 ssl;\n}\n"


@pytest.mark.parametrize("rule, source, path, lines", [
    ("DP220", SERVER_NO_PROTOCOLS, "nginx.conf", [3]),  # default of an unknown nginx version
    ("DP220", SERVER_WITH_INCLUDE, "nginx.conf", []),  # the include may set it
    ("DP220", SNIPPET_NO_PROTOCOLS, "sites-enabled/a.conf", []),  # http block not visible
    ("DP220", "http {\n  ssl_protocols TLSv1.2;\n  server { listen 443 ssl; }\n}\n",
     "nginx.conf", []),
    ("DP220", "<VirtualHost *:443>\n  SSLEngine on\n</VirtualHost>\n", "sites/a.vhost", [2]),
    ("DP220", "SSLProtocol TLSv1.2\n<VirtualHost *:443>\n  SSLEngine on\n</VirtualHost>\n",
     "httpd.conf", []),
    ("DP220", "global\n  ssl-default-bind-options no-sslv3\nfrontend a\n  bind :443 ssl crt x\n",
     "haproxy.cfg", [2]),
    ("DP220", "frontend a\n  bind :443 ssl crt x force-tlsv12\n", "haproxy.cfg", []),
    ("DP221", "http {\n  ssl_ciphers RC4-SHA;\n  server {\n    listen 443 ssl;\n"
     "    ssl_protocols TLSv1.3;\n  }\n}\n", "nginx.conf", [2]),
    ("DP221", SERVER_NO_PROTOCOLS, "nginx.conf", [3]),  # nginx's default cipher list
    ("DP221", SNIPPET_NO_PROTOCOLS, "sites-enabled/a.conf", []),
    ("DP221", "SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256\n", "httpd.conf", []),
    ("DP221", "SSLCipherSuite SSL RC4-SHA\n", "httpd.conf", [1]),
    ("DP221", "frontend a\n  bind :443 ssl crt x ciphers RC4-SHA\n", "haproxy.cfg", [2]),
    ("DP222", "http {\n  ssl_prefer_server_ciphers off;\n  server { listen 443 ssl; }\n"
     "  server { listen 8443 ssl; }\n}\n", "nginx.conf", [2]),  # one switch, reported once
    ("DP223", "server {\n    root /var/www/html;\n}\n", "sites-enabled/default", [1]),
    ("DP223", "server {\n    listen 127.0.0.1:80;\n    root /srv;\n}\n", "sites-enabled/a", []),
    ("DP223", "server {\n    listen 8080;\n    root /srv;\n}\n", "sites-enabled/a", []),
    ("DP223", "server {\n    listen 80;\n    return 444;\n}\n", "sites-enabled/a", []),
    ("DP223", "server {\n    listen 80;\n    listen 443 ssl;\n    if ($scheme = http) {\n"
     "        return 301 https://$host$request_uri;\n    }\n    location / {\n"
     "        proxy_pass http://app;\n    }\n}\n", "sites-enabled/a", []),
    ("DP223", "server {\n    listen 80;\n    location / { return 301 https://x; }\n"
     "    location /api/ { proxy_pass http://app; }\n}\n", "sites-enabled/a", [2]),
    ("DP223", "<VirtualHost *:80>\n  RedirectMatch permanent ^/(.*) https://x/$1\n"
     "</VirtualHost>\n", "httpd.conf", []),
    ("DP223", "frontend a\n  bind :80\n  default_backend b\n", "haproxy.cfg", []),  # mode tcp
    ("DP223", "defaults\n  mode http\nfrontend a\n  bind :80\n  redirect scheme https\n"
     "  default_backend b\n", "haproxy.cfg", []),
    ("DP224", "http {\n  add_header Strict-Transport-Security max-age=63072000;\n"
     "  server {\n    listen 443 ssl;\n  }\n}\n", "nginx.conf", []),  # inherited from http
    ("DP224", "http {\n  add_header Strict-Transport-Security max-age=63072000;\n"
     "  server {\n    listen 443 ssl;\n    add_header X-Frame-Options DENY;\n  }\n}\n",
     "nginx.conf", [4]),  # the server's own add_header hides http's
    ("DP224", "server {\n  listen 443 ssl;\n  add_header Strict-Transport-Security "
     "max-age=63072000;\n  location / {\n    add_header_inherit merge;\n"
     "    add_header X-Frame-Options DENY;\n  }\n}\n", "sites-enabled/a", []),
    ("DP224", "server {\n  listen 5432 ssl;\n  proxy_pass db:5432;\n}\n",
     "streams-enabled/pg.nginx", []),  # a stream {} server: TCP, no HTTP headers
    ("DP224", "server {\n  listen 443 ssl;\n  more_set_headers "
     "'Strict-Transport-Security: max-age=63072000';\n}\n", "sites-enabled/a", []),
    ("DP224", "server {\n  listen 443 ssl;\n  add_header Strict-Transport-Security "
     "'max-age=0';\n}\n", "sites-enabled/a", [3]),
    ("DP224", "Header always set Strict-Transport-Security max-age=63072000\n"
     "<VirtualHost *:443>\n  SSLEngine on\n</VirtualHost>\n", "httpd.conf", []),
    ("DP224", "defaults\n  mode http\nfrontend a\n  bind :443 ssl crt x\n  default_backend b\n"
     "backend b\n  http-response set-header Strict-Transport-Security max-age=63072000\n",
     "haproxy.cfg", []),
])
def test_rule_table(rule, source, path, lines):
    assert found(source, path, rule) == lines


def test_nginx_version_option_decides_the_default():
    assert found_with(TlsWeakProtocols(), SERVER_NO_PROTOCOLS, "nginx.conf") == [(3, "info")]
    assert found_with(TlsWeakProtocols({"nginx_version": "1.24.0"}), SERVER_NO_PROTOCOLS,
                      "nginx.conf") == []
    assert found_with(TlsWeakProtocols({"nginx_version": "1.18.0"}), SERVER_NO_PROTOCOLS,
                      "nginx.conf") == [(3, "medium")]
    assert found_with(TlsWeakProtocols({"nginx_version": "1.8.1"}), SERVER_NO_PROTOCOLS,
                      "nginx.conf") == [(3, "high")]  # SSLv3 was on by default before 1.9.1


def test_profile_option_changes_the_verdict():
    source = "server {\n  listen 443 ssl;\n  ssl_ciphers DES-CBC3-SHA:ECDHE-RSA-AES128-SHA;\n}\n"
    path = "sites-enabled/a.conf"
    assert found_with(TlsWeakCiphers(), source, path) == [(3, "medium")]
    assert found_with(TlsWeakCiphers({"tls_profile": "old"}), source, path) == []
    modern = "server {\n  listen 443 ssl;\n  ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n}\n"
    assert found_with(TlsWeakCiphers({"tls_profile": "modern"}), modern, path) == [(3, "low")]
    with pytest.raises(ValueError, match="tls_profile"):
        TlsWeakCiphers({"tls_profile": "paranoid"})


def test_hsts_min_age_option():
    source = ("server {\n  listen 443 ssl;\n  add_header Strict-Transport-Security "
              "max-age=15768000;\n}\n")
    assert found_with(HstsMissing(), source, "sites-enabled/a") == [(3, "low")]
    assert found_with(HstsMissing({"min_max_age": 15768000}), source, "sites-enabled/a") == []


def test_findings_name_the_weak_suites_and_the_fix():
    outcome = scan_snippet("server {\n  listen 443 ssl;\n  ssl_ciphers 'HIGH:RC4+RSA:!aNULL';\n}\n",
                           "sites-enabled/a.conf", rules=["DP221"])
    (finding,) = outcome.findings
    assert "RC4-SHA (RC4, static RSA key exchange)" in finding.message
    assert "and " in finding.message and "more" in finding.message
    assert "use ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:" in finding.message
    assert finding.location.object == "nginx:server _:443"
