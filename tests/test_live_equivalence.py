"""One schema, three live engines, their dumps: the same PII findings whichever way it is read.

The same customer/product schema is loaded into PostgreSQL (127.0.0.1:5432, user postgres,
trust), MariaDB (127.0.0.1:3306, root, no password) and SQLite, each in a uniquely named database
dropped afterwards. `dpscan db URL` must give the same (rule, table, column) PII findings as
`dpscan scan` of the SQL script that loaded it (the dump) and of the server's own schema-only dump
(pg_dump / mysqldump). A backend is skipped, with the reason, when its front end module is not
importable or its server is unreachable. A second test checks that no sampled value ever reaches
any output format.
"""

from __future__ import annotations

import importlib
import random
import shutil
import socket
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from .conftest import run_cli

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PG_PASSWORD = "Trust-ignores-this-9f3k"  # trust auth ignores it: checks a URL password is masked


def _resident_id(rng: random.Random) -> str:
    body = f"310104{rng.randint(1960, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


def _rows():
    rng = random.Random(7)
    customers = [(i, f"测试{'王李张刘陈'[i % 5]}{i}", _resident_id(rng), f"139{rng.randint(0, 99999999):08d}",
                  f"shopper{i}@example.cn") for i in range(1, 21)]
    products = [(i, f"Green tea {i}", f"TEA-{i:04d}", f"69{rng.randint(0, 10**11 - 1):011d}",
                 f"{rng.randint(100, 99999) / 100:.2f}") for i in range(1, 21)]
    return customers, products


CUSTOMERS, PRODUCTS = _rows()
SEEDED = [value for row in CUSTOMERS for value in row[2:5]]  # ID numbers, mobiles, e-mails


def _quote(value) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def dump_script(dialect: str) -> str:
    """The CREATE TABLE + INSERT script that loads the schema: what a data dump of it looks like."""
    tail = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" if dialect == "mysql" else ""
    lines = [
        "CREATE TABLE customer (\n  id integer PRIMARY KEY,\n  full_name varchar(50) NOT NULL,\n"
        "  id_card_no varchar(18),\n  mobile varchar(11),\n  email varchar(100)\n)" + tail + ";",
        "CREATE TABLE product (\n  id integer PRIMARY KEY,\n  name varchar(100),\n  sku varchar(20),\n"
        "  barcode varchar(13),\n  price numeric(10,2)\n)" + tail + ";",
    ]
    for table, rows in (("customer", CUSTOMERS), ("product", PRODUCTS)):
        lines += [f"INSERT INTO {table} VALUES ({', '.join(map(_quote, row))});" for row in rows]
    return "\n".join(lines) + "\n"


def _front_end(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError as exc:
        pytest.skip(f"{module} is not importable yet: {exc}")


def _reachable(port: int, name: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError as exc:
        pytest.skip(f"{name} is not accepting connections on 127.0.0.1:{port}: {exc}")


def _run(args: list[str], script: str | None = None) -> str:
    done = subprocess.run(args, input=script, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr}"
    return done.stdout


class Backend:
    """A database loaded with the script; ``url`` for `dpscan db`, ``native_dump()`` from the server's tool."""

    dialect = ""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.name = f"dpscan_eq_{uuid.uuid4().hex[:12]}"

    def native_dump(self) -> str | None:
        return None

    def drop(self) -> None:
        pass


class SqliteBackend(Backend):
    dialect = "sqlite"

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path)
        path = tmp_path / f"{self.name}.db"
        with sqlite3.connect(path) as conn:
            conn.executescript(dump_script("sqlite"))
        conn.close()
        self.url = f"sqlite:///{path}"


class PostgresBackend(Backend):
    dialect = "postgres"

    def __init__(self, tmp_path: Path) -> None:
        _front_end("scanner.live.postgres")
        if not shutil.which("psql"):
            pytest.skip("psql is not installed")
        _reachable(5432, "PostgreSQL")
        super().__init__(tmp_path)
        self.base = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
        _run(["psql", *self.base, "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c",
              f"CREATE DATABASE {self.name} ENCODING 'UTF8' TEMPLATE template0"])
        self.created = True
        _run(["psql", *self.base, "-q", "-v", "ON_ERROR_STOP=1", "-d", self.name], dump_script("postgres"))
        self.url = f"postgresql://postgres:{PG_PASSWORD}@127.0.0.1:5432/{self.name}"

    def native_dump(self) -> str | None:
        if not shutil.which("pg_dump"):
            return None
        return _run(["pg_dump", *self.base, "--schema-only", "--no-owner", self.name])

    def drop(self) -> None:
        subprocess.run(["psql", *self.base, "-q", "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {self.name}"],
                       capture_output=True, timeout=60, check=False)


class MysqlBackend(Backend):
    dialect = "mysql"

    def __init__(self, tmp_path: Path) -> None:
        _front_end("scanner.live.mysql")
        client = shutil.which("mariadb") or shutil.which("mysql")
        if not client:
            pytest.skip("the mariadb/mysql client is not installed")
        _reachable(3306, "MariaDB")
        super().__init__(tmp_path)
        self.client = client
        self.base = ["-h", "127.0.0.1", "-P", "3306", "-uroot", "--default-character-set=utf8mb4"]
        _run([client, *self.base, "-e", f"CREATE DATABASE {self.name} CHARACTER SET utf8mb4"])
        _run([client, *self.base, self.name], dump_script("mysql"))
        self.url = f"mysql://root@127.0.0.1:3306/{self.name}"

    def native_dump(self) -> str | None:
        tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
        if not tool:
            return None
        return _run([tool, "-h", "127.0.0.1", "-P", "3306", "-uroot", "--no-data", "--skip-comments", self.name])

    def drop(self) -> None:
        subprocess.run([self.client, *self.base, "-e", f"DROP DATABASE IF EXISTS {self.name}"],
                       capture_output=True, timeout=60, check=False)


BACKENDS = {"sqlite": SqliteBackend, "postgres": PostgresBackend, "mysql": MysqlBackend}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request, tmp_path):
    db = BACKENDS[request.param](tmp_path)
    yield db
    db.drop()


