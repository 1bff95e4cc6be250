"""No output of dpscan ever carries a seeded personal value or a password (issue 10, item 4).

A synthetic tree is seeded with valid resident ID numbers (GB 11643 check digit), bank card numbers
(Luhn), mobile numbers, e-mail addresses, names and passwords, placed where real projects keep
them: SQL dumps (INSERT and COPY data, a role password, a statement that does not parse), a SQLite
database, .env files, Django settings, database URLs, Spring properties and YAML, Kubernetes YAML,
Terraform and Python code. Every output is then produced -- text (with --inventory, en and zh),
JSON, SARIF, HTML, the --write-baseline file, `dpscan hook`, `dpscan report`, `dpscan diff`,
`dpscan db` on the SQLite file -- each with `--log-level debug`, and none of the seeded values may
appear in stdout, stderr, a written file or the result cache: neither as written, nor with its
separators removed, nor (e-mails) in lower or upper case. `dpscan db` with a password that fails
(PostgreSQL refused, MariaDB access denied) must show the masked URL only.
"""

from __future__ import annotations

import json
import os
import random
import runpy
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.enrich.recognizers import luhn_valid, valid_cn_resident_id

from .conftest import REPO, run_cli, write

# The demo database's generators: a valid GB 11643 check character and a valid Luhn digit.
_GEN = runpy.run_path(str(REPO / "scripts" / "make_demo_sqlite.py"))
resident_id, bank_card = _GEN["resident_id"], _GEN["bank_card"]

_RNG = random.Random(20261128)
_SURNAMES = "欧司诸慕端皇"
_GIVEN = "梓萱皓轩雨桐子墨浩宇沐辰思琪"


def _person(i: int) -> dict[str, str]:
    return {
        "name": _SURNAMES[i] + _RNG.choice(_GIVEN) + _RNG.choice(_GIVEN),
        "id": resident_id(_RNG),
        "card": bank_card(_RNG),
        "mobile": f"1{_RNG.choice('3589')}{_RNG.randint(0, 9)}{_RNG.randint(0, 10**8 - 1):08d}",
        "email": f"Leak.Probe{i}.{_RNG.randint(100, 999)}@Example-Corp.cn",
        "password": f"Usr-Pw-{_RNG.randint(10**6, 10**7 - 1)}q",
    }


PEOPLE = [_person(i) for i in range(6)]
while not PEOPLE[1]["id"].endswith("X"):  # one ID number with the X check character
    PEOPLE[1]["id"] = resident_id(_RNG)

# One password (or key) per place it is hard-coded; all synthetic.
PW = {
    "env": "Env-Db-Pw-7Hq2xK",
    "env_url": "EnvUrlPw93kdLq",
    "django": "Dj4ngo-Settings-Pw-4kT",
    "django_secret": "dj-secret-key-8f3k2m9x1q7w5e4r6t0y",
    "django_url": "CacheUrlPw7731x",
    "spring": "Spr1ng-Leak-Pw-31Mm",
    "spring_jdbc": "JdbcUrlPw-55Rt",
    "yaml": "Yaml-Leak-Pw-88Qq",
    "k8s": "K8s-Leak-Pw-44Zz",
    "tf": "Tf-Leak-Pw-55Rr",
    "tf_key": "AKIAZ7Q3LEAKPROBE4X2",
    "py_pw": "Py-Hardcoded-Pw-22Kk",
    "py_key": "Py4esKeyBytes16Z",
    "py_url": "PyUrlPw-61Gh",
    "sql_role": "Sql-Role-Pw-09Ll",
    "mysql_user": "MySql-Grant-Pw-12Nn",
}
_DB_PASSWORD = "S3cretPassw0rd"


def _mobile_dashed(m: str) -> str:
    return f"{m[:3]}-{m[3:7]}-{m[7:]}"


def _card_spaced(c: str) -> str:
    return " ".join(c[i:i + 4] for i in range(0, len(c), 4))


def seeded_values() -> list[str]:
    """Every seeded value, in the forms it may take in an output."""
    values: list[str] = []
    for p in PEOPLE:
        values += [p["name"], p["id"], p["id"].lower(), p["card"], p["mobile"], p["password"],
                   _mobile_dashed(p["mobile"]), _card_spaced(p["card"]),
                   p["email"], p["email"].lower(), p["email"].upper()]
    values += list(PW.values()) + [_DB_PASSWORD]
    return values


def _stripped(value: str) -> str:
    return value.replace(" ", "").replace("-", "")


