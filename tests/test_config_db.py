"""Database and app-server configs: the parsers (postgresql.conf, pg_hba.conf, my.cnf, redis.conf,
.properties, restricted YAML) and the transport rules over them (DP240-DP249)."""

from __future__ import annotations

import pytest

from scanner.finding import Confidence, Severity
from scanner.kinds import classify
from scanner.parsers import config as config_parsers
from scanner.parsers.config_mycnf import flag, groups, is_server_group
from scanner.parsers.config_mycnf import parse as parse_cnf
from scanner.parsers.config_pg_hba import HbaRecord
from scanner.parsers.config_pg_hba import parse as parse_hba
from scanner.parsers.config_postgresql import parse as parse_pg
from scanner.parsers.config_postgresql import parse_bool, settings
from scanner.parsers.config_properties import parse as parse_properties
from scanner.parsers.config_properties import parse_yaml, relaxed
from scanner.parsers.config_redis import last, split_args
from scanner.parsers.config_redis import parse as parse_redis

from .conftest import FIXTURES, scan_snippet

H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW


def rows(doc):
    return [(d.name, d.args, d.line) for d in doc.directives]


# -- postgresql.conf ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("ssl = on\n", [("ssl", ("on",), 1)]),
    ("ssl on\n", [("ssl", ("on",), 1)]),  # "=" is optional
    ("  SSL=off # trailing comment\n", [("SSL", ("off",), 1)]),
    ("shared_buffers = 128MB\nwork_mem=4MB\n", [("shared_buffers", ("128MB",), 1),
                                               ("work_mem", ("4MB",), 2)]),
    ("checkpoint_timeout = 5min\nstatement_timeout = -1\nrandom_page_cost = 1.1\n",
     [("checkpoint_timeout", ("5min",), 1), ("statement_timeout", ("-1",), 2),
      ("random_page_cost", ("1.1",), 3)]),
    ("log_line_prefix = '%m # [%p] '\n", [("log_line_prefix", ("%m # [%p] ",), 1)]),
    ("application_name = 'it''s' # quote doubled\n", [("application_name", ("it's",), 1)]),
    ("application_name = 'it\\'s\\tx'\n", [("application_name", ("it's\tx",), 1)]),
    ("pg_stat_statements.max = 10000\n", [("pg_stat_statements.max", ("10000",), 1)]),
    ("unix_socket_directories = '/var/run/postgresql, /tmp'\n",
     [("unix_socket_directories", ("/var/run/postgresql, /tmp",), 1)]),
    ("# comment\n\n#ssl = on\n", []),
    ("include 'extra.conf'\ninclude_if_exists = 'local.conf'\ninclude_dir 'conf.d'\n",
     [("include", ("extra.conf",), 1), ("include_if_exists", ("local.conf",), 2),
      ("include_dir", ("conf.d",), 3)]),
    ("\ufeffport = 5432\r\nssl = on\r\n", [("port", ("5432",), 1), ("ssl", ("on",), 2)]),
])
def test_postgresql_conf_lines(text, expected):
    doc = parse_pg(text, "postgresql.conf")
    assert rows(doc) == expected
    assert doc.warnings == []


@pytest.mark.parametrize("text", [
    "listen_addresses = *\n",  # unquoted '*' is a syntax error for the server too
    "ssl = 'on\n",  # unterminated string
    "ssl =\n",  # no value
    "ssl = on off\n",  # junk after the value
    "= on\n",
])
def test_postgresql_conf_errors_are_warnings_and_the_rest_is_read(text):
    doc = parse_pg(text + "port = 5432\n", "postgresql.conf")
    assert rows(doc) == [("port", ("5432",), 2)]
    assert [line for line, _ in doc.warnings] == [1]


def test_postgresql_conf_last_setting_wins_case_insensitively():
    doc = parse_pg("ssl = off\nSSL = on\ninclude 'x.conf'\n", "postgresql.conf")
    current = settings(doc)
    assert current["ssl"].value == "on" and current["ssl"].line == 2
    assert "include" not in current


