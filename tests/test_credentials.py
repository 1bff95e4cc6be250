"""Hard-coded credentials (DP430-DP435): tables of lines, placeholders, and masking end to end."""

from __future__ import annotations

import re
import shutil

import pytest

from scanner.secrets import is_placeholder, is_reference

from .conftest import FIXTURES, run_cli, scan_snippet


def _hits(source: str, path: str, rule: str) -> list:
    outcome = scan_snippet(source + "\n", path, rules=[rule])
    assert not outcome.errors, outcome.errors
    return outcome.findings


@pytest.mark.parametrize("value", [
    "${DB_PASSWORD}", "$DB_PASSWORD", "%(password)s", "{{ .Values.db.password }}", "<password>",
    "changeme", "password", "xxx", "***", "your-password", "", "vault:secret/db#pw",
    "secretsmanager:prod/db", "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)", "!vault |",
    "{cipher}AQA1", "{password}", "${DB_PASSWORD:-x}",
])
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["Sup3rS3cret", "test", "R3disPw", "x9", "changeme2024!"])
def test_real_values_are_not_placeholders(value):
    assert not is_placeholder(value)


def test_reference_is_narrower_than_placeholder():
    assert is_reference(":app_password")
    assert not is_reference("changeme")


@pytest.mark.parametrize("line, path, expected", [
    ("DATABASE_URL=postgresql://app:S3cret-pw@db.internal/orders", ".env", 1),
    ("DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.internal/orders", ".env", 0),
    ("DATABASE_URL=postgresql://app@db.internal/orders", ".env", 0),
    ("REDIS_URL=redis://:R3dis-pw@cache:6379/0", ".env", 1),
    ("MQ=amqp://orders:Mq-pw-123@mq.internal:5672/", ".env", 1),
    ("MONGO=mongodb+srv://rep:M0ngo-pw@cluster0.example.net/db", ".env", 1),
    ("MONGO=mongodb://rep:<password>@mongo/db", ".env", 0),
    ("url=jdbc:mysql://db/shop?user=app&password=Jdbc-pw-1", "a.properties", 1),
    ("url=jdbc:mysql://db/shop?user=app&password=${PW}", "a.properties", 0),
    ('DSN = "host=db dbname=orders user=app password=Lib-pq-pw"', "s.py", 1),
    ("DSN = \"host=db dbname=orders user=app password='Lib pq pw'\"", "s.py", 1),
    ('DSN = "host=db dbname=orders user=app password=%(password)s"', "s.py", 0),
    ('URL = f"postgresql://app:{password}@{host}/orders"', "s.py", 0),
    ("spring.datasource.password=NotAUrl-pw", "a.properties", 0),  # DP432's
    ("see https://user:pw@example.com/", "notes.md", 0),  # not a data store
    ("# DATABASE_URL=postgresql://app:Old-pw@db/orders", ".env", 0),  # a comment
])
def test_db_url_password_table(line, path, expected):
    assert len(_hits(line, path, "DP430")) == expected


def test_db_url_password_loopback_is_medium():
    (finding,) = _hits("U=postgresql://app:Loc4l-pw@localhost/orders", ".env", "DP430")
    assert finding.severity.value == "medium"
    assert finding.evidence == "postgresql://app:****@localhost/orders"


@pytest.mark.parametrize("line, expected", [
    ("CREATE ROLE app LOGIN PASSWORD 'Plain-pw-1';", [("DP431", "high")]),
    ("ALTER ROLE app WITH ENCRYPTED PASSWORD 'Plain-pw-1' VALID UNTIL 'infinity';",
     [("DP431", "high")]),
    ("ALTER ROLE app PASSWORD 'md5" + "0" * 32 + "';", [("DP431", "low")]),
    ("ALTER ROLE app PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$aGFzaA==:a2V5';", []),
    ("CREATE ROLE app PASSWORD :'app_password';", []),
    ("CREATE ROLE app PASSWORD 'changeme';", [("DP431", "high")]),  # it really is set
    ("CREATE USER 'shop'@'%' IDENTIFIED BY 'Sh0p-pw';", [("DP431", "high")]),
    ("CREATE USER 'shop'@'%' IDENTIFIED BY '';", []),
    ("CREATE USER shop IDENTIFIED BY PASSWORD '*" + "A" * 40 + "';", [("DP431", "low")]),
    ("SET PASSWORD FOR 'shop'@'%' = 'Sh0p-pw';", [("DP431", "high")]),
    ("CREATE TABLE account (password text);", []),
])
def test_sql_role_password_table(line, expected):
    got = [(f.rule_id, f.severity.value) for f in _hits(line, "roles.sql", "DP431")]
    assert got == expected


