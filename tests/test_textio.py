"""Decoding and binary detection on the byte patterns real codebases contain."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.textio import decode_bytes, is_binary

CHINESE_COMMENT = "# 身份证号码\nid_card = models.CharField(max_length=18)\r\n"


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (b"plain = 1\n", "utf-8", "plain = 1\n"),
        ("名字 = 'é'\n".encode(), "utf-8", "名字 = 'é'\n"),
        (codecs.BOM_UTF8 + "x = 'é'\n".encode(), "utf-8-sig", "x = 'é'\n"),
        (codecs.BOM_UTF16_LE + "a\r\n身份\n".encode("utf-16-le"), "utf-16-le", "a\r\n身份\n"),
        (codecs.BOM_UTF16_BE + "a\n身份\n".encode("utf-16-be"), "utf-16-be", "a\n身份\n"),
        (codecs.BOM_UTF32_LE + "x\n".encode("utf-32-le"), "utf-32-le", "x\n"),
        (codecs.BOM_UTF32_BE + "x\n".encode("utf-32-be"), "utf-32-be", "x\n"),
        ("SELECT 1;\r\nGO\r\n".encode("utf-16-le"), "utf-16-le", "SELECT 1;\r\nGO\r\n"),
        ("SELECT 1;\nGO\n".encode("utf-16-be"), "utf-16-be", "SELECT 1;\nGO\n"),
        (CHINESE_COMMENT.encode("gbk"), "gb18030", CHINESE_COMMENT),
        ("# 𠀀 GB18030-only\n".encode("gb18030"), "gb18030", "# 𠀀 GB18030-only\n"),
        (b"", "utf-8", ""),
    ],
    ids=["ascii", "utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom",
         "utf32be-bom", "utf16le-nobom", "utf16be-nobom", "gbk", "gb18030", "empty"],
)
def test_decode_bytes_detects_encoding(data: bytes, encoding: str, text: str) -> None:
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.text, decoded.replaced) == (encoding, text, False)


def test_crlf_is_kept_so_line_numbers_come_from_splitlines() -> None:
    decoded = decode_bytes(b"a\r\nb\r\n")
    assert decoded.text == "a\r\nb\r\n"
    assert decoded.text.splitlines() == ["a", "b"]


@pytest.mark.parametrize(
    "data",
    [
        b"ok = 1\n\xff\xff\xff\n",  # 0xFF starts no character in UTF-8 or GB18030
        b"name = 'caf\xe9'\n\x80\n",  # Latin-1 remnants, not valid GB18030 either
        codecs.BOM_UTF8 + b"x\xff\n",
        codecs.BOM_UTF16_LE + b"a\x00b",  # odd length: a truncated code unit
    ],
    ids=["ff", "latin1", "utf8-bom-then-invalid", "utf16-odd"],
)
def test_undecodable_bytes_are_replaced_and_flagged(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert decoded.replaced is True
    assert "\ufffd" in decoded.text


def test_invalid_utf8_falls_back_to_utf8_with_replacement() -> None:
    decoded = decode_bytes(b"ok = 1\n\xff\n")
    assert decoded.encoding == "utf-8"
    assert decoded.text == "ok = 1\n\ufffd\n"


def test_utf8_wins_over_gb18030_when_both_would_decode() -> None:
    # "身份" in UTF-8 is also a valid GB18030 byte string (as mojibake).
    data = "身份\n".encode()
    data.decode("gb18030")
    assert decode_bytes(data).encoding == "utf-8"


def test_partial_head_ignores_a_character_cut_at_the_end() -> None:
    head = "abc身".encode()[:-1]
    decoded = decode_bytes(head, partial=True)
    assert (decoded.text, decoded.encoding, decoded.replaced) == ("abc", "utf-8", False)
    # Without partial=True the cut character derails detection into GB18030 mojibake.
    assert decode_bytes(head).encoding == "gb18030"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", True),
        (b"\xff\xd8\xff\xe0JFIF", True),
        (b"GIF89a....", True),
        (b"%PDF-1.7\n%abc\n", True),
        (b"PK\x03\x04\x14\x00", True),
        (b"\x7fELF\x02\x01\x01", True),
        (b"\x1f\x8b\x08\x00", True),
        (b"SQLite format 3\x00\x10\x00", True),
        (b"text then \x00 a NUL", True),
        (bytes(range(256)), True),
        (b"\x01\x00\x02\x00\x03\x00\x04\x00" * 8, True),  # int16 array: NULs alternate, not text
        (b"def f():\n    return 1\n", False),
        ("# 身份证号码\n".encode("gbk"), False),
        (codecs.BOM_UTF16_LE + "身份证\n".encode("utf-16-le"), False),
        (codecs.BOM_UTF32_BE + "x\n".encode("utf-32-be"), False),
        ("CREATE TABLE t (id int);\n".encode("utf-16-le"), False),
        ("CREATE TABLE t (id int);\n".encode("utf-16-be"), False),
        (b"", False),
    ],
)
def test_is_binary(head: bytes, expected: bool) -> None:
    assert is_binary(head) is expected


def test_is_binary_looks_only_at_the_first_8_kib() -> None:
    assert is_binary(b"a" * 8192 + b"\x00") is False
    assert is_binary(b"a" * 8191 + b"\x00") is True


@given(st.binary(max_size=512))
def test_decode_bytes_never_raises(data: bytes) -> None:
    decoded = decode_bytes(data)
    assert isinstance(decoded.text, str)
    assert decode_bytes(data, partial=True).text is not None


@given(st.text(max_size=200).filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_utf8_text_round_trips(text: str) -> None:
    decoded = decode_bytes(text.encode())
    assert (decoded.text, decoded.encoding, decoded.replaced) == (text, "utf-8", False)