@pytest.mark.parametrize("word, expected", [
    ("on", True), ("OFF", False), ("of", False), ("o", None), ("t", True), ("fal", False),
    ("yes", True), ("n", False), ("1", True), ("0", False), ("maybe", None), ("", None),
])
def test_postgresql_booleans(word, expected):
    assert parse_bool(word) is expected


# -- pg_hba.conf --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("local all postgres peer\n", [("local", ("all", "postgres", "", "peer"), 1)]),
    ("host all all 10.0.0.0/8 scram-sha-256\n",
     [("host", ("all", "all", "10.0.0.0/8", "scram-sha-256"), 1)]),
    ("host all all 10.1.0.0 255.255.0.0 md5\n",
     [("host", ("all", "all", "10.1.0.0/16", "md5"), 1)]),
    ("hostssl db1,db2 app,+ops .example.com cert clientcert=verify-full map=m # note\n",
     [("hostssl", ("db1,db2", "app,+ops", ".example.com", "cert", "clientcert=verify-full",
                   "map=m"), 1)]),
    ("host db1, db2 app ::1/128 trust\n", [("host", ("db1,db2", "app", "::1/128", "trust"), 1)]),
    ('host "my db","a,b" "x""y" samenet md5\n',
     [("host", ('"my db","a,b"', '"x"y"', "samenet", "md5"), 1)]),
    ("host @dbs.txt all all ldap ldapserver=ldap.example.com ldapprefix=\"cn=\"\n",
     [("host", ("@dbs.txt", "all", "all", "ldap", "ldapserver=ldap.example.com",
                "ldapprefix=cn="), 1)]),
    ("host all all \\\n   0.0.0.0/0 scram-sha-256\n",
     [("host", ("all", "all", "0.0.0.0/0", "scram-sha-256"), 1)]),
    ("include pg_hba.d.conf\ninclude_dir hba.d\n",
     [("include", ("pg_hba.d.conf",), 1), ("include_dir", ("hba.d",), 2)]),
    ("# TYPE DATABASE USER ADDRESS METHOD\n\n", []),
])
def test_pg_hba_records(text, expected):
    doc = parse_hba(text, "pg_hba.conf")
    assert rows(doc) == expected
    assert doc.warnings == []


def test_pg_hba_record_fields():
    doc = parse_hba('host "all" all 10.0.0.0 255.0.0.0 md5\nhost all all \\\n db.example.com md5\n',
                    "pg_hba.conf")
    first, second = doc.directives
    assert isinstance(first, HbaRecord)
    assert first.databases[0].quoted and not first.databases[0].is_keyword("all")
    assert first.users[0].is_keyword("all")
    assert str(first.network()) == "10.0.0.0/8" and first.mask == "255.0.0.0"
    assert second.network() is None and (second.line, second.end_line) == (2, 3)


@pytest.mark.parametrize("text, problem", [
    ("hots all all 0.0.0.0/0 md5\n", "invalid connection type"),
    ("host all\n", "before the user field"),
    ("host all all\n", "IP address specification"),
    ("host all all 0.0.0.0/0\n", "authentication method"),
    ("host all all 10.0.0.1 md5\n", "netmask"),
    ("host all all 0.0.0.0/0 md5 clientcert\n", "name=value"),
    ("local all all md5,peer\n", "multiple values"),
])
def test_pg_hba_errors_are_warnings(text, problem):
    doc = parse_hba(text + "local all all peer\n", "pg_hba.conf")
    assert [d.line for d in doc.directives] == [2]
    assert len(doc.warnings) == 1 and problem in doc.warnings[0][1]