def leaks(text: str) -> list[str]:
    """Seeded values found in ``text``: as written, with separators removed, e-mails in any case."""
    found = []
    lowered = text.lower()
    for value in seeded_values():
        forms = {value, _stripped(value)}
        if any(len(form) >= 6 and form in text for form in forms) or ("@" in value and value.lower() in lowered):
            found.append(value)
    return found


# -- the seeded tree --------------------------------------------------------------------------
def _pg_dump() -> str:
    rows = "\n".join(f"{i}\t{p['name']}\t{p['id']}\t{p['mobile']}\t{p['email']}\t{p['card']}\t{p['password']}"
                     for i, p in enumerate(PEOPLE, 1))
    bad = PEOPLE[2]
    return f"""--
-- PostgreSQL database dump
--

CREATE TABLE public.customer (
    id bigint NOT NULL,
    full_name character varying(64),
    id_card_no character varying(18),
    mobile character varying(20),
    email character varying(128),
    bank_card character varying(19),
    login_password character varying(64)
);

CREATE TABLE public.memo (
    id bigint NOT NULL,
    note text
);

CREATE ROLE reporting LOGIN PASSWORD '{PW["sql_role"]}';

COPY public.customer (id, full_name, id_card_no, mobile, email, bank_card, login_password) FROM stdin;
{rows}
\\.

INSERT INTO public.memo VALUES (1, 'call {PEOPLE[3]['name']} on {PEOPLE[3]['mobile']} about card {PEOPLE[3]['card']}');
INSERT INTO public.memo VALUES (2 'broken {bad['id']} {bad['email']} {bad['mobile']}' ;;
CREATE TABLE public.broken (id int, note text DEFAULT '{bad['mobile']} {bad['email']}' CHECK (;
ALTER TABLE public.memo ADD CONSTRAINT c CHECK (note <> '{bad['id']}' AND ((;
"""


def _mysql_dump() -> str:
    values = ",".join(
        f"({i},'{p['name']}','{p['id']}','{_mobile_dashed(p['mobile'])}','{p['email']}','{_card_spaced(p['card'])}')"
        for i, p in enumerate(PEOPLE, 1))
    return f"""-- MySQL dump 10.13  Distrib 8.0.36
CREATE TABLE `member` (
  `id` int NOT NULL,
  `real_name` varchar(32) COMMENT '姓名',
  `id_number` varchar(18) COMMENT '身份证号',
  `phone` varchar(20) COMMENT '手机号',
  `email` varchar(128),
  `card_no` varchar(32) COMMENT '银行卡号',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `member` VALUES {values};
CREATE USER 'report'@'%' IDENTIFIED BY '{PW["mysql_user"]}';
GRANT ALL PRIVILEGES ON *.* TO 'report'@'%';
"""


def _sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, full_name TEXT, id_card_no TEXT, "
                   "mobile TEXT, email TEXT, bank_card TEXT, password TEXT, remark TEXT)")
        db.executemany("INSERT INTO customer VALUES (?,?,?,?,?,?,?,?)", [
            (i, p["name"], p["id"], p["mobile"], p["email"], p["card"], p["password"],
             f"{p['name']} {p['mobile']}") for i, p in enumerate(PEOPLE, 1)])
    db.close()


