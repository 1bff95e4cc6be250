"""Value evidence: what a column's sampled values are, through presidio's pattern recognisers.

presidio is imported lazily, the first time a column with samples is analysed, and runs with no
NLP model (NoOpNlpEngine) and no network: tldextract is pointed away from the public-suffix list
download and e-mail domains are checked against its bundled snapshot. If a spaCy model happens to
be installed (zh_core_web_sm / en_core_web_sm), it adds person-name NER; nothing is downloaded.

Cheap pure-Python pre-checks keep presidio off columns whose samples are plainly counts, dates,
flags or enums, and recognise masked values (138****5678) and coordinates, which presidio does
not. Then, per value (see _triage): a bare digit string that passes a check (GB 11643 ID, CN
mobile segment, Luhn card) is decided without presidio, exactly as presidio would decide it; the
rest is screened for what any recogniser could match (enough digits in a run, an '@', dots or
colons; phone and passport patterns only when a context word can lift them over the score floor)
so that values with no candidate are never analysed and presidio runs only the recognisers the
remaining values could match, in one call per column. A column whose possible hits cannot reach
the threshold stops before presidio. None of this changes a verdict (tests/test_pii_values.py
compares the pre-checked path with plain presidio); bench/values_throughput.py measures it.
Samples never leave this module unmasked.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from functools import cache

from scanner.enrich.checks import (
    PASSPORT_CONTEXT,
    luhn_valid,
    valid_cn_mobile_digits,
    valid_cn_resident_id,
)
from scanner.enrich.lexicon import Lexicon, tokenize
from scanner.finding import Confidence
from scanner.mask import mask_value

# presidio entity -> lexicon category, and the words used in evidence.
ENTITIES = {
    "CN_RESIDENT_ID": ("national_id", "valid CN resident IDs"),
    "EMAIL_ADDRESS": ("email", "e-mail addresses"),
    "CN_MOBILE": ("phone", "valid CN mobile numbers"),
    "CN_BANK_CARD": ("bank_card", "Luhn-valid bank card numbers"),
    "CREDIT_CARD": ("bank_card", "Luhn-valid card numbers"),
    "IBAN_CODE": ("bank_card", "valid IBANs"),
    "IP_ADDRESS": ("ip_address", "IP addresses"),
    "MAC_ADDRESS": ("device_id", "MAC addresses"),
    "CN_PASSPORT": ("national_id", "CN passport numbers"),
    "PHONE_NUMBER": ("phone", "phone numbers"),
    "PERSON": ("person_name", "person names (NER)"),
}
# When one value matches several recognisers, the stronger check wins: an 18-digit resident ID
# that also happens to pass Luhn is an ID (checked by GB 11643 and a birth date).
_PRIORITY = list(ENTITIES)
# Recognisers with no check digit count only with context (column name/comment words raise
# presidio's score by 0.35) or, for phones, an explicit international "+" prefix.
_MIN_SCORE = {"PHONE_NUMBER": 0.5, "CN_PASSPORT": 0.5, "PERSON": 0.6}
_DEFAULT_MIN_SCORE = 0.5
# Each region costs a full phonenumbers pass per value; numbers written with "+" parse in any
# region, so a few home regions suffice (CN landlines, HK, US, GB).
_PHONE_REGIONS = ("CN", "HK", "US", "GB")
_PHONE_CONTEXT = ["phone", "mobile", "tel", "cell", "fax", "contact", "电话", "手机", "传真", "dianhua"]

_NULLS = frozenset({"", "null", "none", "nil", "n/a", "na", "-", "\\n", "undefined"})
_BORING = re.compile(
    r"[-+]?\d{1,6}"                                      # counts, codes, small ids
    r"|[-+]?\d*\.\d+"                                    # amounts, ratios
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}:\d{2}(?::\d{2})?"                         # times
    r"|true|false|t|f|y|n|yes|no|on|off",
    re.IGNORECASE,
)
_GENDER_VALUES = frozenset({"男", "女", "m", "f", "male", "female", "未知", "man", "woman", "男性", "女性"})
# Masked shapes: the value was stored already masked (GB/T 35273 §6.2 去标识化 / 展示限制).
_MASKED = (
    ("phone", re.compile(r"(?:\+?86)?1[3-9]\d[*xX]{4}\d{4}"), "masked CN mobile numbers"),
    ("digits", re.compile(r"\d{2,6}\*{4,13}\d{0,4}[\dXx]"), ""),  # an ID or a card: see _masked_digits
    ("email", re.compile(r"[^@\s*]{0,3}\*+[^@\s]*@[\w.\-]+\.[a-z]{2,}", re.IGNORECASE),
     "masked e-mail addresses"),
    ("person_name",
     re.compile(r"[\u4e00-\u9fff]\*{1,3}|\*[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]\*[\u4e00-\u9fff]"),
     "masked Chinese names"),
)
# "lat,lng" pairs and WKT POINT(lng lat) with at least 4 decimals (about 10 m).
_LATLNG = re.compile(r"\(?\s*(-?\d{1,3}\.\d{4,})\s*[, ]\s*(-?\d{1,3}\.\d{4,})\s*\)?"
                     r"|point\s*\(\s*(-?\d{1,3}\.\d{4,})\s+(-?\d{1,3}\.\d{4,})\s*\)", re.IGNORECASE)
_DECIMAL_DEG = re.compile(r"-?\d{1,3}\.\d{4,}")


@dataclass
class ValueVerdict:
    category: str | None  # None when the values say nothing about a category
    matched: int
    total: int
    description: str  # "34/40 samples are valid CN resident IDs"; never a raw value
    confidence: Confidence = Confidence.HIGH
    sample: str = ""  # masked
    readable_pii: int = 0  # samples that are readable personal data (for protection)


def distinct_samples(samples: list[str], limit: int) -> list[str]:
    """Distinct, non-empty, stripped samples in first-seen order, at most ``limit``."""
    out: dict[str, None] = {}
    for raw in samples:
        value = str(raw).strip() if raw is not None else ""
        if value.lower() in _NULLS:
            continue
        out.setdefault(value, None)
        if len(out) >= limit:
            break
    return list(out)


def analyse_values(name: str, comment: str, samples: list[str], lex: Lexicon,
                   hint: str | None = None) -> ValueVerdict | None:
    """Classify a column by its samples; ``hint`` is the category its name/comment suggests."""
    cfg = lex.values
    values = distinct_samples(samples, int(cfg["max_values_per_column"]))
    if not values:
        return None
    n = len(values)

    def decided(hits: int) -> bool:
        # >= threshold of at least min_samples distinct values, or every one of fewer.
        return hits == n if n < cfg["min_samples"] else hits / n >= cfg["threshold"]

    for category, pattern, words in _MASKED:
        hits = [v for v in values if pattern.fullmatch(v)]
        if hits and decided(len(hits)):
            if category == "digits":
                category, words = _masked_digits(hits, hint)
            return ValueVerdict(category, len(hits), n, f"{len(hits)}/{n} samples are {words}",
                                Confidence.MEDIUM, mask_value(hits[0]))
    geo = [v for v in values if _is_coordinate(v, hint == "precise_location")]
    if geo and decided(len(geo)):
        return ValueVerdict("precise_location", len(geo), n, f"{len(geo)}/{n} samples are coordinates",
                            Confidence.MEDIUM, mask_value(geo[0]), len(geo))
    if all(_BORING.fullmatch(v) for v in values):
        return ValueVerdict(None, 0, n, "samples are numbers, dates or flags")
    lowered = {v.lower() for v in values}
    if lowered <= _GENDER_VALUES and (len(lowered) >= 2 or hint == "gender"):
        return ValueVerdict("gender", n, n, f"{n}/{n} samples are gender values", Confidence.MEDIUM,
                            mask_value(values[0]), n)
    return _presidio_verdict(name, comment, values, lex, hint, decided)


def _presidio_verdict(name, comment, values, lex, hint, decided) -> ValueVerdict:
    n = len(values)
    context = tokenize(name, lex["tokens.keep_alnum"]) + [name.lower()] + ([comment] if comment else [])
    found, pending, entities = _triage(values, _ner_model() is not None, context)
    fast = _count(found)
    # Early stop: the pre-checks are exact supersets of what any recogniser can match, so when the
    # values that could still hold personal data cannot reach the threshold, presidio cannot either.
    known = sum(len(v) for v in fast.values())
    possible = known + len(pending)
    if not decided(possible):
        return ValueVerdict(None, known, n, f"at most {possible}/{n} samples could be personal data",
                            readable_pii=known)
    if pending:
        subset = [values[i] for i in pending]
        for i, entity in zip(pending, _analyse_each(_engine(), subset, context, entities)):
            found[i] = entity
    counts = _count(found)
    embedded = sum(1 for e in found if e == EMBEDDED)
    readable = sum(len(v) for v in counts.values())
    if counts:
        # Most hits; ties go to the category the name suggests, then to the stronger check.
        category, hits = max(counts.items(), key=lambda kv: (
            len(kv[1]), kv[0] == hint, -min(_PRIORITY.index(found[i]) for i in kv[1])))
        if decided(len(hits)):
            hit_entities = [found[i] for i in hits]
            entity = min(set(hit_entities), key=lambda e: (-hit_entities.count(e), _PRIORITY.index(e)))
            words = ENTITIES[entity][1]
            return ValueVerdict(category, len(hits), n, f"{len(hits)}/{n} samples are {words}",
                                Confidence.HIGH, mask_value(values[hits[0]]), readable)
    if embedded and decided(embedded):
        return ValueVerdict("free_text", embedded, n,
                            f"{embedded}/{n} samples hold personal data inside free text",
                            Confidence.MEDIUM, "", embedded)
    return ValueVerdict(None, readable, n, f"{readable}/{n} samples validate as personal data",
                        readable_pii=readable)


EMBEDDED = "embedded"  # personal data inside a longer value


def _count(found: list[str | None]) -> dict[str, list[int]]:
    """category -> indexes of the values whose whole text is that category, in value order."""
    counts: dict[str, list[int]] = {}
    for i, entity in enumerate(found):
        if entity is not None and entity != EMBEDDED:
            counts.setdefault(ENTITIES[entity][0], []).append(i)
    return counts


def classify_values(values: list[str], context: list[str] | tuple[str, ...] = ()) -> list[str | None]:
    """Per value: the presidio entity that covers it whole, EMBEDDED, or None.

    The same path as column classification (pre-checks, then one presidio call for the values
    that need it), minus the column-level early stops; used by bench/values_throughput.py.
    """
    found, pending, entities = _triage(values, _ner_model() is not None, list(context))
    if pending:
        subset = [values[i] for i in pending]
        for i, entity in zip(pending, _analyse_each(_engine(), subset, list(context), entities)):
            found[i] = entity
    return found


# -- cheap pre-checks -------------------------------------------------------------------------
# Each recogniser needs something a plain scan of the value can rule out: a run of enough digits
# (separators ' ' and '-' allowed, as in the patterns), an '@', enough dots or colons. A value
# with none of them is never sent to presidio; the entities list passed to presidio is the union
# of what the pending values could be, so recognisers that cannot match are not run at all.
_DIGIT_RUN = re.compile(r"\d(?:[ \-]?\d)*")
_IBAN_HEAD = re.compile(r"[A-Za-z]{2}\d{2}")
_LETTER = re.compile(r"[^\W\d_]")


# Recognisers without a check digit score below the 0.5 floor unless a context word lifts them
# (+0.35). With no NER the only context is the column's name and comment: when no word there can
# lift them, they cannot count and are not run (phones still run for "+" values, see _min_score).
_WEAK = {"PHONE_NUMBER": _PHONE_CONTEXT, "CN_PASSPORT": PASSPORT_CONTEXT}


def _liftable(context: list[str], ner: bool) -> set[str]:
    if ner:  # words around a match in the text can lift it too
        return set(_WEAK)
    words = [w.lower() for w in context if w]
    # presidio's (default, loosest) matching: a recogniser's context word inside a given word
    return {entity for entity, lifts in _WEAK.items()
            if any(a.lower() in b for a in lifts for b in words)}


def _candidates(value: str, ner: bool, lifted: set[str]) -> set[str]:
    out: set[str] = set()
    if "@" in value and "." in value:
        out.add("EMAIL_ADDRESS")
    if ner and _LETTER.search(value):
        out.add("PERSON")
    dots, colons = value.count("."), value.count(":")
    if dots >= 3 or colons >= 6 or "::" in value:
        out.add("IP_ADDRESS")
    if len(value) >= 14 and (colons >= 5 or value.count("-") >= 5 or dots >= 2):
        out.add("MAC_ADDRESS")
    runs = _DIGIT_RUN.findall(value)
    if not runs:
        return out
    digits = sum(len(r) for r in runs)  # separators included: an upper bound is enough
    longest = max(len(r) for r in runs)
    if digits >= 7 and ("PHONE_NUMBER" in lifted or value.startswith("+")):
        out.add("PHONE_NUMBER")  # phonenumbers accepts many separators: count all digits
    if longest >= 7 and "CN_PASSPORT" in lifted:
        out.add("CN_PASSPORT")
    if longest >= 11:
        out.add("CN_MOBILE")
    if longest >= 12:
        out.add("CREDIT_CARD")
    if longest >= 15:
        out.add("CN_RESIDENT_ID")
    if longest >= 16:
        out.add("CN_BANK_CARD")
    if len(value) >= 15 and _IBAN_HEAD.search(value):
        out.add("IBAN_CODE")
    return out


def _fast_entity(value: str) -> str | None:
    """The entity presidio would pick for a bare digit string that passes its validator.

    Exact: a valid 18/15-digit resident ID is CN_RESIDENT_ID (the strongest entity); an 11-digit
    string in a mobile segment is CN_MOBILE (nothing stronger matches 11 digits); a Luhn-valid
    16-19 digit string starting 2-6 that is no valid ID is CN_BANK_CARD (it beats CREDIT_CARD).
    """
    size = len(value)
    if not value.isascii() or size < 11:
        return None
    if value.isdigit():
        if size in (15, 18) and valid_cn_resident_id(value):
            return "CN_RESIDENT_ID"
        if size == 11:
            return "CN_MOBILE" if valid_cn_mobile_digits(value) else None
        if 16 <= size <= 19 and value[0] in "23456" and luhn_valid(value):
            return "CN_BANK_CARD"
    elif size == 18 and value[17] in "Xx" and value[:17].isdigit() and valid_cn_resident_id(value):
        return "CN_RESIDENT_ID"
    return None


def _triage(values: list[str], ner: bool, context: list[str]) -> tuple[list[str | None], list[int], set[str]]:
    """(entity decided by the checks or None per value, indexes left for presidio, their entities)."""
    lifted = _liftable(context, ner)
    found: list[str | None] = [None] * len(values)
    pending: list[int] = []
    entities: set[str] = set()
    for i, value in enumerate(values):
        entity = _fast_entity(value)
        if entity is not None:
            found[i] = entity
            continue
        candidates = _candidates(value, ner, lifted)
        if candidates:
            pending.append(i)
            entities |= candidates
    return found, pending, entities


# Values are analysed in one presidio call per column: the per-call overhead (recognizer
# loop, context enhancement) dominated live scans, 0.5 ms per value. A blank line between values
# keeps every recognizer's match inside one value (none of their patterns spans an empty line).
_SEPARATOR = "\n\n"


def _analyse_each(engine, values: list[str], context: list[str], entities: set[str]) -> list[str | None]:
    """Per value, from one analysis of all of them joined: the entity covering it whole (the
    strongest if several), EMBEDDED for personal data inside it, or None."""
    starts, position = [], 0
    for value in values:
        starts.append(position)
        position += len(value) + len(_SEPARATOR)
    found: list[list] = [[] for _ in values]
    for result in engine.analyze(text=_SEPARATOR.join(values), language="en", context=context,
                                 entities=sorted(entities)):
        index = bisect.bisect_right(starts, result.start) - 1
        if index >= 0 and result.end <= starts[index] + len(values[index]):
            found[index].append(result)
    out: list[str | None] = []
    for value, results in zip(values, found):
        results = [r for r in results if r.score >= _min_score(r.entity_type, value)]
        whole = [r.entity_type for r in results if r.entity_type in ENTITIES
                 and (r.end - r.start) >= 0.9 * len(value)]
        out.append(min(whole, key=_PRIORITY.index) if whole else EMBEDDED if results else None)
    return out


def _masked_digits(hits: list[str], hint: str | None) -> tuple[str, str]:
    # Resident IDs are 15 or 18 characters (maybe ending in X); bank cards 16-19 digits. The
    # shapes overlap at 18, where the column name decides.
    looks_like_id = {len(v) for v in hits} <= {15, 18} or any(v[-1] in "Xx" for v in hits)
    if hint == "national_id" or (hint != "bank_card" and looks_like_id):
        return "national_id", "masked ID numbers"
    return "bank_card", "masked card numbers"


def _min_score(entity: str, value: str) -> float:
    if entity == "PHONE_NUMBER" and value.startswith("+"):
        return 0.0  # an explicit international number needs no context
    return _MIN_SCORE.get(entity, _DEFAULT_MIN_SCORE)


def _is_coordinate(value: str, hinted: bool) -> bool:
    m = _LATLNG.fullmatch(value)
    if m:
        a, b = (float(x) for x in (m.group(1, 2) if m.group(1) else m.group(3, 4)))
        return (abs(a) <= 90 and abs(b) <= 180) or (abs(a) <= 180 and abs(b) <= 90)
    # A single decimal degree (latitude or longitude column) only confirms a name that says so.
    return hinted and bool(_DECIMAL_DEG.fullmatch(value)) and abs(float(value)) <= 180


@cache
def _engine():
    # Must precede the first import of tldextract (via presidio's EmailRecognizer): an empty
    # URL list makes tldextract use its bundled snapshot instead of downloading the suffix list.
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        IpRecognizer,
        MacAddressRecognizer,
        PhoneRecognizer,
    )

    from scanner.enrich import recognizers as cn

    nlp_engine, ner = _nlp_engine()
    recognizers = [
        cn.CnResidentIdRecognizer(), cn.CnMobileRecognizer(), cn.CnBankCardRecognizer(),
        cn.CnPassportRecognizer(), cn.OfflineEmailRecognizer(), CreditCardRecognizer(),
        IbanRecognizer(), IpRecognizer(), MacAddressRecognizer(),
        # python-phonenumbers, no model needed; a few regions keep it fast.
        PhoneRecognizer(context=_PHONE_CONTEXT, supported_regions=_PHONE_REGIONS),
        *ner,
    ]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["en"])


def _nlp_engine():
    """NoOpNlpEngine, or spaCy NER if a small model is already installed (never downloaded)."""
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    model = _ner_model()
    if model is not None:
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        # The one language code "en" labels whichever model is present; presidio only
        # uses it to route text to the model.
        nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
        return nlp, [SpacyRecognizer(supported_language="en", supported_entities=["PERSON"])]
    return NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}]), []


@cache
def _ner_model() -> str | None:
    """The installed small spaCy model, if any (found without importing spaCy), unless DPSCAN_NER=0."""
    if os.environ.get("DPSCAN_NER", "1") == "0":
        return None
    import importlib.util

    for model in ("zh_core_web_sm", "en_core_web_sm"):
        if importlib.util.find_spec(model) is not None:
            return model
    return None
