"""Classify every column of a schema model as personal information (or not), and how it is stored.

Evidence, strongest first: sampled values that validate (scanner.enrich.values, presidio), the
column comment / verbose_name, then the column name read against the lexicon (pii_lexicon.toml)
with its table as context. Categories and their sensitivity follow GB/T 35273-2020 (personal vs
sensitive personal information). presidio is imported only if some column has samples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.enrich import protection
from scanner.enrich.lexicon import (
    Category,
    Lexicon,
    TypeInfo,
    has_cjk,
    load_lexicon,
    normalise,
    tokenize,
    type_info,
)
from scanner.finding import Confidence
from scanner.model.schema import Column, PiiTag, SchemaModel, Table

_COUNT_TAILS = frozenset({"no", "num", "number", "nbr", "nr"})  # email_num is a count
_CLAUSE_END = re.compile(r"[,，、;；:：()（）\[\]【】/|\s。!！?？]")
_PARENS = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")
_CODES = re.compile(r"\d\s*[:=.、]?\s*[^\d\s)\]】]")
_VETO_ALL = "*"


@dataclass
class Guess:
    category: str
    source: str  # "name" | "comment" | "values"
    evidence: str
    confidence: Confidence


@dataclass
class TableContext:
    name: str
    person: bool  # rows are people: a bare `name` is a person's name
    thing: bool  # rows are things (shop, product): their address/photo is not personal
    records: frozenset[str] = frozenset()  # categories the table itself records (an address table)


def classify_model(model: SchemaModel) -> None:
    """Set column.pii, column.protection and column.protection_evidence for every column."""
    lex = load_lexicon()
    for table in model.tables.values():
        ctx = table_context(table, lex)
        for column in table.columns.values():
            column.pii, verdict, tinfo = _classify_column(column, ctx, lex)
            column.protection, column.protection_evidence = protection.assess(
                model, table, column, tinfo, verdict, lex)
        _prune_free_text(table, ctx)


def _classify_column(column: Column, ctx: TableContext, lex: Lexicon):
    tinfo = type_info(column.data_type, lex)
    if _excluded(column, tinfo, lex):
        return None, None, tinfo
    guess = structural_guess(column, ctx, tinfo, lex)
    verdict = None
    if column.samples:
        from scanner.enrich.values import analyse_values  # presidio only behind this line

        verdict = analyse_values(column.name, column.comment, column.samples, lex,
                                 guess.category if guess else None)
        # Values decide, except that "PII somewhere inside the text" does not unseat a name
        # that already says what the column is (an address that mentions a phone number).
        if verdict is not None and verdict.category and (
                guess is None or verdict.category != "free_text" or guess.category == "free_text"):
            agrees = guess is not None and guess.category == verdict.category
            evidence = f"{guess.evidence}; {verdict.description}" if agrees else verdict.description
            guess = Guess(verdict.category, "values", evidence, verdict.confidence)
    if guess is None:
        return None, verdict, tinfo
    cat = lex.categories[guess.category]
    sample = verdict.sample if verdict is not None and verdict.category == cat.id else ""
    tag = PiiTag(cat.id, cat.label_en, cat.sensitivity, guess.source, guess.evidence,
                 guess.confidence, sample)
    return tag, verdict, tinfo


def _excluded(column: Column, tinfo: TypeInfo, lex: Lexicon) -> bool:
    """Primary-key ids, foreign keys, audit columns: never personal data by themselves."""
    name = column.name.lower()
    if name in ("id", "uuid", "guid") or name in lex["tokens.audit_columns"]:
        return True
    if "relation" in tinfo.families:  # ForeignKey, OneToOneField
        return True
    # A surrogate key; a text primary key (a session id, a username) can still be personal.
    return column.primary_key and bool(tinfo.families & {"integer", "uuid"})


def structural_guess(column: Column, ctx: TableContext, tinfo: TypeInfo, lex: Lexicon) -> Guess | None:
    """Category from the declared type, the comment and the name (no values)."""
    if tinfo.base in lex.type_categories:
        return Guess(lex.type_categories[tinfo.base], "name", f"declared type {column.data_type}",
                     Confidence.HIGH)
    by_comment, vetoed = comment_guess(column.comment, ctx, lex)
    if by_comment is None and has_cjk(column.name):
        by_comment, more = comment_guess(column.name, ctx, lex, source="name")
        vetoed |= more
    guess = by_comment or name_guess(column.name, ctx, tinfo, lex)
    if guess is None or (_VETO_ALL in vetoed and guess.source == "name") or guess.category in vetoed:
        return None
    if tinfo.known and not tinfo.families & lex.categories[guess.category].types:
        return None  # email_verified boolean, sj datetime (shijian), create_by bigint '负责人'
    return guess


# --- comments ----------------------------------------------------------------------------------

def comment_guess(text: str, ctx: TableContext, lex: Lexicon, source: str = "comment"):
    """(guess or None, vetoed categories). Keywords are data; the longest one found decides."""
    t = normalise(text)
    vetoed: set[str] = set()
    # '操作类别（0其它 1后台用户 2手机端用户）': a parenthesis of code values is not the column.
    t = _PARENS.sub(lambda m: " " if _CODES.search(m.group()) else m.group(), t).strip() or t
    if not t:
        return None, vetoed
    if any(w in t for w in lex["comments.thing_name"]):
        vetoed |= {"person_name", "username"}  # '部门名称': a thing's name
    for kw, cid in lex.comment_keywords:
        if kw not in t:
            continue  # a substring test first: most comments hold none of the keywords
        for m in re.finditer(re.escape(kw), t):
            if not _ascii_bounded(t, m.start(), m.end()):
                continue
            before = _CLAUSE_END.split(t[:m.start()])[-1]
            after = _CLAUSE_END.split(t[m.end():])[0][:8]
            if any(w in after for w in lex["comments.negative_after"]) or any(
                    w in before for w in lex["comments.negative_before"]):
                return None, vetoed | {_VETO_ALL}  # '手机号状态', '是否邮箱验证'
            if lex.categories[cid].owned and any(w in before for w in lex["modifiers.object_zh"]):
                vetoed.add(cid)  # '文件地址', '商品照片'
                continue
            if cid not in vetoed:
                return Guess(cid, source, f"{source} '{kw}'", Confidence.HIGH), vetoed
    words = re.findall(r"[a-z]+", t)
    if words and len(words) <= 5 and not has_cjk(t):  # a label like "E-mail address", not prose
        guess = name_guess(" ".join(words), ctx, TypeInfo("", frozenset()), lex, abbrev=False)
        if guess is not None:
            label = text.strip()[:40]
            return Guess(guess.category, source, f"{source} '{label}'", Confidence.HIGH), vetoed
    return None, vetoed


def _ascii_bounded(t: str, start: int, end: int) -> bool:
    # 'ip' must not match inside 'zip' or 'description'; CJK neighbours are fine.
    left = t[start - 1] if start > 0 else " "
    right = t[end] if end < len(t) else " "
    return not ((t[start].isascii() and left.isascii() and left.isalnum())
                or (t[end - 1].isascii() and right.isascii() and right.isalnum()))


# --- names -------------------------------------------------------------------------------------

def name_guess(name: str, ctx: TableContext, tinfo: TypeInfo, lex: Lexicon,
               abbrev: bool = True) -> Guess | None:
    tokens = tokenize(name, lex["tokens.keep_alnum"])
    strip = lex["tokens.protection_suffixes"]
    while tokens and (tokens[-1] in strip or tokens[-1].isdigit()):
        tokens.pop()  # id_card_enc, address2
    while tokens and tokens[0] in strip:
        tokens.pop(0)  # enc_mobile
    if len(tokens) > 1 and tokens[0] in lex["tokens.negative_heads"]:
        return None  # is_email, has_phone, num_addresses
    matches = _matches(tokens, lex, abbrev)
    # Head-final compounds: the match that ends last is the head noun (login_ip is an IP).
    matches.sort(key=lambda m: (-m[1], -(m[1] - m[0]), list(lex.categories).index(m[2])))
    for start, end, cid, kind in matches:
        verdict = _judge(tokens, start, end, lex.categories[cid], kind, ctx, tinfo, lex)
        if verdict == _VETO_ALL:
            return None
        if verdict is not None:
            return verdict
    return None


def _matches(tokens: list[str], lex: Lexicon, abbrev: bool) -> list[tuple[int, int, str, str]]:
    found = []
    for i, tok in enumerate(tokens):
        for phrase, cid in lex.phrase_index.get(tok, ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                found.append((i, i + len(phrase), cid, "phrase"))
        for n in (3, 2, 1):  # "first"+"name" -> firstname, "id"+"card" -> idcard
            if i + n <= len(tokens):
                for cid, kind in lex.token_index.get("".join(tokens[i:i + n]), ()):
                    if abbrev or kind != "abbrev":
                        found.append((i, i + n, cid, kind))
    # A match inside a longer one is not a separate reading (the 'card' of 'id_card').
    return [m for m in found if not any(o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0])
                                        for o in found)]


def _judge(tokens, start, end, cat: Category, kind, ctx: TableContext, tinfo: TypeInfo, lex: Lexicon):
    tail = [t for t in tokens[end:] if not t.isdigit()]
    if any(t in lex["tokens.negative_tails"] for t in tail) or (
            not cat.numbered and any(t in _COUNT_TAILS for t in tail)):
        return _VETO_ALL  # email_verified, phone_count, address_type, customer_id, email_num
    modifier = tokens[start - 1] if start > 0 else None
    if tinfo.known and not tinfo.families & cat.types:
        return None  # sj datetime is shijian, not shouji
    text = "_".join(tokens[start:end])
    if modifier in lex["modifiers.object"] and (cat.owned or kind == "context"):
        return None  # goods_name, company_address, shop_lat
    if kind == "context":
        if modifier in lex["modifiers.person"]:
            return Guess(cat.id, "name", f"name '{modifier}_{text}'", Confidence.MEDIUM)
        if (ctx.person or cat.id in ctx.records) and modifier is None:
            where = f"'{text}' in {'person ' if ctx.person else ''}table '{ctx.name}'"
            return Guess(cat.id, "name", where, cat.context_confidence)
        return None
    if cat.owned and ctx.thing and not ctx.person and modifier not in lex["modifiers.person"]:
        return None  # store.address, shop.latitude
    if kind == "abbrev":
        gloss = cat.abbrev.get(text, "")
        fits = cat.length is not None and tinfo.length is not None and (
            cat.length[0] <= tinfo.length <= cat.length[1]) and bool(tinfo.families & cat.types)
        return Guess(cat.id, "name", f"name token '{text}' (pinyin: {gloss})" if gloss else
                     f"name token '{text}'", Confidence.MEDIUM if fits else Confidence.LOW)
    confidence = Confidence.MEDIUM
    if tail and not all(t in lex["tokens.value_tails"] for t in tail):
        confidence = Confidence.LOW  # phone_backup_x: something about a phone, maybe not one
    return Guess(cat.id, "name", f"name token '{text}'", confidence)


# --- tables ------------------------------------------------------------------------------------

def table_context(table: Table, lex: Lexicon) -> TableContext:
    tokens = tokenize(table.name)
    content = [t for t in tokens if t not in lex["tables.generic"]] or tokens
    head = content[-1] if content else ""
    person_words, objects = lex["tables.person"], lex["tables.objects"]
    person = head in person_words or (any(t in person_words for t in content) and head not in objects)
    thing = head in objects
    label = normalise(table.comment) + " " + (table.name if has_cjk(table.name) else "")
    label = re.sub(r"(信息|数据|记录|明细|档案|基本|列表|主表|表|\s)+$", "", label.strip())
    if label:
        person = person or any(label.endswith(w) for w in lex["tables.person_zh"])
        thing = thing or any(label.endswith(w) for w in lex["tables.objects_zh"])
    # A table that is itself a record of a category (an address table): its district counts.
    records = frozenset(cid for cid, kind in lex.token_index.get(head, ()) if kind == "word")
    return TableContext(table.name, person, thing, records)


def _prune_free_text(table: Table, ctx: TableContext) -> None:
    """A remark column is personal only beside personal data (or in a person table)."""
    others = any(c.pii is not None and c.pii.category != "free_text" for c in table.columns.values())
    if ctx.person or others:
        return
    for column in table.columns.values():
        tag = column.pii
        if tag is not None and tag.category == "free_text" and tag.source != "values":
            column.pii = None
