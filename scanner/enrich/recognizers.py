"""presidio recognisers for Chinese personal data, and the offline e-mail recogniser.

Each recogniser follows presidio's PatternRecognizer shape (PATTERNS, CONTEXT, supported
entity, validate_result) so that it runs inside the AnalyzerEngine with context words. The check
functions are plain Python in scanner.enrich.checks (re-exported here), where the value pre-checks
use them without importing presidio. Imported only when some column has sampled values that the
pre-checks leave to presidio (scanner.enrich.values builds the engine lazily).
"""

from __future__ import annotations

import re
from functools import cache

from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import EmailRecognizer

# The check functions live in a presidio-free module (the value pre-checks use them too).
from scanner.enrich.checks import (  # noqa: F401  (re-exported)
    PASSPORT_CONTEXT,
    gb11643_check_char,
    luhn_valid,
    valid_cn_mobile,
    valid_cn_mobile_digits,
    valid_cn_resident_id,
)


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
    CONTEXT = PASSPORT_CONTEXT

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
