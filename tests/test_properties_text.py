"""Property tests: masking (scanner.mask), suppression comments (scanner.suppress) and
fingerprints (scanner.baseline) on arbitrary text."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scanner.baseline import assign_fingerprints
from scanner.finding import Confidence, Finding, Location, Severity
from scanner.mask import mask_value, redact_text
from scanner.suppress import parse_directives

_SETTINGS = settings(max_examples=300, deadline=None)


# -- mask_value -----------------------------------------------------------------------------------
@_SETTINGS
@given(value=st.text(max_size=40), secret=st.booleans())
def test_mask_value_never_raises_and_keeps_little(value, secret):
    masked = mask_value(value, secret=secret)
    assert isinstance(masked, str)
    if secret:
        assert set(masked) == {"*"} and 4 <= len(masked) <= 8
        return
    if "*" in value or "@" in value:
        return  # already starred; e-mail addresses are masked by their own shape
    n = len(value)
    kept = sum(a == b for a, b in zip(masked, value, strict=False))
    assert len(masked) == n
    # mask_value's table: <= 2 chars: none kept; < 7: the first; < 11: 2 + 2; < 15: 3 + 4; 4 + 4
    assert kept <= (0 if n <= 2 else 1 if n < 7 else 4 if n < 11 else 7 if n < 15 else 8)
    if n >= 3:
        assert value not in masked


_DIGITS = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1,
                   max_size=5)


@_SETTINGS
@given(groups=_DIGITS, sep=st.sampled_from(["", " ", "-"]), plus=st.booleans(),
       check=st.sampled_from(["", "X"]))
def test_mask_value_never_shows_every_digit_of_a_number(groups, sep, plus, check):
    """Phone, card and ID numbers as written (digit groups, one separator): with 7+ digits (the
    threshold of the long-number masks) some digits are always hidden. (Not "at least three":
    head and tail are counted in characters, so "+00 0 00000" shows 6 of its 8 digits.)"""
    value = ("+" if plus else "") + sep.join(groups) + check
    digits = "".join(groups)
    assume(len(digits) >= 7)
    masked = mask_value(value)
    shown = "".join(c for c in masked if c.isdigit())
    assert len(shown) < len(digits)
    assert digits not in masked.replace(sep, "") if sep else digits not in masked


# -- redact_text ----------------------------------------------------------------------------------
_SECRET = st.from_regex(r"[A-Za-z0-9!$%^()_+=.~-]{8,20}", fullmatch=True).filter(
    lambda s: len(set(s)) > 3)
_AROUND = st.text(max_size=30)
_BREAK = st.sampled_from([" ", "\n", "\t", " ; "])


@st.composite
def seeded(draw) -> tuple[str, str]:
    """(a form redact_text promises to mask, the secret in it)."""
    secret = draw(_SECRET)
    kind = draw(st.sampled_from(["url", "keyed", "json", "digits", "email"]))
    if kind == "url":
        scheme = draw(st.sampled_from(["postgres", "mysql", "redis", "amqp", "jdbc:mysql",
                                       "https", "mongodb+srv"]))
        user = draw(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True))
        secret = secret.replace("@", "").replace("/", "")
        return f"{scheme}://{user}:{secret}@db.example.com:5432/app", secret
    if kind in ("keyed", "json"):
        key = draw(st.sampled_from(["password", "PASSWORD", "db_password", "passwd", "pwd",
                                    "secret", "client_secret", "api_key", "apiKey", "access-key",
                                    "auth_token", "token", "private_key", "credentials"]))
        if secret.startswith(("${", "{{", "%(", "<")) or set(secret) <= {"*"}:
            secret = "s" + secret
        if kind == "json":
            return f'"{key}": "{secret}"', secret
        op = draw(st.sampled_from(["=", ": ", " = ", "=>", "='", ':"']))
        return f"{key}{op}{secret}", secret
    if kind == "digits":
        number = draw(st.from_regex(r"[1-9][0-9]{6,17}", fullmatch=True))
        sep = draw(st.sampled_from(["", " ", "-"]))
        written = sep.join(number[i:i + 4] for i in range(0, len(number), 4))
        return written, number
    local = draw(st.from_regex(r"[a-z][a-z0-9._]{2,12}", fullmatch=True))
    return f"{local}@example.com", f"{local}@example.com"


@_SETTINGS
@given(text=st.text(max_size=80))
def test_redact_text_never_raises_and_is_idempotent(text):
    once = redact_text(text)
    assert isinstance(once, str)
    assert redact_text(once) == once


@_SETTINGS
@given(form=seeded(), before=_AROUND, after=_AROUND, left=_BREAK, right=_BREAK)
def test_redact_text_hides_seeded_secrets(form, before, after, left, right):
    written, secret = form
    text = before + left + written + right + after
    assume(text.count(secret) == 1 and secret not in before + left and secret not in right + after)
    redacted = redact_text(text)
    assert secret not in redacted
    assert secret not in redacted.replace(" ", "").replace("-", "")


# -- suppression comments -------------------------------------------------------------------------
_RULE_ID = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,15}", fullmatch=True)
_REASON = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                         blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85"
                                                              "\u2028\u2029"),
                  max_size=30).map(str.strip).filter(
    lambda r: not r.startswith((":", "-", "—")) and not r.endswith(("-->", "*/")))
_CODE = st.text(alphabet=st.sampled_from(list("abc xyz=()1'\"")), max_size=20)


@_SETTINGS
@given(lines=st.lists(st.text(max_size=60), max_size=8))
def test_parse_directives_never_raises(lines):
    for directive in parse_directives(lines):
        assert 1 <= directive.line <= len(lines)
        assert directive.target in (directive.line, directive.line + 1)


@_SETTINGS
@given(ids=st.lists(_RULE_ID, min_size=1, max_size=4), reason=_REASON, code=_CODE,
       marker=st.sampled_from(["#", "--", "//", ";", "/*", "<!--"]),
       joiner=st.sampled_from([",", ", ", " ", " , "]), before=st.integers(0, 3))
def test_suppression_comments_round_trip(ids, reason, code, marker, joiner, before):
    closer = {"/*": " */", "<!--": " -->"}.get(marker, "")
    comment = f"{marker} dpscan: ignore[{joiner.join(ids)}] {reason}{closer}"
    line = f"{code}  {comment}" if code.strip() else comment
    lines = ["x = 1"] * before + [line]
    (directive,) = parse_directives(lines)
    assert directive.rules == tuple(ids)
    assert directive.reason == reason
    assert directive.line == before + 1
    assert directive.target == before + (1 if code.strip() else 2)
    assert directive.covers([ids[-1].upper()]) and not directive.covers(["not-" + ids[0]])


@_SETTINGS
@given(reason=_REASON, marker=st.sampled_from(["#", "--", "//", ";"]))
def test_a_bare_directive_covers_every_rule(reason, marker):
    (directive,) = parse_directives([f"{marker} dpscan: ignore {reason}".rstrip()])
    assert directive.rules is None and directive.covers(["anything"])


# -- fingerprints ---------------------------------------------------------------------------------
def _finding(rule: str, line: int, path: str = "a.py") -> Finding:
    return Finding(rule_id=rule, clauses=("x",), severity=Severity.HIGH,
                   confidence=Confidence.HIGH, message="m", location=Location(path, line))


def _print(lines: list[str], line: int, rule: str = "DP201") -> str:
    return assign_fingerprints([_finding(rule, line)], lines)[0].fingerprint


_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="\n\r"), min_size=1, max_size=50)
_WS = st.sampled_from(["", " ", "  ", "\t", " \t "])


@_SETTINGS
@given(lines=st.lists(_LINE, min_size=1, max_size=6), data=st.data(), above=st.integers(0, 3),
       below=st.integers(0, 3))
def test_fingerprints_survive_blank_lines_and_whitespace(lines, data, above, below):
    index = data.draw(st.integers(0, len(lines) - 1))
    original = _print(lines, index + 1)
    assert original and original == _print(list(lines), index + 1)  # deterministic
    # blank lines above and below the finding line: the finding moves down, its print stays
    moved = lines[:index] + [""] * above + [lines[index]] + [""] * below + lines[index + 1:]
    assert _print(moved, index + above + 1) == original
    # indentation and the whitespace between words of the finding line
    words = lines[index].split()
    assume(words)
    spaced = (data.draw(_WS) + "".join(w + data.draw(_WS.filter(bool)) for w in words[:-1])
              + words[-1] + data.draw(_WS))
    respaced = lines[:index] + [spaced] + lines[index + 1:]
    assert _print(respaced, index + 1) == original, (lines[index], spaced)


@_SETTINGS
@given(lines=st.lists(_LINE, min_size=1, max_size=4), rules=st.lists(
    st.from_regex(r"DP[0-9]{3}", fullmatch=True), min_size=2, max_size=2, unique=True))
def test_different_rules_give_different_fingerprints(lines, rules):
    assert _print(lines, 1, rules[0]) != _print(lines, 1, rules[1])


@_SETTINGS
@given(text=st.text(max_size=200), line=st.integers(-2, 12))
def test_fingerprints_never_raise(text, line):
    lines = text.split("\n")
    (finding,) = assign_fingerprints([_finding("DP201", line)], lines)
    assert len(finding.fingerprint) == 32


_NUMBER_LINE = st.tuples(st.text(alphabet="abc =\"'", max_size=8),
                         st.lists(st.text(alphabet="0123456789", min_size=2, max_size=4),
                                  min_size=3, max_size=5),
                         st.text(alphabet="abc )\"';", max_size=8))


@_SETTINGS
@given(parts=_NUMBER_LINE, data=st.data())
def test_fingerprints_of_number_lines_ignore_whitespace(parts, data):
    """A long number split by blanks: masked (never hashed raw) whatever the spacing."""
    head, groups, tail = parts
    plain = f"{head} {' '.join(groups)} {tail}"
    spaced = f"{head}{data.draw(_WS)} " + "".join(g + data.draw(_WS.filter(bool))
                                                  for g in groups[:-1]) + f"{groups[-1]} {tail}"
    assert _print([plain], 1) == _print([spaced], 1)
