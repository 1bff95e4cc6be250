"""Is a credential value a real secret, or a placeholder / a reference to one kept elsewhere?

Shared by the credential rules (detectors/access, DP430-DP435). Everything that decides is data
below, so adding a placeholder spelling is a one-line change. Two questions:

- ``is_reference``: the value names where the secret comes from (``${DB_PASSWORD}``,
  ``$DB_PASSWORD``, ``%(password)s``, ``{{ .Values.db.password }}``, ``<password>``,
  ``vault:...``, ``secretsmanager:...``, jasypt ``ENC(...)``, Spring Cloud ``{cipher}...``,
  Ansible ``!vault``...). It is never a finding.
- ``is_placeholder``: a reference, an empty value, or an obvious template word (``changeme``,
  ``password``, ``xxx``, ``***``, ``your-password``, ``<...>``). Template files and examples are
  full of these; reporting them would bury the real secrets. A literal that is *set* as a
  password (SQL ``CREATE ROLE ... PASSWORD 'changeme'``) is still reported: rules that read such
  statements ask ``is_reference`` only.
"""

from __future__ import annotations

import re

# Template words, compared lower-cased with "-", "_", " " and "." removed.
PLACEHOLDER_WORDS = frozenset({
    "", "changeme", "changeit", "changethis", "password", "passwd", "pass", "pwd", "secret",
    "yourpassword", "yoursecret", "mypassword", "dbpassword", "examplepassword", "example",
    "dummy", "placeholder", "redacted", "removed", "hidden", "masked", "none", "null", "nil",
    "todo", "tbd", "fixme", "setme", "replaceme", "insertpasswordhere", "notset", "empty",
    "xxx", "secretpassword", "supersecret", "...", "…",
})
# Prefixes of values that point at a secret store, an environment variable or a template.
REFERENCE_PREFIXES = (
    "${", "$(", "#{", "%(", "{{", "{%", "<%", "vault:", "vault://", "secretsmanager:",
    "arn:aws:secretsmanager:", "ssm:", "aws-sm:", "gcp-sm:", "sm://", "azure-keyvault:",
    "@microsoft.keyvault(", "keyvault:", "op://", "env:", "enc(", "{cipher}", "!vault",
    "$ansible_vault", "secret:", "file:", "/run/secrets/", "/var/run/secrets/",
)
_SHELL_VARIABLE = re.compile(r"\$[A-Za-z_]\w*|\$\{[^}]*\}?")
_ANGLE = re.compile(r"<[^<>]*>")
_FORMAT = re.compile(r"%[sdr]|%\([\w.]+\)[sdr]|\{[\w.]*\}|:\w+|\?")  # %s, %(pw)s, {}, {pw}, :pw
_REPEATED = re.compile(r"(.)\1*")  # xxxx, ****, ....
_FILLER = frozenset("x*.#-_?")
_YOUR = re.compile(r"^(?:your|my|the|some|enter|insert|put)[-_ ]?[\w-]*(?:pass|pwd|secret|key)",
                   re.IGNORECASE)


def _strip_quotes(value: str) -> str:
    value = value.strip()
    while len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        value = value[1:-1].strip()
    return value


def is_reference(value: str) -> bool:
    """The value points at a secret kept elsewhere (or is a template expression)."""
    text = _strip_quotes(value)
    lowered = text.lower()
    return bool(
        lowered.startswith(REFERENCE_PREFIXES)
        or _SHELL_VARIABLE.fullmatch(text)
        or _ANGLE.fullmatch(text)
        or _FORMAT.fullmatch(text)
        or ("{{" in text and "}}" in text)
        or ("${" in text and "}" in text)
    )


def is_placeholder(value: str) -> bool:
    """A reference, an empty value or an obvious template word: not a hard-coded secret."""
    text = _strip_quotes(value)
    if is_reference(text):
        return True
    squashed = re.sub(r"[-_ .]", "", text.lower())
    if squashed in PLACEHOLDER_WORDS or _YOUR.match(text):
        return True
    return bool(text) and _REPEATED.fullmatch(text) is not None and text[0].lower() in _FILLER


_LENGTH_CLASSES = (  # (upper bound, English, Chinese)
    (8, "shorter than 8 characters", "少于 8 个字符"),
    (16, "8-15 characters", "8-15 个字符"),
    (None, "16 or more characters", "16 个字符或以上"),
)


def length_class(value: str, lang: str = "en") -> str:
    """A coarse length for messages: the exact length of a secret is not shown either."""
    for bound, english, chinese in _LENGTH_CLASSES:
        if bound is None or len(value) < bound:
            return chinese if lang == "zh" else english
    raise AssertionError("unreachable")