# -- my.cnf -------------------------------------------------------------------------------------
def test_mycnf_groups_options_and_includes():
    doc = parse_cnf(
        "# comment\n; another\n[mysqld]\nbind-address = 0.0.0.0 # trailing\nskip-name-resolve\n"
        "ssl_cipher = 'A:B#C'\ninit_connect = \"SET x\\s=1\\\\\"\n[client]\npassword = \"p#w\"\n"
        "!include /etc/mysql/extra.cnf\n!includedir /etc/mysql/conf.d/\n",
        "my.cnf")
    assert doc.warnings == []
    mysqld, client = groups(doc)
    assert mysqld.name == "[mysqld]" and is_server_group(mysqld) and not is_server_group(client)
    assert [(o.name, o.args, o.line, o.context) for o in mysqld.children] == [
        ("bind-address", ("0.0.0.0",), 4, ("[mysqld]",)),
        ("skip-name-resolve", (), 5, ("[mysqld]",)),
        ("ssl_cipher", ("A:B#C",), 6, ("[mysqld]",)),
        ("init_connect", ("SET x =1\\",), 7, ("[mysqld]",)),
    ]
    assert [(o.name, o.args) for o in client.children] == [
        ("password", ("p#w",)), ("!include", ("/etc/mysql/extra.cnf",)),
        ("!includedir", ("/etc/mysql/conf.d/",))]


@pytest.mark.parametrize("name, key", [
    ("require-secure-transport", "require_secure_transport"),
    ("Require_Secure_Transport", "require_secure_transport"),
    ("loose-require-secure-transport", "require_secure_transport"),
    ("loose_skip-ssl", "skip_ssl"),
])
def test_mycnf_keys_are_normalised(name, key):
    option = parse_cnf(f"[mysqld]\n{name} = ON\n", "my.cnf").directives[0].children[0]
    assert option.key == key and option.name == name


@pytest.mark.parametrize("lines, expected", [
    ("ssl", True), ("ssl = 0", False), ("ssl=OFF", False), ("ssl = TRUE", True),
    ("skip-ssl", False), ("disable_ssl", False), ("enable-ssl", True), ("skip-ssl = 0", True),
    ("skip-ssl\nssl = ON", True), ("ssl\nloose-skip-ssl", False), ("ssl = maybe", None),
])
def test_mycnf_flags(lines, expected):
    options = parse_cnf(f"[mysqld]\n{lines}\n", "my.cnf").directives[0].children
    assert flag(options, "ssl")[1] is expected


def test_mycnf_flag_absent_and_errors():
    doc = parse_cnf("port = 3306\n[mysqld\n[mysqld]\n!source x\n= 1\nsslx\n", "my.cnf")
    assert flag(groups(doc)[0].children, "ssl") is None
    assert [line for line, _ in doc.warnings] == [1, 2, 4, 5]


@pytest.mark.parametrize("group, server", [
    ("mysqld", True), ("server", True), ("mariadb", True), ("mariadbd", True),
    ("mysqld-8.0", True), ("mariadb-10.6", True), ("galera", True), ("MYSQLD", True),
    ("client", False), ("mysqld_safe", False), ("client-server", False), ("mysql", False),
])
def test_mycnf_server_groups(group, server):
    doc = parse_cnf(f"[{group}]\n", "my.cnf")
    assert is_server_group(groups(doc)[0]) is server


# -- redis.conf ---------------------------------------------------------------------------------
@pytest.mark.parametrize("line, expected", [
    ("bind 127.0.0.1 -::1", ["bind", "127.0.0.1", "-::1"]),
    ('tls-protocols "TLSv1.2 TLSv1.3"', ["tls-protocols", "TLSv1.2 TLSv1.3"]),
    ('requirepass "a\\x41\\"b\\n"', ["requirepass", 'aA"b\n']),
    ("rename-command CONFIG ''", ["rename-command", "CONFIG", ""]),
    ("x 'it\\'s' '\\n'", ["x", "it's", "\\n"]),
    ("port 6379 # not a comment", ["port", "6379", "#", "not", "a", "comment"]),
    ('a b"c d"', ["a", "bc d"]),
    ("   ", []),
])
def test_redis_split_args(line, expected):
    assert split_args(line) == expected


