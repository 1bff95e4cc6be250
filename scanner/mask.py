"""The only place where raw values become text that may be shown.

Every output (text, JSON, SARIF, HTML, logs) gets evidence that passed through here. Two entry
points: ``mask_value`` for a value a rule isolated (an ID number, a phone number, a password), and
``redact_text`` for a line of source that may contain such values somewhere inside it.
"""

from __future__ import annotations

import re

_STAR = "*"

# Names under which a value is a credential: shown as stars only, never partially.
_SECRET_NAMES = (
    r"pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|client[_-]?secret|credentials?|auth[_-]?key|session[_-]?key|secret[_-]?key"
)

# Every name _SECRET_NAMES matches contains one of these (lower case): redact_text's pre-check.
_SECRET_NAME_PARTS = ("pass", "pwd", "secret", "token", "key", "credential")

# scheme://user:password@host -- the password part, whatever the scheme (postgres, mysql, redis,
# amqp, jdbc:mysql, http...). The password may not contain "@" or "/" unescaped in a URL.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s'\"]*:)(?P<pw>[^@/\s'\"]+)(?=@)")

# key=value / key: value / "key": "value" where key names a secret. The value runs to the next
# separator. Stops at quotes so that `password="x"` masks only x.
_KEYED_SECRET = re.compile(
    # The look-behind starts a match only where a name can start: the leftmost match is the
    # same, but failing attempts inside every word no longer re-scan it (150 us a line).
    rf"(?P<head>(?<![\w.\-])(?:[\w.\-]*?)(?:{_SECRET_NAMES})[\w\-]*['\"]?\s*(?:=|:|=>)\s*['\"]?)"
    r"(?P<value>[^\s'\"&;,}<>]+)",
    re.IGNORECASE,
)

# Passwords that SQL sets without "=" (issue 10: a rule quoting `CREATE USER 'u'@'%' IDENTIFIED BY
# 'pw';` as evidence leaked the password, as _KEYED_SECRET wants a "=" or ":"):
#   MySQL/MariaDB  IDENTIFIED BY 'pw' / IDENTIFIED WITH plugin BY 'pw' / IDENTIFIED BY PASSWORD '*hash'
#                  / SET PASSWORD [FOR 'u'@'h'] = PASSWORD('pw') or = 'pw'
#   PostgreSQL     CREATE|ALTER ROLE|USER ... [ENCRYPTED] PASSWORD 'pw'
#   Oracle         IDENTIFIED BY pw (unquoted) / IDENTIFIED BY VALUES 'hash'
_SQL_SECRET = re.compile(
    r"(?P<head>\b(?:IDENTIFIED\s+(?:WITH\s+['\"`]?\w+['\"`]?\s+)?(?:BY|AS)(?:\s+(?:PASSWORD|VALUES)\b)?"
    # A bare PASSWORD keyword is followed by a blank or "(" in SQL; without that lookahead it
    # took `"] = "` in DATABASES["default"]["PASSWORD"] = "****" for a quoted password.
    r"|SET\s+PASSWORD\b[^=;\n]*=\s*(?:PASSWORD\b)?|PASSWORD(?=[\s(]))\s*(?:\(\s*)?)"
    r"(?P<value>'(?:[^'\n]|'')*'|\"[^\"\n]*\"|(?<=[\s(])(?!PASSWORD\b|VALUES\b|NULL\b)[^\s'\";,)]+(?=\s*[;,)]|\s*$))",
    re.IGNORECASE,
)

# HTTP basic/digest credentials given positionally: requests/httpx `auth=("user", "pw")`,
# `HTTPBasicAuth("user", "pw")`, aiohttp `BasicAuth("user", "pw")`. The second literal is the
# password (issue 10: a TLS finding on `requests.get(..., auth=("svc", "pw"), verify=False)`
# quoted the whole line as evidence).
_AUTH_PAIR = re.compile(
    r"(?P<head>(?:\bauth\s*=\s*[(\[]|\b(?:HTTP)?(?:Basic|Digest|Proxy)Auth\s*\()\s*"
    r"(?:[rbuRBU]{0,2}(?P<q1>['\"])[^'\"\n]*(?P=q1)|[\w.\[\]'\"]+)\s*,\s*[rbuRBU]{0,2}(?P<q2>['\"]))"
    r"(?P<value>[^'\"\n]+)(?=(?P=q2))"
)