def build_tree(root: Path) -> Path:
    tree = root / "tree"
    p0, p4, p5 = PEOPLE[0], PEOPLE[4], PEOPLE[5]
    write(tree, "db/crm.sql", _pg_dump())
    write(tree, "db/member_mysql.sql", _mysql_dump())
    (tree / "db").mkdir(parents=True, exist_ok=True)
    _sqlite(tree / "db" / "shop.sqlite")
    write(tree, ".env", f"DB_HOST=db.internal\nDB_PASSWORD={PW['env']}\n"
                        f"DATABASE_URL=postgres://app:{PW['env_url']}@db.internal:5432/shop?sslmode=disable\n"
                        f"ADMIN_EMAIL={p0['email']}\nADMIN_MOBILE={p0['mobile']}\n")
    write(tree, "orders/settings.py", f'''"""Django settings (synthetic)."""
SECRET_KEY = "{PW["django_secret"]}"
DEBUG = True
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "orders",
        "USER": "orders_app",
        "PASSWORD": "{PW["django"]}",
        "HOST": "db.internal",
    }}
}}
CACHE_URL = "redis://:{PW["django_url"]}@cache.internal:6379/1"
ADMINS = [("{p4['name']}", "{p4['email']}")]
SESSION_COOKIE_SECURE = False
''')
    write(tree, "orders/models.py", '''from django.db import models


class Customer(models.Model):
    full_name = models.CharField(max_length=64)
    id_card_no = models.CharField(max_length=18)
    mobile = models.CharField(max_length=20)
    bank_card = models.CharField(max_length=19)
''')
    write(tree, "config/application.properties",
          f"spring.datasource.url=jdbc:mysql://db.internal:3306/shop?useSSL=false&user=shop&password={PW['spring_jdbc']}\n"
          f"spring.datasource.username=shop\nspring.datasource.password={PW['spring']}\n"
          f"app.support.email={p5['email']}\napp.support.phone={p5['mobile']}\n")
    write(tree, "config/application.yml", f"""spring:
  datasource:
    url: jdbc:postgresql://db.internal:5432/shop
    username: shop
    password: {PW["yaml"]}
  mail:
    username: {p5['email']}
""")
    write(tree, "deploy/k8s/db.yaml", f"""apiVersion: v1
kind: Pod
metadata:
  name: mysql
spec:
  containers:
    - name: mysql
      image: mysql:8
      env:
        - name: MYSQL_ROOT_PASSWORD
          value: "{PW["k8s"]}"
""")
    write(tree, "deploy/main.tf", f"""provider "aws" {{
  region     = "cn-north-1"
  access_key = "{PW["tf_key"]}"
}}

resource "aws_db_instance" "shop" {{
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  username            = "admin"
  password            = "{PW["tf"]}"
  storage_encrypted   = false
  publicly_accessible = true
}}
""")
    write(tree, "app/crypto_util.py", f'''import hashlib
import requests
from Crypto.Cipher import AES

DB_PASSWORD = "{PW["py_pw"]}"
KEY = b"{PW["py_key"]}"
ENGINE_URL = "mysql+pymysql://app:{PW["py_url"]}@db.internal/shop"
OWNER = "{p4['name']}"  # {p4['email']}, {p4['mobile']}, card {p4['card']}, id {p4['id']}


def encrypt(data):
    return AES.new(KEY, AES.MODE_ECB).encrypt(data)


def fingerprint(id_number="{p4['id']}"):
    return hashlib.md5(id_number.encode()).hexdigest()


def fetch():
    return requests.get("https://api.internal", auth=("svc", "{PW["py_pw"]}"), verify=False)
''')
    write(tree, "notes/customers.txt", "\n".join(f"{p['name']} {p['id']} {p['mobile']} {p['email']} {p['card']}"
                                                  for p in PEOPLE) + "\n")
    # Enough inputs for the engine's process pool (24) when run with --jobs 2.
    for i in range(20):
        write(tree, f"misc/mod{i:02d}.py", f"VALUE_{i} = {i}\n")
    return tree