@pytest.mark.parametrize("line", ['a "b', "a 'b", 'a "b"c', "a 'b'c"])
def test_redis_unbalanced_quotes(line):
    with pytest.raises(ValueError, match="unbalanced"):
        split_args(line)


def test_redis_conf_lines():
    doc = parse_redis("# c\n  Port 6380\nport 6381\nbind \"x\n\ninclude /etc/redis/common.conf\n",
                      "redis.conf")
    assert rows(doc) == [("Port", ("6380",), 2), ("port", ("6381",), 3),
                         ("include", ("/etc/redis/common.conf",), 6)]
    assert doc.directives[0].column == 3
    assert last(doc, "PORT").value == "6381" and last(doc, "bind") is None
    assert [line for line, _ in doc.warnings] == [4]


# -- .properties and restricted YAML ------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("a=b\n", [("a", ("b",), 1)]),
    ("a : b\n", [("a", ("b",), 1)]),
    ("a b c\n", [("a", ("b c",), 1)]),
    ("  # c\n! c\n\n", []),
    ("a=1,\\\n   2,\\\n   3\nb=4\n", [("a", ("1,2,3",), 1), ("b", ("4",), 4)]),
    ("a=ends with \\\\\nb=x\n", [("a", ("ends with \\",), 1), ("b", ("x",), 2)]),
    ("key\\ one\\:x = v\\u0041\\tz\n", [("key one:x", ("vA\tz",), 1)]),
    ("empty\n", [("empty", ("",), 1)]),
])
def test_properties(text, expected):
    doc = parse_properties(text, "application.properties")
    assert rows(doc) == expected and doc.warnings == []


def test_properties_bad_unicode_escape_is_a_warning():
    doc = parse_properties("a=\\u12\nb=1\n", "application.properties")
    assert rows(doc) == [("b", ("1",), 2)] and doc.warnings[0][0] == 1


@pytest.mark.parametrize("key, form", [
    ("server.ssl.enabled-protocols", "server.ssl.enabledprotocols"),
    ("server.ssl.enabledProtocols[1]", "server.ssl.enabledprotocols"),
    ("SERVER.SSL.ENABLED_PROTOCOLS", "server.ssl.enabledprotocols"),
])
def test_spring_relaxed_keys(key, form):
    assert relaxed(key) == form


YAML = """\
# comment
server:
  port: 8443  # trailing comment
  ssl:
    enabled: 'false'
    enabled-protocols:
    - TLSv1.2
    - "TLSv1.3"
    ciphers: [A, "B#1"]
  "quoted.key": x
spring:
  datasource: {url: "jdbc:x", username: app}
  list:
    - name: a
      value: 1
    - name: b
  text: |
    line one
    line two
  items: [a,
    b]
  long: a plain
    scalar
---
spring.config.activate.on-profile: dev
server.ssl.enabled: false
"""


def test_yaml_is_flattened_like_spring():
    doc = parse_yaml(YAML, "application.yml")
    assert doc.warnings == []
    assert [(d.name, d.value, d.line, d.context) for d in doc.directives] == [
        ("server.port", "8443", 3, ()),
        ("server.ssl.enabled", "false", 5, ()),
        ("server.ssl.enabled-protocols[0]", "TLSv1.2", 7, ()),
        ("server.ssl.enabled-protocols[1]", "TLSv1.3", 8, ()),
        ("server.ssl.ciphers[0]", "A", 9, ()),
        ("server.ssl.ciphers[1]", "B#1", 9, ()),
        ("server.quoted.key", "x", 10, ()),
        ("spring.datasource.url", "jdbc:x", 12, ()),
        ("spring.datasource.username", "app", 12, ()),
        ("spring.list[0].name", "a", 14, ()),
        ("spring.list[0].value", "1", 15, ()),
        ("spring.list[1].name", "b", 16, ()),
        ("spring.text", "line one\nline two", 17, ()),
        ("spring.items[0]", "a", 20, ()),
        ("spring.items[1]", "b", 20, ()),
        ("spring.long", "a plain scalar", 22, ()),
        ("spring.config.activate.on-profile", "dev", 25, ("document 2",)),
        ("server.ssl.enabled", "false", 26, ("document 2",)),
    ]