_EMAIL = re.compile(r"(?P<local>[A-Za-z0-9._%+\-]+)@(?P<domain>[A-Za-z0-9.\-]+\.[A-Za-z]{2,})")

# Runs of 7+ digits, optionally split by single spaces or dashes (card and phone formats), and the
# Chinese resident ID with its X check character. Shorter runs (ports, years, counts) stay as is.
# Letters around the run do not protect it: "user13812345678" still carries a phone number.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ \-]?\d){6,}[Xx]?(?!\d)")


def mask_value(value: str, *, secret: bool = False) -> str:
    """Mask one value, keeping just enough to recognise its shape.

    Secrets are fully starred (length capped so the length itself leaks little). Other values
    keep a head and a tail that scale with length: an 18-digit ID number keeps 4 + 4
    (``1101**********1234``), an 11-digit mobile number 3 + 4 (``138****5678``), and anything
    shorter than 7 characters keeps at most its first character.
    """
    if value is None:
        return ""
    value = str(value)
    if secret:
        return _STAR * min(max(len(value), 4), 8)
    email = _EMAIL.fullmatch(value)
    if email:
        return _mask_email(email)
    n = len(value)
    if n <= 2:
        return _STAR * n
    if n < 7:
        return value[0] + _STAR * (n - 1)
    if n < 11:
        head, tail = 2, 2
    elif n < 15:
        head, tail = 3, 4
    else:
        head, tail = 4, 4
    return value[:head] + _STAR * (n - head - tail) + value[-tail:]


def _mask_email(match: re.Match[str]) -> str:
    local = match.group("local")
    return f"{local[0]}***@{match.group('domain')}"


def redact_text(text: str) -> str:
    """Mask every credential, e-mail address and long number found inside free text.

    Idempotent, and never raises: it is applied to arbitrary source lines.
    """
    if not text:
        return ""
    # Each pattern runs only when the literal it cannot match without is there: a 100,000-column
    # schema scan masks 80,000 messages, and most hold none of these.
    lower = text.lower()
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: m.group("head") + "****", text)
    if any(name in lower for name in _SECRET_NAME_PARTS):
        text = _KEYED_SECRET.sub(_mask_keyed_secret, text)
    if "password" in lower or "identified" in lower:
        text = _SQL_SECRET.sub(_mask_sql_secret, text)
    if "auth" in lower:
        text = _AUTH_PAIR.sub(lambda m: m.group("head") + "****", text)
    if "@" in text:
        text = _EMAIL.sub(_mask_email, text)
    return _DIGIT_RUN.sub(lambda m: _mask_digits(m.group(0)), text)


def _mask_keyed_secret(match: re.Match[str]) -> str:
    value = match.group("value")
    # Already masked, or an empty / placeholder-looking value: nothing to hide.
    if set(value) <= {_STAR} or value.startswith(("${", "{{", "%(", "<")):
        return match.group(0)
    return match.group("head") + "****"


def _mask_sql_secret(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[0] in "'\"" else ""
    inner = value[1:-1] if quote else value
    if not inner or set(inner) <= {_STAR}:  # '' (no password: a finding of its own) or masked
        return match.group(0)
    return f"{match.group('head')}{quote}****{quote}"


def _mask_digits(run: str) -> str:
    digits = [i for i, ch in enumerate(run) if ch.isdigit() or ch in "Xx"]
    positions = set(digits)
    n = len(digits)
    head, tail = (3, 4) if n < 15 else (4, 4)
    if n < 11:
        head, tail = 2, 2
    keep = set(digits[:head]) | set(digits[n - tail:])
    return "".join(ch if (i in keep or i not in positions) else _STAR for i, ch in enumerate(run))