def _pii(data: dict) -> set[tuple[str, str, str]]:
    """(rule, table, column) of the PII findings (DP1xx), whatever prefixes schema and database add."""
    found = set()
    for f in data["findings"]:
        if not f["rule_id"].startswith("DP1"):
            continue
        obj = f["location"]["object"].rsplit("#", 1)[-1]
        table, column = obj.split(".")[-2:]
        found.add((f["rule_id"], table.lower(), column.lower()))
    return found


EXPECTED = {("DP101", "customer", column) for column in ("full_name", "id_card_no", "mobile", "email")}


def _scan_dump(tmp_path: Path, text: str, dialect: str, name: str) -> set[tuple[str, str, str]]:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "dump.sql").write_text(text, encoding="utf-8")
    run = run_cli("scan", ".", "--format", "json", "--dialect", dialect, cwd=folder)
    assert run.exit_code in (0, 1), run.stderr
    assert not run.json()["scan"]["errors"], run.json()["scan"]["errors"]
    return _pii(run.json())


def test_live_database_and_its_dumps_give_the_same_pii_findings(backend, tmp_path, validate_result):
    run = run_cli("db", backend.url, "--format", "json")
    assert run.exit_code == 1, run.stderr
    live = _pii(validate_result(run.json()))
    # DP101 on the four personal columns everywhere (plus DP103 "no classification label" where
    # the engine has column comments to carry one); the products are hard negatives.
    assert EXPECTED <= live and {table for _, table, _ in live} == {"customer"}
    assert _scan_dump(tmp_path, dump_script(backend.dialect), backend.dialect, "script") == live
    native = backend.native_dump()
    if native is not None:
        # a schema-only dump has no values, so only name-based classification: the same columns here
        assert _scan_dump(tmp_path, native, backend.dialect, "native") == live


def test_no_sampled_value_reaches_any_output(backend, tmp_path):
    outputs = {name: tmp_path / name for name in ("r.json", "r.sarif", "r.html", "r.txt", "b.json")}
    run = run_cli("db", backend.url, "--inventory", "--json", str(outputs["r.json"]), "--sarif",
                  str(outputs["r.sarif"]), "--html", str(outputs["r.html"]), "--write-baseline", str(outputs["b.json"]))
    assert run.exit_code == 1, run.stderr
    text_file = run_cli("db", backend.url, "--inventory", "-q", "--output", str(outputs["r.txt"]))
    json_out = run_cli("db", backend.url, "--format", "json")
    sarif_out = run_cli("db", backend.url, "--format", "sarif")
    produced = [run.stdout, run.stderr, text_file.stdout, text_file.stderr, json_out.stdout, sarif_out.stdout,
                *(path.read_text(encoding="utf-8") for path in outputs.values())]
    assert "customer.id_card_no" in run.stdout and "customer.mobile" in outputs["r.txt"].read_text()
    for output in produced:
        assert PG_PASSWORD not in output
        for value in SEEDED:
            assert value not in output, f"sampled value {value[:3]}... leaked"