def test_yaml_tabs_are_a_warning():
    doc = parse_yaml("a:\n\tb: 1\nc: 2\n", "x.yml")
    assert [(d.name, d.value) for d in doc.directives] == [("c", "2")]
    assert doc.warnings[0][0] == 2


# -- registration and classification ------------------------------------------------------------
@pytest.mark.parametrize("relpath, kind", [
    ("config/postgresql/postgresql.conf", "postgresql-conf"),
    ("config/postgresql/replica/postgresql.conf", "postgresql-conf"),
    ("config/postgresql/pg_hba.conf", "pg-hba"),
    ("config/mysql/my.cnf", "mysql-cnf"),
    ("config/mysql/mariadb.conf.d/50-server.cnf", "mysql-cnf"),
    ("config/redis/redis.conf", "redis-conf"),
    ("config/spring/application-ssl.yml", "yaml"),
    ("config/spring/application.properties", "properties"),
    ("python/django_settings/settings/production.py", "python"),
])
def test_fixtures_are_classified_and_parsed_without_warnings(relpath, kind):
    path = FIXTURES / relpath
    text = path.read_text("utf-8")
    assert classify(relpath, text[:8192]) == kind
    if kind in config_parsers.FAMILIES:
        module, _, attr = config_parsers.FAMILIES[kind].partition(":")
        doc = getattr(__import__(module, fromlist=[attr]), attr)(text, relpath)
        assert doc.warnings == [] and doc.directives


@pytest.mark.parametrize("kind", ["postgresql-conf", "pg-hba", "mysql-cnf", "redis-conf",
                                  "properties", "yaml"])
def test_parsers_survive_any_text(kind):
    junk = "\x00\x01 ' \" \\\n[[[\n= = =\n- - -\n: :\n{ [ \"\n\\\n" * 3
    module, _, attr = config_parsers.FAMILIES[kind].partition(":")
    getattr(__import__(module, fromlist=[attr]), attr)(junk, "junk")


# -- rules --------------------------------------------------------------------------------------
def found(source, path, rule):
    outcome = scan_snippet(source, path, rules=[rule])
    assert not outcome.errors, outcome.errors
    return [(f.location.line, f.severity) for f in outcome.findings if f.rule_id == rule]


@pytest.mark.parametrize("source, expected", [
    ("listen_addresses = '*'\n", [(1, H)]),
    ("listen_addresses = 'localhost, ::1'\nssl = off\n", []),
    ("listen_addresses = ''\nssl = off\n", []),  # Unix sockets only
    ("ssl = off\n", []),  # default listen_addresses is localhost
    ("listen_addresses = 'db.internal'\nssl = false\n", [(2, H)]),
    ("listen_addresses = '*'\nssl = off\nssl = on\n", []),
    ("listen_addresses = '*'\nssl = on\nssl = of\n", [(3, H)]),
])
def test_pg_ssl_disabled(source, expected):
    assert found(source, "postgresql.conf", "DP240") == expected


def test_pg_ssl_absent_with_includes_is_low_confidence():
    outcome = scan_snippet("listen_addresses = '*'\ninclude_dir 'conf.d'\n", "postgresql.conf",
                           rules=["DP240"])
    assert [f.confidence for f in outcome.findings] == [Confidence.LOW]


