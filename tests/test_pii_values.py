"""Classification from sampled values (presidio, offline), thresholds, lazy import, no network."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scanner.enrich import values
from scanner.enrich.lexicon import load_lexicon
from scanner.enrich.pii import classify_model
from scanner.enrich.recognizers import gb11643_check_char
from scanner.finding import Confidence
from scanner.model.schema import Column, Protection, SchemaModel, Table

REPO = Path(__file__).resolve().parent.parent
MOBILES = ["13812345678", "13912345670", "15012345678", "18612345678", "17712345678"]
IDS = [b + gb11643_check_char(b) for b in ("11010519491231002", "44030119800101123",
                                           "32010219751231002", "51010720000229001")]
EMAILS = ["alice@example.com", "bob.lee@example.org", "zhang.san@163.com"]


def classify(name: str, samples: list[str], data_type: str = "varchar(64)", table: str = "t",
             comment: str = "") -> Column:
    model = SchemaModel()
    col = model.add_table(Table(table)).add_column(
        Column(name, data_type=data_type, comment=comment, samples=samples))
    classify_model(model)
    return col


@pytest.mark.parametrize("name, samples, expected", [
    ("ref_value", MOBILES, "phone"),                      # the name says nothing; the values do
    ("ref_value", IDS, "national_id"),
    ("ref_value", EMAILS, "email"),
    ("ext1", ["6222021234567890128", "4111111111111111", "6212261202000000001"], "bank_card"),
    ("ext2", ["192.168.1.10", "10.0.0.2", "2001:db8::1"], "ip_address"),
    ("ext3", ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5f"], "device_id"),
    ("ext4", ["39.904200,116.407396", "31.2304, 121.4737"], "precise_location"),
    ("ext5", ["男", "女", "男"], "gender"),
    ("name", EMAILS, "email"),                            # values override the name guess
    ("phone", EMAILS, "email"),
    ("remark", ["客户张三，电话13812345678，请尽快联系", "地址北京，电话13912345670，加急",
                "call 15012345678 tomorrow"], "free_text"),
    ("ext6", ["abc", "13812345678", "hello world", "x-1", "zz"], None),   # mixed junk
    ("ext7", ["1", "2", "17", "2024-01-01", "true"], None),               # counts, dates, flags
    ("ext8", ["2125551234", "3105551234", "4155551234"], None),           # bare 10 digits, no context
    ("contact_tel", ["2125551234", "3105551234", "4155551234"], "phone"), # ... with context
    ("ext9", ["+1 212 555 1234", "+44 20 7946 0958", "+86 138 1234 5678"], "phone"),
    ("ext10", ["E12345678", "G12345678", "E23456789"], None),             # passport shape, no context
    ("passport_no", ["E12345678", "G12345678", "E23456789"], "national_id"),
])
def test_values_decide(name, samples, expected):
    tag = classify(name, samples).pii
    assert (tag.category if tag else None) == expected


def test_value_tag_is_high_confidence_names_counts_and_masks_its_sample():
    tag = classify("ref_value", MOBILES).pii
    assert (tag.source, tag.confidence) == ("values", Confidence.HIGH)
    assert tag.evidence == "5/5 samples are valid CN mobile numbers"
    assert tag.sample == "138****5678"


def test_values_that_confirm_the_comment_say_both():
    tag = classify("c", MOBILES, comment="手机号码").pii
    assert (tag.category, tag.source) == ("phone", "values")
    assert tag.evidence == "comment '手机号码'; 5/5 samples are valid CN mobile numbers"


@pytest.mark.parametrize("samples, expected", [
    (MOBILES[:3] + ["abc", "def"], "phone"),        # 3/5 = 60%: at the threshold
    (MOBILES[:2] + ["abc", "def", "ghi"], None),    # 2/5 = 40%
    (MOBILES[:2], "phone"),                         # fewer than 3 samples: all must validate...
    (MOBILES[:1] + ["abc"], None),                  # ... and one of two does not
])
def test_threshold(samples, expected):
    tag = classify("ref_value", samples).pii
    assert (tag.category if tag else None) == expected


def test_at_most_max_values_per_column_distinct_samples_are_analysed():
    many = [f"1381234{i:04d}" for i in range(300)] + [""] * 10
    verdict = values.analyse_values("c", "", many, load_lexicon())
    assert (verdict.category, verdict.total) == ("phone", load_lexicon().values["max_values_per_column"])


def test_obvious_non_pii_columns_skip_presidio(monkeypatch):
    def boom():
        raise AssertionError("presidio engine used")

    monkeypatch.setattr(values, "_engine", boom)
    for samples in (["1", "2", "3"], ["2024-01-01", "2024-02-03 10:00:00"], ["true", "false"],
                    ["138****5678", "139****0000"], ["39.9042,116.4074"]):
        classify("c", samples)


def test_masked_samples_give_masked_protection():
    col = classify("mobile", ["138****5678", "139****1234", "150****0000"])
    assert (col.pii.category, col.protection) == ("phone", Protection.MASKED)


def test_no_raw_sample_in_any_output_field():
    for samples in (MOBILES, IDS, EMAILS):
        col = classify("c", samples)
        text = " ".join([col.pii.evidence, col.pii.sample, col.protection_evidence])
        assert not any(s in text for s in samples)


def _run(code: str, tmp_path: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


MODEL = """
from scanner.model.schema import Column, SchemaModel, Table
from scanner.enrich.pii import classify_model
m = SchemaModel()
t = m.add_table(Table("customer"))
t.add_column(Column("email", "varchar(100)", samples=SAMPLES))
t.add_column(Column("mobile", "varchar(20)", samples=SAMPLES and ["13812345678", "13912345670"]))
t.add_column(Column("id_card", "varchar(18)"))
classify_model(m)
"""


def test_presidio_is_imported_only_when_samples_exist(tmp_path):
    check = "import sys; print('presidio_analyzer' in sys.modules, 'spacy' in sys.modules)"
    assert _run("SAMPLES = []\n" + MODEL + check, tmp_path) == "False False"
    assert _run("SAMPLES = ['a@example.com']\n" + MODEL + check, tmp_path).startswith("True")


def test_classifying_touches_no_network(tmp_path):
    # Fresh interpreter, empty cache directory, every way out of the process blocked.
    code = textwrap.dedent("""
    import socket
    def refuse(*a, **k):
        raise AssertionError("network access")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    SAMPLES = ["alice@example.com", "bob@example.org", "zhang.san@163.com"]
    """) + MODEL + textwrap.dedent("""
    from scanner.enrich.values import analyse_values
    from scanner.enrich.lexicon import load_lexicon
    for s in (["192.168.1.1"], ["6222021234567890128"], ["+44 20 7946 0958"], ["GB82WEST12345698765432"]):
        analyse_values("c", "", s, load_lexicon())
    print(t.columns["email"].pii.category, t.columns["mobile"].pii.category)
    """)
    assert _run(code, tmp_path) == "email phone"


# -- the pre-checks only skip work: they never change what a value is classified as ---------------

TRICKY = [
    *MOBILES, *IDS, *EMAILS, "6222021234567890128", "4111111111111111", "4111 1111 1111 1111",
    "6212261202000000001", "5500005555555559", "110105194912310021", "11010549123100",
    "110105491231002", "11010519491231002x", "+86 138 1234 5678", "0086 13812345678", "138-1234-5678",
    "+1 212 555 1234", "+44 20 7946 0958", "(212) 555-1234", "2125551234", "E12345678", "G12345678",
    "EA1234567", "192.168.1.10", "10.0.0.2", "2001:db8::1", "::1", "::ffff:10.0.0.1",
    "00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5f", "aabb.ccdd.eeff", "GB82WEST12345698765432",
    "GB82 WEST 1234 5698 7654 32", "客户张三，电话13812345678，请尽快联系", "call 15012345678 tomorrow",
    "mail alice@example.com today", "SO20240101123456", "2024010112345678", "2024-01-01 10:00:00",
    "¥1299.00", "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "123e4567-e89b-12d3-a456-426614174000", "张伟", "Zhang Wei", "hello world", "abc@def", "a.b@c",
]


@pytest.mark.parametrize("name", ["c", "contact_tel", "passport_no", "remark"])
def test_pre_checks_agree_with_presidio_on_every_value(name):
    lex = load_lexicon()
    context = values.tokenize(name, lex["tokens.keep_alnum"]) + [name]
    engine = values._engine()  # every recogniser, no pre-check: the reference
    reference = values._analyse_each(engine, TRICKY, context, set(engine.get_supported_entities("en")))
    assert values.classify_values(TRICKY, context) == reference