@pytest.mark.parametrize("line, expected", [
    ("spring.datasource.password=Spr1ng-pw", 1),
    ("spring.datasource.password=${DB_PASSWORD}", 0),
    ("spring.datasource.password=", 0),
    ("spring.datasource.password=ENC(abc)", 0),
    ("spring.redis.password=R3dis-pw", 1),
    ("spring.datasource.username=orders_app", 0),
    ("server.ssl.key-store-password=Keyst0re-pw", 0),  # not a data store's
])
def test_spring_table(line, expected):
    assert len(_hits(line, "application.properties", "DP432")) == expected


@pytest.mark.parametrize("line, expected", [
    ("DB_PASSWORD=Orders-2024!", [("DP433", "high")]),
    ("PGPASSWORD=Orders-2024!", [("DP433", "high")]),
    ("export REDIS_SECRET='c4che-s3cret'", [("DP433", "high")]),
    ("SMTP_PASSWORD=Sm7p-pw", [("DP433", "medium")]),
    ("JWT_SECRET=abcdef123456", []),
    ("DB_PASSWORD=", []),
    ("DB_PASSWORD=changeme", []),
    ("DB_PASSWORD=${VAULT_DB_PASSWORD}", []),
    ('DB_PASSWORD="" # set by CI', []),
    ("# DB_PASSWORD=Old-pw", []),
])
def test_dotenv_table(line, expected):
    got = [(f.rule_id, f.severity.value) for f in _hits(line, ".env", "DP433")]
    assert got == expected


@pytest.mark.parametrize("source, expected", [
    ('DATABASES = {"default": {"NAME": "o", "PASSWORD": "Dj-pw-1"}}', 1),
    ('DATABASES = {"default": {"NAME": "o", "PASSWORD": os.environ["PW"]}}', 0),
    ('DATABASES = {"default": {"NAME": "o", "PASSWORD": os.getenv("PW")}}', 0),
    ('DATABASES = {"default": {"NAME": "o", "PASSWORD": ""}}', 0),
    ('DATABASES["default"]["PASSWORD"] = "Dj-pw-1"', 1),
    ('CACHES = {"default": {"PASSWORD": "not-a-db"}}', 0),
])
def test_django_table(source, expected):
    assert len(_hits(source, "settings.py", "DP434")) == expected


def test_private_keys_in_fixtures():
    outcome = scan_snippet((FIXTURES / "credentials/deploy/id_rsa").read_text(), "deploy/id_rsa",
                           rules=["DP435"])
    assert [f.severity.value for f in outcome.findings] == ["high"]
    pem = (FIXTURES / "credentials/deploy/backup_signing.pem").read_text()
    outcome = scan_snippet(pem, "deploy/backup_signing.pem", rules=["DP435"])
    assert [f.severity.value for f in outcome.findings] == ["low"]


# -- masking, end to end --------------------------------------------------------------------
SECRETS = [
    "St4ging-Db-Pw", "Rabb1t-S3cret-9", "Sm7p-Pw-2024", "St4ging-Url-Pw", "Dj4ngo-St4ging-Pw",
    "R3port-St4ging-Pw", "C4che-St4ging-Pw", "Spr1ng-St4ging-Pw", "Flyw4y-St4ging-Pw",
    "Sq1Srv-St4ging-Pw", "R0le-Pl4in-St4ging", "My5ql-Sh0p-St4ging",
]


def _key_bodies() -> list[str]:
    text = (FIXTURES / "credentials/deploy/id_rsa").read_text()
    return [line for line in text.splitlines() if re.fullmatch(r"[A-Za-z0-9+/=]{40,}", line)]


def test_no_output_contains_a_fixture_secret(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "credentials", tree)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli("scan", str(tree), "--format", "text", "--json", str(out / "r.json"),
                  "--sarif", str(out / "r.sarif"), "--html", str(out / "r.html"))
    assert run.exit_code in (0, 1), run.stderr
    outputs = {"text": run.stdout + run.stderr}
    outputs.update({p.name: p.read_text(encoding="utf-8") for p in out.iterdir()})
    for fmt in ("json", "sarif", "html"):
        flag = run_cli("scan", str(tree), "--format", fmt)
        outputs[f"stdout-{fmt}"] = flag.stdout + flag.stderr
    assert "DP430" in outputs["r.json"] and "DP435" in outputs["r.json"]
    secrets = SECRETS + _key_bodies()
    assert len(secrets) > len(SECRETS)
    for name, text in outputs.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name} leaks {leaked}"
