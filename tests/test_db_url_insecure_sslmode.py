"""DP202 db-url-insecure-sslmode, driven directly on the strings model."""

from __future__ import annotations

import pytest

from detectors.transport.db_url_insecure_sslmode import DbUrlInsecureSslmode
from scanner.finding import Confidence, Severity
from scanner.parsers import builder
from scanner.rule import RuleContext

H, M = Severity.HIGH, Severity.MEDIUM


def run(source, path=".env", **options):
    rule = DbUrlInsecureSslmode(options)
    model = builder(rule.model)(source, path)
    ctx = RuleContext(path=path, kind="dotenv", text=source, options=rule.settings)
    return list(rule.check(model, ctx))


def found(source, path=".env", **options):
    return [(f.location.line, f.key, f.severity) for f in run(source, path, **options)]


@pytest.mark.parametrize("source, expected", [
    # PostgreSQL URLs, every scheme spelling
    ("DB=postgresql://app:pw@db.internal:5432/app?sslmode=disable\n",
     [(1, "postgresql:db.internal:sslmode=disable", H)]),
    ("DB=postgres://db.internal/app?sslmode=allow\n", [(1, "postgresql:db.internal:sslmode=allow", M)]),
    ("DB=postgresql+psycopg2://app@db.internal/app?connect_timeout=5&sslmode=prefer\n",
     [(1, "postgresql:db.internal:sslmode=prefer", M)]),
    ("DB=postgresql+asyncpg://app@db.internal/app?sslmode=disable\n",
     [(1, "postgresql:db.internal:sslmode=disable", H)]),
    ("url=jdbc:postgresql://db1.example.com,db2.example.com:5433/app?sslmode=disable\n",
     [(1, "postgresql:db1.example.com,db2.example.com:sslmode=disable", H)]),
    ("DB=postgresql://app@[2001:db8::5]:5432/app?sslmode=disable\n",
     [(1, "postgresql:[2001:db8::5]:sslmode=disable", H)]),
    # the last occurrence wins, as in libpq; the worst weakness is reported once
    ("DB=postgresql://db.internal/app?sslmode=disable&sslmode=verify-full\n", []),
    # libpq keyword DSNs and environment settings
    ('DSN="host=db.internal port=5432 dbname=app user=app sslmode=disable"\n',
     [(1, "postgresql:db.internal:sslmode=disable", H)]),
    ("PGSSLMODE=prefer\n", [(1, "postgresql:*:PGSSLMODE=prefer", M)]),
    ("export PGSSLMODE=disable\n", [(1, "postgresql:*:PGSSLMODE=disable", H)]),
    ("sslmode: allow\n", [(1, "database:*:sslmode=allow", M)]),
    # MySQL / MariaDB
    ("url=jdbc:mysql://mysql.example.com:3306/shop?useSSL=false\n",
     [(1, "mysql:mysql.example.com:useSSL=false", H)]),
    ("url=jdbc:mysql://mysql.example.com/shop?USESSL=FALSE\n",
     [(1, "mysql:mysql.example.com:USESSL=FALSE", H)]),
    ("url=jdbc:mysql://mysql.example.com/shop?sslMode=DISABLED\n",
     [(1, "mysql:mysql.example.com:sslMode=DISABLED", H)]),
    ("url=jdbc:mysql://mysql.example.com/shop?sslMode=PREFERRED\n",
     [(1, "mysql:mysql.example.com:sslMode=PREFERRED", M)]),
    ("url=jdbc:mysql://mysql.example.com/shop?useSSL=true&requireSSL=false\n",
     [(1, "mysql:mysql.example.com:requireSSL=false", M)]),
    ("url=jdbc:mysql://mysql.example.com/shop?useSSL=false&requireSSL=false\n",
     [(1, "mysql:mysql.example.com:useSSL=false", H)]),
    ("url=jdbc:mysql:replication://a.example.com,b.example.com/shop?sslMode=DISABLED\n",
     [(1, "mysql:a.example.com,b.example.com:sslMode=DISABLED", H)]),
    ("url=jdbc:mariadb://maria.example.com/shop?sslMode=disable\n",
     [(1, "mariadb:maria.example.com:sslMode=disable", H)]),
    ("DB=mysql+mysqldb://shop@mysql.example.com/shop?ssl_mode=DISABLED\n",
     [(1, "mysql:mysql.example.com:ssl_mode=DISABLED", H)]),
    ("DB=mysql://shop@mysql.example.com/shop?ssl-mode=PREFERRED\n",
     [(1, "mysql:mysql.example.com:ssl-mode=PREFERRED", M)]),
    ("DB=mysql+mysqlconnector://shop@mysql.example.com/shop?ssl_disabled=True\n",
     [(1, "mysql:mysql.example.com:ssl_disabled=True", H)]),
    ('<property name="url" value="jdbc:mysql://mysql.example.com/shop?a=1&amp;useSSL=false"/>\n',
     [(1, "mysql:mysql.example.com:useSSL=false", H)]),
    ("DB=postgresql://a@db.internal/x?sslmode=disable MIRROR=postgres://a@m.example.com/x?sslmode=allow\n",
     [(1, "postgresql:db.internal:sslmode=disable", H), (1, "postgresql:m.example.com:sslmode=allow", M)]),
])
def test_flags_weak_connection_strings(source, expected):
    assert found(source) == expected


