"""Check functions for Chinese personal data: GB 11643 resident IDs, Luhn, CN mobile segments.

Plain Python with no presidio import, so that the value pre-checks in scanner.enrich.values can
decide obvious values without loading presidio; scanner.enrich.recognizers wraps them in presidio
recognisers.
"""

from __future__ import annotations

import datetime as _dt
import re

# --- GB 11643-1999 citizen identification number -----------------------------------------------
# 6-digit administrative division code (GB/T 2260), 8-digit birth date, 3-digit sequence (odd for
# men), and a check character computed with ISO 7064 MOD 11-2: sum(digit_i * W_i) mod 11 indexes
# "10X98765432", W_i = 2^(17-i) mod 11. The 15-digit form (issued before 1999) has a 6-digit
# YYMMDD birth date in the 19xx century and no check character.
# https://zh.wikipedia.org/wiki/中华人民共和国公民身份号码 ; https://en.wikipedia.org/wiki/Resident_Identity_Card
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def gb11643_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _valid_date(yyyymmdd: str, today: _dt.date | None = None) -> bool:
    try:
        born = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= born <= (today or _dt.date.today())


def valid_cn_resident_id(value: str, today: _dt.date | None = None) -> bool:
    v = value.strip().upper()
    if v[:1] not in "12345678":  # division codes start 1-8 (8x: HK, Macau, Taiwan residence permits)
        return False
    if len(v) == 18:
        return v[:17].isdigit() and _valid_date(v[6:14], today) and gb11643_check_char(v[:17]) == v[17]
    if len(v) == 15:
        return v.isdigit() and _valid_date("19" + v[6:12], today)
    return False


# --- Luhn (ISO/IEC 7812-1 Annex B) ---------------------------------------------------------------
# Double every second digit from the right, subtract 9 from results over 9; valid when the sum is
# a multiple of 10. Catches every single-digit error; random digit strings pass 1 time in 10.
# https://en.wikipedia.org/wiki/Luhn_algorithm
def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# --- CN mobile numbers ----------------------------------------------------------------------------
# 11 digits; the first three are a mobile network segment allocated by the MIIT numbering plan
# (13x, 145-149, 15x but 154, 162/165-167, 170-178, 18x, 19x but 194).
# https://en.wikipedia.org/wiki/Telephone_numbers_in_China#Mobile_phones
_CN_MOBILE_SEGMENT = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[25-7]|7[0-8]|8\d|9[0-35-9])\d{8}")


def valid_cn_mobile_digits(digits: str) -> bool:
    """A bare 11-digit string in a mobile segment."""
    return bool(_CN_MOBILE_SEGMENT.fullmatch(digits))


def valid_cn_mobile(value: str) -> bool:
    digits = re.sub(r"[\s\-()]", "", value)
    digits = re.sub(r"^(?:\+86|0086|86)(?=1\d{10}$)", "", digits)
    return bool(_CN_MOBILE_SEGMENT.fullmatch(digits))


# Context words of the CN passport recogniser (no check digit: it counts only with context).
PASSPORT_CONTEXT = ["passport", "护照", "huzhao", "hzh", "证件"]
