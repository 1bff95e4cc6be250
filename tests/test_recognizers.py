"""Chinese recognisers: check digits (GB 11643, Luhn), dates, lengths and number segments."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.enrich.recognizers import (
    CnBankCardRecognizer,
    CnMobileRecognizer,
    CnPassportRecognizer,
    CnResidentIdRecognizer,
    OfflineEmailRecognizer,
    gb11643_check_char,
    luhn_valid,
    valid_cn_mobile,
    valid_cn_resident_id,
)

TODAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize("value, expected", [
    ("11010519491231002X", True),    # the specimen number of GB 11643-1999
    ("11010519491231002x", True),    # lower-case check character
    ("110105194912310021", False),   # wrong check digit
    ("440301198001011234", False),   # wrong check digit
    ("110101199003074514", True),
    ("110101199002304517", False),   # 30 February
    ("110101203001014514", False),   # born in the future
    ("110101189912314517", False),   # before 1900
    ("010101199003074514", False),   # division codes never start with 0
    ("910101199003074514", False),   # ... nor with 9
    ("110105491231002", True),       # legacy 15-digit form, 1949-12-31
    ("110105491331002", False),      # 15-digit with month 13
    ("11010519491231002", False),    # 17 characters
    ("1101051949123100200", False),  # 19 characters
    ("11010519491231002Y", False),   # not a check character
])
def test_valid_cn_resident_id(value, expected):
    assert valid_cn_resident_id(value, today=TODAY) is expected


@given(st.dates(dt.date(1900, 1, 1), TODAY), st.integers(0, 999), st.sampled_from(["110105", "440301", "510107", "820000"]))
def test_any_well_formed_id_validates_and_any_other_check_char_fails(born, seq, region):
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    check = gb11643_check_char(body)
    assert valid_cn_resident_id(body + check, today=TODAY)
    for other in set("0123456789X") - {check}:
        assert not valid_cn_resident_id(body + other, today=TODAY)


@pytest.mark.parametrize("digits, expected", [
    ("4111111111111111", True),      # Visa test number
    ("4111111111111112", False),
    ("6222021234567890128", True),   # 19-digit UnionPay
    ("6222021234567890120", False),
    ("79927398713", True),           # the Luhn article's example
    ("", False),                    # nothing to check
    ("12a4", False),
])
def test_luhn(digits, expected):
    assert luhn_valid(digits) is expected


@given(st.text("0123456789", min_size=12, max_size=18))
def test_luhn_detects_every_single_digit_error(body):
    full = next(body + d for d in "0123456789" if luhn_valid(body + d))
    pos = len(full) // 2
    changed = full[:pos] + str((int(full[pos]) + 1) % 10) + full[pos + 1:]
    assert not luhn_valid(changed)


@pytest.mark.parametrize("value, expected", [
    ("13812345678", True),
    ("+8613812345678", True),
    ("0086 138 1234 5678", True),
    ("138-1234-5678", True),
    ("19912345678", True),
    ("15412345678", False),   # 154 is not an allocated segment
    ("19412345678", False),
    ("12345678901", False),
    ("1381234567", False),    # 10 digits
    ("138123456789", False),  # 12 digits
])
def test_valid_cn_mobile(value, expected):
    assert valid_cn_mobile(value) is expected


def _found(recognizer, entity, text):
    return [(text[r.start:r.end], r.score) for r in recognizer.analyze(text, entities=[entity])]


@pytest.mark.parametrize("text, expected", [
    ("身份证 11010519491231002X 已核验", [("11010519491231002X", 1.0)]),
    ("id=110101199003074514;", [("110101199003074514", 1.0)]),
    ("110101199003074515", []),                  # check digit wrong: dropped by validate_result
    ("1110101199003074514", []),                 # 19 digits: not an ID
    ("old 110105491231002", [("110105491231002", 1.0)]),
])
def test_resident_id_recognizer(text, expected):
    assert _found(CnResidentIdRecognizer(), "CN_RESIDENT_ID", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("手机:13812345678。", ["13812345678"]),
    ("+86 138 1234 5678", ["+86 138 1234 5678"]),
    ("13812345678901", []),   # part of a longer number
    ("15412345678", []),      # unallocated segment
])
def test_mobile_recognizer(text, expected):
    assert [t for t, _ in _found(CnMobileRecognizer(), "CN_MOBILE", text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("card 6222021234567890128 ok", ["6222021234567890128"]),
    ("6222 0212 3456 7890 128", ["6222 0212 3456 7890 128"]),
    ("4111-1111-1111-1111", ["4111-1111-1111-1111"]),
    ("6222021234567890120", []),    # Luhn fails
    ("622202123456789", []),        # 15 digits
    ("12345678901234567", []),      # no card starts with 1
])
def test_bank_card_recognizer(text, expected):
    assert [t for t, _ in _found(CnBankCardRecognizer(), "CN_BANK_CARD", text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("E12345678", ["E12345678"]),
    ("G12345678", ["G12345678"]),
    ("EA1234567", ["EA1234567"]),
    ("EI1234567", []),        # I and O are not used as the second letter
    ("E1234567", []),         # too short
    ("XE12345678", []),       # inside a longer code
])
def test_passport_recognizer_is_weak_without_context(text, expected):
    found = _found(CnPassportRecognizer(), "CN_PASSPORT", text)
    assert [t for t, _ in found] == expected
    assert all(score < 0.5 for _, score in found)  # no check digit: needs context to count


@pytest.mark.parametrize("text, expected", [
    ("alice@example.com", ["alice@example.com"]),
    ("张三 <zhang.san@163.com>", ["zhang.san@163.com"]),
    ("alice@example.notatld", []),   # no public suffix: validate_result fails offline
])
def test_offline_email_recognizer(text, expected):
    assert [t for t, _ in _found(OfflineEmailRecognizer(), "EMAIL_ADDRESS", text)] == expected