@pytest.mark.parametrize("source", [
    "DB=postgresql://app@db.internal/app?sslmode=require\n",
    "DB=postgresql://app@db.internal/app?sslmode=verify-full&sslrootcert=/etc/pki/ca.pem\n",
    "DB=postgresql://app@db.internal/app\n",  # libpq's default is prefer; not written out: not judged
    "DB=postgresql://app@db.internal/app?SSLMODE=disable\n",  # libpq rejects the keyword: no connection
    "DB=https://api.example.com/?sslmode=disable\n",  # not a database URL
    "url=jdbc:mysql://mysql.example.com/shop?useSSL=false&sslMode=VERIFY_IDENTITY\n",  # sslMode wins
    "url=jdbc:mysql://mysql.example.com/shop?sslMode=REQUIRED\n",
    '<httpCookies requireSSL="false" />\n',  # ASP.NET cookies, not a database
    "useSSL=false\n",  # legacy MySQL flags count only inside MySQL URLs
    "# DATABASE_URL=postgresql://app@db.internal/app?sslmode=disable\n",
    "PGSSLMODE=verify-full\n",
    'DSN="host=db.internal dbname=app sslmode=verify-ca"\n',
    "DB=postgresql://app@[::1/app?sslmode=disable\n",  # malformed: nothing we can read
])
def test_leaves_strong_or_unrelated_strings_alone(source):
    assert found(source) == []


@pytest.mark.parametrize("source", [
    "DB=postgresql://app:pw@localhost:5432/app?sslmode=disable\n",
    "DB=postgresql://app:pw@127.0.0.1/app?sslmode=disable\n",
    "DB=postgresql://app:pw@[::1]:5432/app?sslmode=disable\n",
    "DB=postgresql:///app?host=/var/run/postgresql&sslmode=disable\n",
    "DB=postgresql://%2Fvar%2Frun%2Fpostgresql/app?sslmode=disable\n",
    'DSN="host=/tmp dbname=app sslmode=disable"\n',
    'DSN="dbname=app user=app sslmode=disable"\n',  # no host: libpq's local socket
    "url=jdbc:mysql://localhost:3306/shop?useSSL=false\n",
])
def test_loopback_is_ignored_by_default_and_reported_on_request(source):
    assert found(source) == []
    assert len(found(source, ignore_loopback=False)) == 1


def test_weak_modes_option_narrows_what_is_reported():
    source = ("A=postgresql://a@db.internal/x?sslmode=prefer\n"
              "B=postgresql://a@db.internal/x?sslmode=disable\n"
              "C=jdbc:mysql://m.example.com/x?sslMode=PREFERRED\n"
              "D=postgresql://a@db.internal/x?sslmode=allow\n")
    assert [line for line, _k, _s in found(source)] == [1, 2, 3, 4]
    assert [line for line, _k, _s in found(source, weak_modes=["disable"])] == [2]
    assert [line for line, _k, _s in found(source, weak_modes=["allow", "prefer"])] == [1, 3, 4]


@pytest.mark.parametrize("options, message", [
    ({"weak_mode": ["disable"]}, "unknown option"),
    ({"weak_modes": ["disable", "require"]}, "not in"),
    ({"weak_modes": "disable"}, "must be list"),
    ({"ignore_loopback": "yes"}, "must be bool"),
])
def test_bad_options_are_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        DbUrlInsecureSslmode(options)


@pytest.mark.parametrize("path, source, line", [
    ("settings.py", 'OPTIONS = {"sslmode": "disable"}\n', 1),
    ("settings.py", 'os.environ["PGSSLMODE"] = "prefer"\n', 1),
    ("settings.py", 'os.environ.setdefault(\n    "PGSSLMODE",\n    "allow",\n)\n', 3),
    ("deploy.yaml", "env:\n  - name: PGSSLMODE\n    # why\n    value: disable\n", 4),
    ("settings.py", 'DSN = f"postgresql://app:{pw}@{host}/app?sslmode=disable"\n', 1),
])
def test_values_split_from_their_names(path, source, line):
    [finding] = run(source, path)
    assert finding.location.line == line


def test_a_name_far_from_a_value_is_not_paired():
    assert run('MODE = "sslmode"\n\n\n\n\nDEFAULT = "disable"\n', "settings.py") == []
    assert run('x = {"sslmode": "require", "fallback": "disable"}\n', "settings.py") == []


def test_app_specific_setting_names_are_medium_confidence():
    [finding] = run("DB_SSLMODE=disable\n")
    assert finding.confidence is Confidence.MEDIUM and finding.severity is Severity.HIGH
    [finding] = run("PGSSLMODE=disable\n")
    assert finding.confidence is Confidence.HIGH


def test_message_location_and_masking():
    source = "   DATABASE_URL=postgresql://orders_app:Sup3rS3cret@db.internal:5432/orders?sslmode=disable\n"
    [finding] = run(source)
    assert finding.message == "postgresql connection to db.internal turns TLS off (sslmode=disable)"
    assert (finding.location.line, finding.location.column) == (1, 17)
    assert "orders_app:****@db.internal" in finding.evidence
    assert "Sup3rS3cret" not in finding.evidence + finding.message + finding.key
    assert "orders_app" not in finding.key


@pytest.mark.parametrize("source, secret", [
    ("url=jdbc:mysql://m.example.com/shop?user=shop&password=Sh0pPw&useSSL=false\n", "Sh0pPw"),
    ('DSN="host=db.internal dbname=app user=app password=B1llPw sslmode=disable"\n', "B1llPw"),
    ("DB=mysql://shop:Sh0p%40Pw@m.example.com/shop?sslMode=DISABLED\n", "Sh0p%40Pw"),
])
def test_passwords_never_reach_the_output(source, secret):
    [finding] = run(source)
    assert secret not in finding.evidence + finding.message + finding.key
    assert "****" in finding.evidence