@pytest.mark.parametrize("source, expected", [
    ("hostssl all all 0.0.0.0/0 scram-sha-256\n", []),
    ("host all all 127.0.0.0/8 scram-sha-256\nhost all all ::ffff:127.0.0.1/128 md5\n", []),
    ("host all all localhost md5\nhost all all samehost md5\n", []),
    ("host all all 10.0.0.0/8 reject\nhostnossl all all 10.0.0.0/8 reject\n", []),
    ("host all all 10.0.0.0/8 md5\n", [(1, M)]),
    ("hostnossl all all 10.0.0.0/8 md5\n", [(1, H)]),
    ("hostnossl all all 0.0.0.0/0 reject\nhost all all 10.0.0.0/8 md5\nhost all all ::/0 md5\n",
     [(3, M)]),  # the IPv4 reject does not cover IPv6
    ("hostnossl orders all 0.0.0.0/0 reject\nhost all all 10.0.0.0/8 md5\n", [(2, M)]),
    ("host all all 10.0.0.0/8 md5\nhostnossl all all 0.0.0.0/0 reject\n", [(1, M)]),  # too late
    ('hostnossl "all" all all reject\nhost all all 10.0.0.0/8 md5\n', [(2, M)]),
])
def test_pg_hba_non_ssl_host(source, expected):
    assert found(source, "pg_hba.conf", "DP241") == expected


@pytest.mark.parametrize("source, expected", [
    ("[mysqld]\nbind-address = *\n", [(2, M)]),
    ("[mysqld]\nbind-address = 127.0.0.1,::1\n", []),
    ("[mysqld]\nport = 3306\n", []),  # no bind-address: a fragment, not judged
    ("[mysqld]\nbind-address = 0.0.0.0\nskip-networking\n", []),
    ("[mysqld]\nbind-address = 0.0.0.0\n[mysqld-8.0]\nrequire_secure_transport = 1\n", []),
    ("[client]\nbind-address = 0.0.0.0\n", []),
    ("[mysqld]\nbind-address = 0.0.0.0\nrequire_secure_transport = ON\n"
     "[server]\nloose_require_secure_transport = OFF\n", [(5, M)]),
])
def test_mysql_secure_transport(source, expected):
    assert found(source, "my.cnf", "DP242") == expected


@pytest.mark.parametrize("source, expected", [
    ("[mysqld]\nssl = 0\n", [(2, H)]),  # default bind: every interface
    ("[mysqld]\nskip-networking\nskip-ssl\n", []),
    ("[mysqld]\ntls_version = ''\n", [(2, H)]),
    ("[mysqld]\ntls_version = TLSv1.2\n", []),
    ("[client]\nskip-ssl\n", [(2, M)]),
    ("[client]\nhost = /var/run/mysqld/mysqld.sock\nskip-ssl\n", []),
    ("[mysqld_safe]\nskip-ssl\n", []),
    ("[client]\nssl-mode = DISABLED\n", []),  # DP202's
])
def test_mysql_ssl_disabled(source, expected):
    assert found(source, "my.cnf", "DP243") == expected


@pytest.mark.parametrize("source, expected", [
    ("port 6379\n", [(1, H)]),  # no bind: every interface
    ("maxmemory 1gb\n", []),  # says nothing about the network
    ("bind 127.0.0.1 ::1\n", []),
    ("bind 0.0.0.0\nport 0\ntls-port 6379\n", []),
    ("bind 10.0.0.1\ntls-port 6380\n", [(2, M)]),  # port not set: 6379 stays open
    ("bind 10.0.0.1\nport 6379\ntls-port 0\n", [(1, H)]),
    ("bind 10.0.0.1\nport 6379\nport 0\n", []),
])
def test_redis_plaintext_port(source, expected):
    assert found(source, "redis.conf", "DP244") == expected


