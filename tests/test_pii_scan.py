"""PII columns end to end: SQL dumps and ORM files through the CLI, the inventory, and no leaks."""

from __future__ import annotations

import json

import pytest

from .conftest import REPO, run_cli, write

# Synthetic people; the ID number carries a valid GB 11643 check digit, the card a valid Luhn digit.
ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"
CARD = "6222020200112233446"
EMAIL = "li.lei@example.cn"

PG_DUMP = f"""--
-- PostgreSQL database dump
--

CREATE TABLE public.customer (
    id bigint NOT NULL,
    full_name character varying(64),
    id_card_no character varying(18),
    ref_value character varying(32),
    bank_card character varying(19),
    email character varying(128),
    id_card_enc bytea
);

COMMENT ON COLUMN public.customer.full_name IS '客户姓名';

CREATE TABLE public.product (
    id bigint NOT NULL,
    name character varying(64),
    phone_count integer
);

COPY public.customer (id, full_name, id_card_no, ref_value, bank_card, email, id_card_enc) FROM stdin;
1\t李雷\t{ID_NUMBER}\t{MOBILE}\t{CARD}\t{EMAIL}\t\\\\x8f3a91c2
2\t韩梅梅\t110105194912310011\t13812345679\t6222020200112233453\tmei@example.cn\t\\\\x1b2c3d4e
3\t王小明\t110101199003071233\t13712345670\t6222020200112233461\twxm@example.cn\t\\\\x99aabbcc
\\.
"""


@pytest.fixture
def dump_tree(tmp_path):
    write(tmp_path, "db/crm.sql", PG_DUMP)
    return tmp_path


def _json(run) -> dict:
    assert run.exit_code in (0, 1), run.stderr
    return run.json()


def test_inventory_lists_classified_columns(dump_tree, validate_result):
    data = validate_result(_json(run_cli("scan", ".", "--format", "json", cwd=dump_tree)))
    inventory = {item["object"]: item for item in data["inventory"]}
    assert "public.customer.id_card_no" in inventory
    assert inventory["public.customer.id_card_no"]["sensitivity"] == "sensitive"
    assert inventory["public.customer.ref_value"]["category"] == "phone"  # decided by its values
    assert inventory["public.customer.ref_value"]["source"] == "values"
    assert "public.product.name" not in inventory and "public.product.phone_count" not in inventory
    plaintext = {f["location"]["object"] for f in data["findings"] if f["rule_id"] == "DP101"}
    assert {"public.customer.id_card_no", "public.customer.full_name"} <= plaintext
    assert "public.customer.id_card_enc" not in plaintext


def test_findings_name_the_column_and_its_own_line(dump_tree):
    data = _json(run_cli("scan", ".", "--format", "json", "--select", "DP101", cwd=dump_tree))
    by_object = {f["location"]["object"]: f for f in data["findings"]}
    finding = by_object["public.customer.id_card_no"]
    assert finding["location"]["path"] == "db/crm.sql"
    assert finding["location"]["line"] == PG_DUMP.splitlines().index("    id_card_no character varying(18),") + 1
    assert finding["severity"] == "high" and finding["clauses"] == ["3.3.2"]


def test_no_output_holds_a_sampled_value(dump_tree):
    run_cli("scan", ".", "-q", "--json", "r.json", "--sarif", "r.sarif", "--html", "r.html", cwd=dump_tree)
    text = run_cli("scan", ".", "--inventory", cwd=dump_tree).stdout
    zh = run_cli("scan", ".", "--inventory", "--lang", "zh", cwd=dump_tree).stdout
    outputs = [text, zh, *((dump_tree / n).read_text() for n in ("r.json", "r.sarif", "r.html"))]
    for output in outputs:
        for value in (ID_NUMBER, MOBILE, CARD, EMAIL, "110105194912310011", "13812345679"):
            assert value not in output
    assert "李雷" not in "".join(outputs)


def test_inventory_in_text_output(dump_tree):
    text = run_cli("scan", ".", "--inventory", cwd=dump_tree).stdout
    assert "public.customer.id_card_no" in text and "Personal-information inventory" in text
    assert "Personal-information inventory" not in run_cli("scan", ".", cwd=dump_tree).stdout


def test_max_samples_zero_classifies_by_names_only(dump_tree):
    data = _json(run_cli("scan", ".", "--format", "json", "--max-samples", "0", cwd=dump_tree))
    objects = {item["object"] for item in data["inventory"]}
    assert "public.customer.id_card_no" in objects
    assert "public.customer.ref_value" not in objects  # its name says nothing, and no values were kept


def test_dialect_option(dump_tree):
    assert run_cli("scan", ".", "--dialect", "cobol", cwd=dump_tree).exit_code == 2
    data = _json(run_cli("scan", ".", "--format", "json", "--dialect", "postgresql", cwd=dump_tree))
    assert any(f["rule_id"] == "DP101" for f in data["findings"])


def test_dump_over_the_size_cap_is_streamed(dump_tree):
    data = _json(run_cli("scan", ".", "--format", "json", "--max-file-size", "200", cwd=dump_tree))
    assert [i["path"] for i in data["scan"]["inputs"]] == ["db/crm.sql"]
    assert any(f["rule_id"] == "DP101" for f in data["findings"])
    assert any("read as a stream" in w["message"] for w in data["scan"]["warnings"])
    # The text rules could not read it, so their clause cannot be called clean.
    assert next(c for c in data["clauses"] if c["id"] == "3.3.3")["status"] != "clean"


def test_an_unparsable_statement_is_a_warning_and_the_rest_is_read(tmp_path):
    broken = PG_DUMP.replace("CREATE TABLE public.product", "CREATE TABLE ((( nonsense;\nCREATE TABLE public.product")
    write(tmp_path, "crm.sql", broken)
    data = _json(run_cli("scan", ".", "--format", "json", cwd=tmp_path))
    assert any(w["path"] == "crm.sql" and w.get("line") for w in data["scan"]["warnings"])
    assert any(f["location"]["object"] == "public.customer.id_card_no" for f in data["findings"])


def test_orm_and_sql_fixtures_reach_the_inventory():
    data = json.loads(run_cli("scan", "fixtures/", "--format", "json", "--select", "DP1", cwd=REPO).stdout)
    paths = {item["location"]["path"].split("/")[1] for item in data["inventory"]}
    assert {"sql", "python"} <= paths
