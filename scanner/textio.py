"""Bytes to text: binary detection and encoding detection for the files dpscan reads.

Codebases in the field mix UTF-8, UTF-8 with a BOM (Windows editors), UTF-16 (PowerShell and
Visual Studio output, SQL Server dumps) and GBK/GB18030 (Chinese comments saved on Windows).
A scanner that silently mis-decodes a file misses the findings in it, so decoding never raises:
at worst it replaces the bad bytes and says so.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

BINARY_SNIFF_SIZE = 8 * 1024

# Checked longest-first where one BOM is a prefix of another: the UTF-32 LE BOM starts with the
# UTF-16 LE BOM, and UTF-32 is the only reading under which "FF FE 00 00" is a BOM at all.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Formats that can begin with printable bytes (PDF) or that carry no NUL in their first block
# (JPEG, gzip) would slip past the NUL test, so they are recognised by their signature.
_MAGIC_NUMBERS: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",  # ZIP, and so JAR, DOCX, XLSX, wheels
    b"PK\x05\x06",  # empty ZIP
    b"\x7fELF",
    b"\x1f\x8b",  # gzip
    b"SQLite format 3\x00",
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",
    b"\xca\xfe\xba\xbe",  # Java class / Mach-O universal
)

# Characters that do not occur in real text; used to tell UTF-16 text from binary data that
# merely happens to have NULs in every other byte (arrays of small 16-bit integers).
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\b\x1b")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str  # newlines kept as in the file: callers use str.splitlines()
    encoding: str  # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "gb18030", ...
    replaced: bool  # undecodable bytes were replaced; the caller records a warning


def is_binary(head: bytes) -> bool:
    """True when the first bytes of a file show it is not text worth decoding."""
    head = head[:BINARY_SNIFF_SIZE]
    if head.startswith(_MAGIC_NUMBERS):
        return True
    if b"\x00" not in head:
        return False
    return _bom_encoding(head) is None and _utf16_without_bom(head) is None


def decode_bytes(data: bytes, *, partial: bool = False) -> DecodedText:
    """Decode a file's bytes; never raises.

    ``partial=True`` means ``data`` is only the start of the file (a sniffing head): a multi-byte
    character cut off at the end is then dropped rather than counted as a decoding error.
    """
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding is not None:
        return _decode_or_replace(data, encoding, partial)
    # Strict UTF-8 first: it rejects most non-UTF-8 input, so a success is trustworthy.
    # GB18030 comes after it because it decodes nearly any byte string, UTF-8 included
    # (as mojibake); tried first it would claim every UTF-8 file with a non-ASCII character.
    for candidate in ("utf-8", "gb18030"):
        text = _strict(data, candidate, partial)
        if text is not None:
            return DecodedText(text, candidate, replaced=False)
    return DecodedText(_decode(data, "utf-8", partial, "replace"), "utf-8", replaced=True)


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in alternating positions of mostly-ASCII text."""
    usable = len(data) - len(data) % 2
    if usable < 2:
        return None
    pairs = usable // 2
    nul_even = data[0:usable:2].count(0)
    nul_odd = data[1:usable:2].count(0)
    # ASCII in UTF-16 LE is "X\0", in BE "\0X"; demand that most code units look like that
    # and that the other position is almost never NUL (real text has no NUL characters).
    if nul_odd >= 0.6 * pairs and nul_even <= 0.02 * pairs:
        encoding = "utf-16-le"
    elif nul_even >= 0.6 * pairs and nul_odd <= 0.02 * pairs:
        encoding = "utf-16-be"
    else:
        return None
    text = _strict(data[:usable], encoding, partial=True)
    return encoding if text is not None and _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ch < " " and ch not in _TEXT_CONTROLS)
    return controls <= 0.02 * max(len(text), 1)


def _decode_or_replace(data: bytes, encoding: str, partial: bool) -> DecodedText:
    text = _strict(data, encoding, partial)
    if text is not None:
        return DecodedText(_strip_bom(text, encoding), encoding, replaced=False)
    text = _decode(data, encoding, partial, "replace")
    return DecodedText(_strip_bom(text, encoding), encoding, replaced=True)


def _strip_bom(text: str, encoding: str) -> str:
    # utf-8-sig strips its own BOM; the explicit-endianness UTF-16/32 codecs keep it as U+FEFF.
    if encoding != "utf-8-sig" and text.startswith("\ufeff"):
        return text[1:]
    return text


def _strict(data: bytes, encoding: str, partial: bool) -> str | None:
    try:
        return _decode(data, encoding, partial, "strict")
    except UnicodeDecodeError:
        return None


def _decode(data: bytes, encoding: str, partial: bool, errors: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    return decoder.decode(data, final=not partial)
