"""presidio recognisers for Chinese personal data, and the offline e-mail recogniser.

Each recogniser follows presidio's PatternRecognizer shape (PATTERNS, CONTEXT, supported
entity, validate_result) so that it runs inside the AnalyzerEngine with context words. The check
functions are plain Python and are reused by the value pre-checks. Imported only when some column
has sampled values (scanner.enrich.values builds the engine lazily).
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache

from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import EmailRecognizer

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


def valid_cn_mobile(value: str) -> bool:
    digits = re.sub(r"[\s\-()]", "", value)
    digits = re.sub(r"^(?:\+86|0086|86)(?=1\d{10}$)", "", digits)
    return bool(_CN_MOBILE_SEGMENT.fullmatch(digits))


class CnResidentIdRecognizer(PatternRecognizer):
    """Chinese resident identity card numbers (居民身份证号码), 18- and 15-digit forms."""

    PATTERNS = [
        Pattern("CN resident ID (18)", r"(?<![0-9A-Za-z])[1-8]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                r"(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])", 0.3),
        Pattern("CN resident ID (15)", r"(?<![0-9A-Za-z])[1-8]\d{7}(?:0[1-9]|1[0-2])"
                r"(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])", 0.1),
    ]
    CONTEXT = ["身份证", "证件", "idcard", "id_card", "id card", "identity", "sfz", "zjhm", "citizen"]

    def __init__(self, supported_language: str = "en", supported_entity: str = "CN_RESIDENT_ID"):
        super().__init__(supported_entity=supported_entity, patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool:
        # GB 11643 check character and a real, past birth date (see valid_cn_resident_id).
        return valid_cn_resident_id(pattern_text)


class CnMobileRecognizer(PatternRecognizer):
    """Mainland China mobile numbers, with an optional +86 / 0086 prefix."""

    PATTERNS = [
        Pattern("CN mobile",
                r"(?<![\d+])(?:(?:\+|00)86[ \-]?)?1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}(?!\d)", 0.4),
    ]
    CONTEXT = ["手机", "电话", "mobile", "phone", "tel", "shouji", "sjh", "contact", "cell"]

    def __init__(self, supported_language: str = "en", supported_entity: str = "CN_MOBILE"):
        super().__init__(supported_entity=supported_entity, patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool:
        # No check digit exists; the MIIT segment allocation is the only structural check.
        return valid_cn_mobile(pattern_text)


class CnBankCardRecognizer(PatternRecognizer):
    """Bank card numbers of 16-19 digits (UnionPay 62..., Visa, Mastercard...) with Luhn.

    presidio's CreditCardRecognizer pattern stops at 17 digits; UnionPay debit cards have 19.
    """

    PATTERNS = [
        Pattern("Bank card 16-19",
                r"(?<![\d\-])[2-6]\d{3}(?:[ \-]?\d{4}){2}[ \-]?\d{4}(?:[ \-]?\d{1,3})?(?![\d\-])", 0.3),
    ]
    CONTEXT = ["银行卡", "卡号", "card", "bank", "account", "yhk", "unionpay", "银联"]

    def __init__(self, supported_language: str = "en", supported_entity: str = "CN_BANK_CARD"):
        super().__init__(supported_entity=supported_entity, patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool:
        # Luhn check digit (ISO/IEC 7812), see luhn_valid; length 16-19 per ISO/IEC 7812-1.
        digits = re.sub(r"[ \-]", "", pattern_text)
        return 16 <= len(digits) <= 19 and luhn_valid(digits)


class CnPassportRecognizer(PatternRecognizer):
    """People's Republic of China passport numbers: E + 8 digits, E + letter + 7, G + 8 (pre-2012).

    No check digit is printed in the number itself (only in the MRZ), so the pattern alone is weak
    evidence: the score stays low unless the column name or comment gives context.
    """

    PATTERNS = [
        Pattern("CN passport",
                r"(?<![0-9A-Za-z])(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DPS]E?\d{7})(?![0-9A-Za-z])", 0.2),
    ]
    CONTEXT = ["passport", "护照", "huzhao", "hzh", "证件"]

    def __init__(self, supported_language: str = "en", supported_entity: str = "CN_PASSPORT"):
        super().__init__(supported_entity=supported_entity, patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language=supported_language)


class OfflineEmailRecognizer(EmailRecognizer):
    """presidio's e-mail recogniser with its domain check on the bundled public-suffix snapshot.

    tldextract's default extractor downloads the public-suffix list on first use; a scanner must
    never reach the network, so this one reads the snapshot shipped with tldextract, with no cache.
    """

    def validate_result(self, pattern_text: str) -> bool:
        return _offline_extractor()(pattern_text.rsplit("@", 1)[-1]).fqdn != ""


@cache
def _offline_extractor():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