@pytest.mark.parametrize("source, path, expected", [
    ("ssl_min_protocol_version = 'tlsv1'\n", "postgresql.conf", [(1, M)]),
    ("ssl_max_protocol_version = 'TLSv1.1'\n", "postgresql.conf", [(1, M)]),
    ("ssl_min_protocol_version = 'TLSv1.2'\nssl_max_protocol_version = ''\n", "postgresql.conf",
     []),
    ("[client]\ntls-version = TLSv1\n", "my.cnf", [(2, M)]),
    ("[mysqld]\nadmin_tls_version = TLSv1.0,TLSv1.2\n", "my.cnf", [(2, M)]),
    ("tls-protocols TLSv1.1 TLSv1.2\n", "redis.conf", [(1, M)]),
    ('tls-protocols "TLSv1.2"\ntls-protocols "TLSv1.2 TLSv1.3"\n', "redis.conf", []),
    ("server.ssl.enabledProtocols=SSLv3,TLSv1.2\n", "application.properties", [(1, H)]),
    ("server.ssl.enabled-protocols[0]=TLSv1.2\nserver.ssl.enabled-protocols[1]=TLSv1.1\n",
     "application.properties", [(2, M)]),
    ("spring:\n  ssl:\n    bundle:\n      jks:\n        web:\n          options:\n"
     "            enabled-protocols: TLSv1.1\n", "application.yml", [(7, M)]),
    ("app.tls.protocols=TLSv1\n", "application.properties", []),
])
def test_server_tls_legacy_protocol(source, path, expected):
    assert found(source, path, "DP245") == expected


@pytest.mark.parametrize("source, path, expected", [
    ("ssl_ciphers = 'HIGH:eNULL'\n", "postgresql.conf", [(1, H)]),  # eNULL: no encryption
    # PostgreSQL's default written out: MEDIUM holds RC4 and IDEA where OpenSSL builds them
    ("ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL'\n", "postgresql.conf", [(1, H)]),
    # !RC4 removes RC4 for good, so the later RC4-SHA adds nothing
    ("ssl_ciphers = 'ALL:!RC4:RC4-SHA:!aNULL:!eNULL:!kRSA:!3DES:!IDEA:!MD5:!EXP:!DES'\n",
     "postgresql.conf", []),
    ("ssl_ciphers = 'ECDHE+AESGCM:!aNULL'\n", "postgresql.conf", []),
    ("ssl_ciphers = 'ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA:-RC4'\n", "postgresql.conf", []),
    ("[client]\nssl-cipher = DES-CBC3-SHA\n", "my.cnf", [(2, M)]),
    ("[mysqld]\ntls_ciphersuites = TLS_AES_128_GCM_SHA256\n", "my.cnf", []),
    ('tls-ciphers "RC4-SHA"\ntls-ciphers "ECDHE+AESGCM"\n', "redis.conf", []),  # the last counts
    ("server:\n  ssl:\n    ciphers:\n      - TLS_AES_128_GCM_SHA256\n"
     "      - SSL_RSA_EXPORT_WITH_RC4_40_MD5\n", "application.yml", [(5, H)]),
    ("server.ssl.ciphers=TLS_RSA_WITH_AES_128_GCM_SHA256\n", "application.properties", [(1, M)]),
    ("server.ssl.ciphers=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384\n",
     "application.properties", []),
])
def test_server_tls_weak_cipher(source, path, expected):
    assert found(source, path, "DP246") == expected


@pytest.mark.parametrize("source, path, expected", [
    ("server.ssl.enabled=FALSE\n", "application.properties", [(1, L)]),
    ("management:\n  server:\n    ssl:\n      enabled: off\n", "application.yml", [(4, L)]),
    ("server.ssl.enabled=${SSL_ENABLED:false}\n", "application.properties", []),
    ("spring.datasource.hikari.ssl.enabled=false\n", "application.properties", []),
])
def test_spring_server_ssl_disabled(source, path, expected):
    assert found(source, path, "DP249") == expected


_DJANGO_BASE = "INSTALLED_APPS = ['django.contrib.auth']\n"


