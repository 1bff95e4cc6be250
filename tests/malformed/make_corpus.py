"""Generate the malformed-input corpus: files that are large, binary or hostile to parsers.

Nothing here is committed as data: the files are written into a directory (a pytest tmp_path)
by ``make_corpus(root)``. Each case is a directory holding the bad input and, next to it, a legit
file with a known finding, so a test can check that the bad input was reported (error/skipped,
with its reason) and that it hid nothing else.

Run it by hand to look at the corpus: ``python -m tests.malformed.make_corpus /tmp/corpus``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Legit inputs, one per parser family, each with one finding the tests look for.
LEGIT_SQL = "CREATE TABLE customer (\n  id bigint,\n  id_card_no varchar(18)\n);\n"  # DP101
LEGIT_ENV = "DB_PASSWORD=Hunter2Hunter2Xy\n"  # DP433
LEGIT_NGINX = "server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.2;\n}\n"  # DP220
LEGIT_PY = "import requests\n\nrequests.get('https://example.com', verify=False)\n"  # DP201
LEGIT_FILES = {
    "sql": ("legit.sql", LEGIT_SQL, "DP101"),
    "env": (".env", LEGIT_ENV, "DP433"),
    "nginx": ("nginx.conf", LEGIT_NGINX, "DP220"),
    "python": ("legit.py", LEGIT_PY, "DP201"),
}

# A Chinese SQL dump that is valid in every encoding it is written in: DP101 on id_card_no.
CHINESE_SQL = (
    "-- 客户信息表：保存身份证号码\n"
    "CREATE TABLE kehu (\n"
    "  id bigint,\n"
    "  id_card_no varchar(18) -- 身份证号\n"
    ");\n"
)

ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8
BINARY_BLOB = ELF_HEADER + bytes(range(256)) * 64  # NULs and every byte value: clearly binary

DEEP = 100_000  # nesting levels: far beyond any recursion limit
HUGE_CASES = ("huge_single_line", "huge_single_line_sql", "sql_200k_lines")  # only with huge=True


@dataclass
class Case:
    """One malformed input: where it is, what dpscan should say about it."""

    name: str
    bad: str  # path of the bad input, relative to the corpus root
    outcome: str  # "error", "skipped", "warning" or "analysed"
    reason: str  # text expected in the error message / skip reason+detail / warning
    legit: str  # path of the legit neighbour
    legit_rule: str  # the finding expected in the legit neighbour
    bad_rule: str | None = None  # a finding expected in the bad input itself (decodable ones)
    extra: dict = field(default_factory=dict)


def _binary_cases() -> list[tuple[str, bytes, str]]:
    return [(f"binary_{ext}", BINARY_BLOB, f"bad.{ext}") for ext in ("py", "sql", "conf", "tf", "yaml")]


def make_corpus(root: Path, *, huge: bool = True) -> list[Case]:
    """Write every case under ``root``; ``huge=False`` leaves out the 50 MB / 200,000-line files."""
    root = Path(root)
    cases: list[Case] = []

    def add(name: str, bad_name: str, content: bytes | None, outcome: str, reason: str,
            legit: str = "sql", bad_rule: str | None = None) -> Path:
        directory = root / name
        directory.mkdir(parents=True, exist_ok=True)
        legit_name, legit_text, legit_rule = LEGIT_FILES[legit]
        (directory / legit_name).write_text(legit_text, encoding="utf-8")
        bad_path = directory / bad_name
        if content is not None:
            bad_path.write_bytes(content)
        cases.append(Case(name, f"{name}/{bad_name}", outcome, reason, f"{name}/{legit_name}",
                          legit_rule, bad_rule))
        return bad_path

    # -- binary content behind source extensions: skipped as binary, never parsed ---------------
    for name, blob, bad_name in _binary_cases():
        add(name, bad_name, blob, "skipped", "binary")

    # -- encodings: not errors at all, they are decoded and analysed -----------------------------
    add("invalid_utf8", "bad.sql",
        b"-- caf\xc3\x28 \xff\xfe broken bytes\n" + CHINESE_SQL.encode("utf-8") + b"-- \x80\x81\xff\n",
        "warning", "undecodable bytes replaced", bad_rule="DP101")
    add("gbk", "gbk.sql", CHINESE_SQL.encode("gbk"), "analysed", "gb18030", bad_rule="DP101")
    add("gb18030", "gb18030.sql", ("-- 𠀀扩展字符\n" + CHINESE_SQL).encode("gb18030"), "analysed",
        "gb18030", bad_rule="DP101")
    add("utf16_bom", "utf16_bom.sql", CHINESE_SQL.encode("utf-16"), "analysed", "utf-16-le",
        bad_rule="DP101")
    add("utf16le_nobom", "utf16le.sql", CHINESE_SQL.encode("utf-16-le"), "analysed", "utf-16-le",
        bad_rule="DP101")
    add("utf16be_nobom", "utf16be.sql", CHINESE_SQL.encode("utf-16-be"), "analysed", "utf-16-be",
        bad_rule="DP101")

    # -- NUL bytes: in the sniffed head they mean binary; further in, the text parsers meet them --
    add("nul_head", "nul_head.py", b"import os\x00\x00\nx = 1\n", "skipped", "binary", legit="python")
    add("nul_late", "nul_late.py", b"# padding\n" * 1000 + b"x = 1\x00\n" + LEGIT_PY.encode(),
        "error", "null bytes", legit="env")

    # -- line endings: analysed, findings on the right lines -------------------------------------
    add("crlf", "crlf.sql", CHINESE_SQL.replace("\n", "\r\n").encode("utf-8"), "analysed", "utf-8",
        bad_rule="DP101")
    add("mixed_eol", "mixed.sql", "-- a\r\n-- b\r-- c\nCREATE TABLE m (\r\n  mobile varchar(11)\r);\n"
        .encode("utf-8"), "analysed", "utf-8", bad_rule="DP101")

    # -- SQL that ends in the middle of something ------------------------------------------------
    add("sql_truncated", "truncated.sql",
        b"CREATE TABLE ok_t (id_card_no varchar(18));\nCREATE TABLE broken (id int, email varchar(",
        "warning", "", bad_rule="DP101")
    add("sql_unterminated_string", "unterminated_string.sql",
        b"CREATE TABLE ok_s (phone varchar(11));\nINSERT INTO ok_s VALUES ('13800138000);\n",
        "warning", "", bad_rule="DP101")
    add("sql_unterminated_dollar", "unterminated_dollar.sql",
        b"CREATE TABLE ok_d (email varchar(64));\n"
        b"CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END;\n",
        "warning", "", bad_rule="DP101")

    # -- Python that is not Python 3 -------------------------------------------------------------
    add("python2", "py2.py", b"import requests\nprint 'hello'\nexec 'x = 1'\nraise ValueError, 'old'\n" + LEGIT_PY.encode(), "error",
        "cannot parse", legit="env")
    add("python_syntax", "syntax.py", b"import requests\ndef f(:\n    return\n" + LEGIT_PY.encode(), "error", "cannot parse", legit="env")

    # -- deep nesting: recursive parsers must fail cleanly, not with RecursionError tracebacks ---
    add("deep_json", "policy.json", b'{"Statement": ' + b"[" * DEEP + b"]" * DEEP + b"}", "error", "nest",
        legit="env")
    add("deep_yaml", "deep.yaml",
        b"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules: " + b"[" * DEEP + b"]" * DEEP + b"\n",
        "error", "nest", legit="env")
    add("deep_hcl", "deep.tf", b'resource "aws_s3_bucket" "b" {\n  x = ' + b"[" * DEEP + b"]" * DEEP + b"\n}\n",
        "error", "nest", legit="env")

    # -- YAML alias bomb ("billion laughs"): must not expand into gigabytes ----------------------
    lines = ["apiVersion: rbac.authorization.k8s.io/v1", "kind: ClusterRole", "metadata: {name: lol}", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"a{level}: &a{level} [{refs}]")
    # The rule's resources are read as strings: without a cap, str() would expand 9**10 "lol"s.
    lines.append('rules: [{apiGroups: [""], resources: *a9, verbs: [get]}]')
    add("yaml_bomb", "bomb.yaml", ("\n".join(lines) + "\n").encode(), "error", "alias", legit="env")

    # -- links -----------------------------------------------------------------------------------
    loop = add("symlink_loop", "loop_a.conf", None, "skipped", "symlink", legit="nginx")
    os.symlink("loop_b.conf", loop)
    os.symlink("loop_a.conf", loop.parent / "loop_b.conf")
    dangling = add("symlink_dangling", "dangling.conf", None, "skipped", "dangling", legit="nginx")
    os.symlink("does-not-exist.conf", dangling)

    # -- size ------------------------------------------------------------------------------------
    if huge:
        add("huge_single_line", "one_line.py", b"x = '" + b"a" * (50 * 1024 * 1024) + b"'\n",
            "skipped", "too-large", legit="env")
        add("huge_single_line_sql", "one_line.sql",
            b"INSERT INTO t VALUES ('" + b"a" * (50 * 1024 * 1024) + b"');\n"
            + b"CREATE TABLE after_long (id_card_no varchar(18));\n", "analysed", "", legit="env",
            bad_rule="DP101")
        body = b"".join(b"INSERT INTO big VALUES (%d, 'row %d');\n" % (i, i) for i in range(200_000))
        add("sql_200k_lines", "big.sql",
            b"CREATE TABLE big (id int, note text);\n" + body
            + b"CREATE TABLE big_customer (mobile varchar(11));\n", "analysed", "", legit="env",
            bad_rule="DP101")
    return cases


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "malformed-corpus")
    for case in make_corpus(target):
        print(f"{case.outcome:9} {case.bad}")