# -- the runs -----------------------------------------------------------------------------------
def _collect_files(directory: Path, prefix: str, outputs: dict[str, str]) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            outputs[f"{prefix}{path.relative_to(directory)}"] = path.read_bytes().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """name -> text of every stdout, stderr and written file of every command."""
    root = tmp_path_factory.mktemp("noleak")
    tree = build_tree(root)
    out = root / "out"
    out.mkdir()
    cache = root / "cache"
    saved = {k: os.environ.get(k) for k in ("DPSCAN_CACHE_DIR", "LANG", "LC_ALL")}
    os.environ["DPSCAN_CACHE_DIR"] = str(cache)
    results: dict[str, str] = {}

    def run(name: str, *args: str, codes=(0, 1)) -> None:
        r = run_cli("--log-level", "debug", *args, cwd=tree)
        assert r.exit_code in codes, f"{name}: exit {r.exit_code}\n{r.stderr}"
        results[f"{name}:stdout"], results[f"{name}:stderr"] = r.stdout, r.stderr

    try:
        run("scan-text-en", "scan", ".", "--inventory", "--lang", "en", "--jobs", "1")
        run("scan-text-zh", "scan", ".", "--inventory", "--lang", "zh", "--jobs", "1")
        for fmt in ("json", "sarif", "html"):
            run(f"scan-{fmt}", "scan", ".", "--format", fmt, "--jobs", "1")
        run("scan-files", "scan", ".", "--jobs", "1", "--inventory", "-o", str(out / "r.txt"),
            "--json", str(out / "new.json"), "--sarif", str(out / "r.sarif"), "--html", str(out / "r.html"),
            "--write-baseline", str(out / "baseline.json"))
        run("scan-zh-html", "scan", ".", "--jobs", "1", "--lang", "zh", "--html", str(out / "r-zh.html"), "-q")
        run("scan-old", "scan", "db", "config", "--jobs", "1", "-q", "--json", str(out / "old.json"))
        run("scan-baseline", "scan", ".", "--jobs", "1", "--baseline", str(out / "baseline.json"))
        files = [str(p.relative_to(tree)) for p in sorted(tree.rglob("*")) if p.is_file()]
        run("hook-en", "hook", *files, "--lang", "en")
        run("hook-zh", "hook", *files, "--lang", "zh")
        run("report-text", "report", str(out / "new.json"), "--lang", "zh")
        run("report-files", "report", str(out / "new.json"), "-o", str(out / "report.txt"),
            "--html", str(out / "report.html"), "--sarif", str(out / "report.sarif"), "--json", str(out / "report.json"))
        run("diff-text", "diff", str(out / "old.json"), str(out / "new.json"))
        run("diff-json", "diff", str(out / "old.json"), str(out / "new.json"), "--format", "json")
        db_url = f"sqlite:///{tree / 'db' / 'shop.sqlite'}"
        run("db-sqlite", "db", db_url, "--inventory", "--json", str(out / "db.json"), "--html", str(out / "db.html"),
            "--sarif", str(out / "db.sarif"))
        # The real entry point in its own process, logging configured from the environment, with a
        # process pool (the workers log to the inherited stderr).
        # A cache of its own, so that this run parses and runs every rule (and the cache is grepped).
        env = {**os.environ, "DPSCAN_LOG_LEVEL": "debug", "PYTHONPATH": str(REPO),
               "DPSCAN_CACHE_DIR": str(cache / "subprocess")}
        proc = subprocess.run([sys.executable, "-m", "scanner", "scan", ".", "--jobs", "2", "--inventory",
                               "--json", str(out / "proc.json")], cwd=tree, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        assert "rule DP101 ran" in proc.stderr  # the debug log did run
        results["subprocess:stdout"], results["subprocess:stderr"] = proc.stdout, proc.stderr
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    _collect_files(out, "file:", results)
    if cache.exists():  # the result cache, when the engine has one
        _collect_files(cache, "cache:", results)
    for name, text in list(results.items()):
        try:  # JSON escapes non-ASCII: look at the decoded strings as well
            results[name + " (decoded)"] = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return results


def test_seeded_values_are_valid():
    for p in PEOPLE:
        assert valid_cn_resident_id(p["id"]) and luhn_valid(p["card"]), p
    assert any(p["id"].endswith("X") for p in PEOPLE)


def test_the_scan_found_what_was_seeded(outputs):
    """Not vacuous: the seeded places produced findings and inventory entries."""
    data = json.loads(outputs["file:new.json"])
    rules = {f["rule_id"] for f in data["findings"]}
    assert {"DP101", "DP202", "DP407", "DP430", "DP431", "DP432", "DP433"} <= rules, rules
    if not any(e["kind"] == "python" for e in data["scan"]["errors"]):  # the Python front end works
        assert {"DP201", "DP304"} <= rules, rules
    objects = {i["object"] for i in data["inventory"]}
    assert {"public.customer.id_card_no", "member.id_number", "customer.bank_card"} <= objects, objects
    assert [w for w in data["scan"]["warnings"] if w["path"] == "db/crm.sql"]  # the unparsable statements
    assert "rule DP101 ran" in outputs["scan-text-en:stderr"]  # the first run, before the cache fills
    for name in ("hook-en:stdout", "diff-text:stdout", "report-text:stdout", "db-sqlite:stdout"):
        assert outputs[name].strip(), name


def test_no_output_leaks_a_seeded_value(outputs):
    leaked = {name: found for name, text in outputs.items() if (found := leaks(text))}
    assert not leaked, json.dumps(leaked, ensure_ascii=False, indent=1)


# -- database passwords -------------------------------------------------------------------------
def _assert_masked(run, password: str, masked_url: str) -> None:
    assert run.exit_code == 2, run.stdout + run.stderr
    text = run.stdout + run.stderr
    assert password not in text
    assert masked_url in text, text


def test_refused_postgres_url_shows_the_masked_url(tmp_path):
    url = f"postgresql://user:{_DB_PASSWORD}@127.0.0.1:1/x"
    run = run_cli("--log-level", "debug", "db", url, "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    _assert_masked(run, _DB_PASSWORD, "postgresql://user:****@127.0.0.1:1/x")
    assert not (tmp_path / "r.json").exists() or _DB_PASSWORD not in (tmp_path / "r.json").read_text()


def _mariadb_root():
    pymysql = pytest.importorskip("pymysql")
    try:
        return pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", connect_timeout=3,
                               autocommit=True)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no MariaDB with a password-less root on 127.0.0.1:3306 ({exc})")


def test_wrong_mysql_password_shows_the_masked_url(tmp_path):
    conn = _mariadb_root()
    user, right, wrong = "dpscan_noleak", "Right-Maria-Pw-71Ab", "Wr0ng-Maria-Pw-29Cd"
    with conn.cursor() as cur:
        cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
        cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{right}'")
    try:
        url = f"mysql://{user}:{wrong}@127.0.0.1:3306/mysql"
        run = run_cli("--log-level", "debug", "db", url, "--json", str(tmp_path / "r.json"), cwd=tmp_path)
        _assert_masked(run, wrong, f"mysql://{user}:****@127.0.0.1:3306/mysql")
        assert right not in run.stdout + run.stderr
        # The password from the environment, not the URL: never echoed either.
        os.environ["DPSCAN_NOLEAK_PW"] = wrong
        try:
            run = run_cli("--log-level", "debug", "db", f"mariadb://{user}@127.0.0.1:3306/mysql",
                          "--password-env", "DPSCAN_NOLEAK_PW", cwd=tmp_path)
        finally:
            del os.environ["DPSCAN_NOLEAK_PW"]
        assert run.exit_code == 2 and wrong not in run.stdout + run.stderr
        # And a run that connects: the right password is in no output either.
        run = run_cli("--log-level", "debug", "db", f"mysql://{user}:{right}@127.0.0.1:3306/mysql",
                      "--json", str(tmp_path / "ok.json"), "--html", str(tmp_path / "ok.html"), cwd=tmp_path)
        assert run.exit_code in (0, 1, 2), run.stderr
        written = "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())
        assert right not in run.stdout + run.stderr + written
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
        conn.close()


# -- the masks that the end-to-end run above needed (issue 10) -------------------------------------
@pytest.mark.parametrize("line, secret", [
    ("CREATE USER 'report'@'%' IDENTIFIED BY 'MySql-Grant-Pw-12Nn';", "MySql-Grant-Pw-12Nn"),
    ("CREATE USER 'a'@'h' IDENTIFIED WITH caching_sha2_password BY 'p''w0rd-x';", "w0rd-x"),
    ("GRANT ALL ON *.* TO 'a'@'h' IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9';",
     "6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9"),
    ("CREATE ROLE reporting LOGIN PASSWORD 'Sql-Role-Pw-09Ll';", "Sql-Role-Pw-09Ll"),
    ("ALTER ROLE app WITH ENCRYPTED PASSWORD 'md5abc123def';", "md5abc123def"),
    ("CREATE USER scott IDENTIFIED BY tiger;", "tiger"),
    ("SET PASSWORD FOR 'bob'@'%' = PASSWORD('Newp4ss-x');", "Newp4ss-x"),
    ("SET PASSWORD FOR 'bob'@'%' = 'Newp4ss-x';", "Newp4ss-x"),
    ('requests.get("https://api.internal", auth=("svc", "Py-Hardcoded-Pw-22Kk"), verify=False)',
     "Py-Hardcoded-Pw-22Kk"),
    ("s.auth = HTTPBasicAuth('user', 'Secr3tValue')", "Secr3tValue"),
    ("aiohttp.BasicAuth(login, 'Secr3tValue')", "Secr3tValue"),
])
def test_redact_text_masks_sql_and_http_auth_passwords(line, secret):
    from scanner.mask import redact_text

    masked = redact_text(line)
    assert secret not in masked and "****" in masked
    assert redact_text(masked) == masked  # idempotent


@pytest.mark.parametrize("line", [
    "ALTER USER app PASSWORD NULL;",
    "ALTER USER 'u'@'h' PASSWORD EXPIRE INTERVAL 90 DAY;",
    "CREATE USER 'u'@'h' IDENTIFIED BY '';",  # no password: a finding of its own, shown as is
    "requests.get(u, auth=(USER, PASSWORD))",
    "the password policy is strict",
])
def test_redact_text_leaves_non_secrets(line):
    from scanner.mask import redact_text

    assert redact_text(line) == line