@pytest.mark.parametrize("source, path, expected", [
    # explicit values are judged unless DEBUG is literally True
    ("SECURE_SSL_REDIRECT = False\n", "proj/settings.py", [1]),
    ("import os\nDEBUG = os.environ.get('DEBUG') == '1'\nSECURE_HSTS_SECONDS = 0\n",
     "proj/settings.py", [3]),
    ("DEBUG = True\nSECURE_HSTS_SECONDS = 0\n", "proj/settings.py", []),
    ("SECURE_SSL_REDIRECT = False\n", "proj/app/constants.py", []),  # not a settings module
    ("SECURE_SSL_REDIRECT = False\n", "proj/tests/settings.py", []),  # test settings
    (_DJANGO_BASE + "SECURE_SSL_REDIRECT = False\n", "proj/test_settings.py", []),
    (_DJANGO_BASE + "SECURE_SSL_REDIRECT = False\n", "proj/conf.py", [2]),  # Django markers
    ("SECURE_HSTS_SECONDS = 3600\nSECURE_SSL_REDIRECT = True\n", "proj/settings.py", []),
    ("SECURE_HSTS_SECONDS = -1\n", "proj/settings.py", [1]),
    # missing settings: only where absence certainly means Django's default
    ("DEBUG = False\n" + _DJANGO_BASE, "proj/settings.py", [1]),
    ("DEBUG = False\n", "proj/settings.py", []),  # no Django markers
    ("from .base import *\nDEBUG = False\n" + _DJANGO_BASE, "proj/settings/prod.py", []),
    ("DEBUG = False\n" + _DJANGO_BASE + "globals().update(load())\n", "proj/settings.py", []),
    ("from split_settings.tools import include\ninclude('components/*.py')\nDEBUG = False\n"
     + _DJANGO_BASE, "proj/settings.py", []),
    ("DEBUG = False\n" + _DJANGO_BASE, "proj/settings/base.py", []),
    ("DEBUG = False\n" + _DJANGO_BASE + "if ENV == 'prod':\n    SECURE_SSL_REDIRECT = True\n"
     "    SECURE_HSTS_SECONDS = 60\n", "proj/settings.py", []),
    ("DEBUG = False\nif X:\n    DEBUG = True\n" + _DJANGO_BASE, "proj/settings.py", []),
    ("DEBUG: bool = False\n" + _DJANGO_BASE + "from .https import SECURE_SSL_REDIRECT\n"
     "SECURE_HSTS_SECONDS: int = 0\n", "proj/settings.py", [4]),
    ("def f():\n    SECURE_SSL_REDIRECT = False\n", "proj/settings.py", []),
])
def test_django_https_not_enforced(source, path, expected):
    assert [line for line, _ in found(source, path, "DP247")] == expected


@pytest.mark.parametrize("source, path, expected", [
    ("SESSION_COOKIE_SECURE = False\nCSRF_COOKIE_SECURE = None\n", "proj/settings.py", [1, 2]),
    ("DEBUG = False\n" + _DJANGO_BASE + "SESSION_COOKIE_SECURE = True\n", "proj/settings.py", [1]),
    ("DEBUG = False\n" + _DJANGO_BASE + "SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True\n",
     "proj/settings.py", []),
    ("SESSION_COOKIE_SECURE = False\nSESSION_COOKIE_SECURE = True\n", "proj/settings.py", []),
    ("try:\n    from .local import *\nexcept ImportError:\n    pass\nDEBUG = False\n"
     + _DJANGO_BASE, "proj/settings.py", []),
])
def test_django_cookie_not_secure(source, path, expected):
    assert [line for line, _ in found(source, path, "DP248")] == expected


def test_messages_name_the_setting_the_default_and_the_fix():
    outcome = scan_snippet("DEBUG = False\n" + _DJANGO_BASE, "proj/settings.py", rules=["DP248"])
    (finding,) = outcome.findings
    assert "SESSION_COOKIE_SECURE (default False)" in finding.message
    assert "3.3.3" in finding.message and "SESSION_COOKIE_SECURE = True" in finding.message
    outcome = scan_snippet("listen_addresses = '*'\n", "postgresql.conf", rules=["DP240"])
    (finding,) = outcome.findings
    assert "defaults to off" in finding.message and "ssl = on" in finding.message
