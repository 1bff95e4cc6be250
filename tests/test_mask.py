"""Masking: the one gate between values the scan saw and anything it writes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.mask import mask_value, redact_text


@pytest.mark.parametrize(
    "value, masked",
    [
        ("110101199003071234", "1101**********1234"),
        ("13812345678", "138****5678"),
        ("6222021234567890123", "6222***********0123"),
        ("zhang.san@example.com", "z***@example.com"),
        ("张三", "**"),
        ("王小明", "王**"),
    ],
)
def test_mask_value(value, masked):
    assert mask_value(value) == masked


def test_secrets_are_fully_starred():
    assert set(mask_value("hunter2-very-long-password", secret=True)) == {"*"}


@pytest.mark.parametrize(
    "text, hidden, kept",
    [
        ("postgresql://app:hunter2@db.internal/app", "hunter2", "postgresql://app:****@db.internal/app"),
        ("jdbc:mysql://root:Pa55w0rd!@db:3306/x?useSSL=false", "Pa55w0rd!", "root:****@db"),
        ('password = "correct horse"', "correct", 'password = "****'),
        ("DB_PASSWORD=s3cr3t", "s3cr3t", "DB_PASSWORD=****"),
        ("api_key: AbCdEf123456", "AbCdEf123456", "api_key: ****"),
        ("mail li.si@example.org now", "li.si@", "l***@example.org"),
        ("id 110101199003071234 here", "110101199003071234", "1101**********1234"),
        ("call 138-1234-5678", "1234", "138-****-5678"),
    ],
)
def test_redact_text(text, hidden, kept):
    out = redact_text(text)
    assert hidden not in out
    assert kept in out


@pytest.mark.parametrize("text", ["port 5432 in 2026", "sslmode=disable", "password = ${DB_PASSWORD}"])
def test_redact_text_leaves_harmless_text(text):
    assert redact_text(text) == text


@given(st.text())
def test_redact_text_never_raises_and_is_idempotent(text):
    once = redact_text(text)
    assert redact_text(once) == once


@given(st.from_regex(r"[1-9]\d{6,18}", fullmatch=True), st.text(alphabet=" ,.;:=()abc", max_size=5))
def test_long_numbers_never_survive_whole(number, around):
    out = redact_text(f"{around}{number}{around}")
    assert number not in re.sub(r"\s", "", out)


def test_password_keyword_outside_sql_is_left_alone():
    # Evidence of a Django settings finding is already masked; the SQL clause pattern must not
    # take `"] = "` for a quoted password (it garbled the evidence and changed fingerprints).
    line = 'DATABASES["default"]["PASSWORD"] = "****"'
    assert redact_text(line) == line
