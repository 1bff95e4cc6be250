"""The OpenSSL cipher-string evaluator (scanner.tls.ciphers) and its shipped suite table."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.tls.aliases import alias_table
from scanner.tls.ciphers import PROFILES, evaluate, expand, expansion
from scanner.tls.profiles import normalise_protocol, outside_profile
from scanner.tls.suites import all_suites, by_name, lookup

INTERMEDIATE = PROFILES["intermediate"].ciphers
OLD = PROFILES["old"].ciphers


def names(cipher_string: str) -> list[str]:
    return [s.name for s in expand(cipher_string)]


# -- the table -----------------------------------------------------------------------------------
def test_table_has_unique_codes_and_names():
    suites = all_suites()
    assert len({s.code for s in suites}) == len(suites)
    spellings = [n for s in suites for n in (s.name, *s.aliases)]
    assert len(set(spellings)) == len(spellings)
    assert len({s.iana for s in suites}) == len(suites)


def test_table_holds_the_legacy_suites_openssl3_lacks():
    for name in ("RC4-SHA", "RC4-MD5", "DES-CBC3-SHA", "DES-CBC-SHA", "EXP-RC4-MD5",
                 "EXP-RC2-CBC-MD5", "IDEA-CBC-SHA", "ECDHE-RSA-DES-CBC3-SHA", "ADH-RC4-MD5"):
        assert by_name()[name].legacy, name
    assert lookup("TLS_RSA_WITH_3DES_EDE_CBC_SHA").name == "DES-CBC3-SHA"
    assert lookup("EDH-RSA-DES-CBC3-SHA") is lookup("DHE-RSA-DES-CBC3-SHA")


@pytest.mark.parametrize("suite", all_suites(), ids=lambda s: s.name)
def test_every_suite_is_well_formed(suite):
    assert suite.protocol in ("SSLv3", "TLSv1", "TLSv1.2", "TLSv1.3")
    assert suite.strength in ("HIGH", "MEDIUM", "LOW", "EXP40", "NONE")
    assert (suite.enc == "NULL") == (suite.strength == "NONE")
    assert re.fullmatch(r"TLS_\w+", suite.iana)


# -- expansion: operators and ordering -----------------------------------------------------------
@pytest.mark.parametrize("cipher_string, expected", [
    ("RC4+RSA", ["RC4-SHA", "RC4-MD5", "EXP-RC4-MD5"]),
    ("DES-CBC3-SHA:AES256-SHA:RC4-SHA:@STRENGTH", ["AES256-SHA", "RC4-SHA", "DES-CBC3-SHA"]),
    ("AES128-SHA:AES256-SHA:-AES128-SHA:AES128-SHA", ["AES256-SHA", "AES128-SHA"]),
    ("AES128-SHA:!AES128-SHA:AES128-SHA", []),
    ("RC4-SHA:AES128-SHA:+RC4-SHA", ["AES128-SHA", "RC4-SHA"]),
    ("kEECDH+AESGCM+aRSA", ["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"]),
    ("ECDHE-RSA-AES128-SHA;AES256-SHA,DES-CBC3-SHA RC4-SHA",
     ["ECDHE-RSA-AES128-SHA", "AES256-SHA", "DES-CBC3-SHA", "RC4-SHA"]),
    ("SUITEB128ONLY", ["ECDHE-ECDSA-AES128-GCM-SHA256"]),
    ("", []),
])
def test_expand_follows_openssl_operators(cipher_string, expected):
    assert names(cipher_string) == expected


def test_intermediate_profile_expands_to_its_nine_suites_in_order():
    assert names(INTERMEDIATE) == INTERMEDIATE.split(":")


def test_default_is_openssl3_default_and_only_at_the_start():
    default = names("DEFAULT")
    assert "AES128-SHA" in default and "ADH-AES128-SHA" not in default
    assert "RC4-SHA" not in default and "CAMELLIA128-SHA" not in default
    assert expansion("AES128-SHA:DEFAULT").unknown == ("DEFAULT",)


def test_unknown_words_are_reported_and_ignored():
    result = expansion("FOO:RC4-SHA:TLS_AES_128_GCM_SHA256:RC4+BAR")
    assert [s.name for s in result.suites] == ["RC4-SHA"]
    assert result.unknown == ("FOO", "TLS_AES_128_GCM_SHA256", "RC4+BAR")
    assert result.errors == ()


@pytest.mark.parametrize("cipher_string, error", [
    ("HIGH:@FOO", "unknown command @FOO"),
    ("HIGH:#x", "invalid character '#'"),
    ("RC4+", "invalid character"),
])
def test_what_openssl_would_reject_is_an_error_not_an_exception(cipher_string, error):
    assert any(error in e for e in expansion(cipher_string).errors)


def test_seclevel_is_accepted_and_ignored():
    assert names("@SECLEVEL=0:RC4-SHA") == ["RC4-SHA"]
    assert expansion("@SECLEVEL=0:RC4-SHA").errors == ()


# -- judging against the Mozilla profiles ---------------------------------------------------------
@pytest.mark.parametrize("cipher_string, profile, reasons", [
    ("RC4+RSA", "intermediate", {"RC4", "MD5", "EXPORT", "static RSA key exchange"}),
    ("HIGH:!aNULL:!MD5", "intermediate", {"static RSA key exchange"}),
    ("DEFAULT", "intermediate", {"static RSA key exchange"}),
    ("aNULL:!eNULL", "intermediate", {"anonymous", "RC4", "DES", "3DES", "EXPORT", "MD5"}),
    ("eNULL", "intermediate", {"NULL", "anonymous", "MD5", "static RSA key exchange"}),
    ("EXPORT", "old", {"EXPORT", "DES", "RC4", "RC2", "MD5", "anonymous"}),
    ("3DES:!aNULL", "intermediate", {"3DES", "static RSA key exchange"}),
    ("3DES:!aNULL", "old", set()),
    (OLD, "old", set()),
    (OLD, "intermediate", {"3DES", "static RSA key exchange"}),
    (INTERMEDIATE, "intermediate", set()),
    (INTERMEDIATE, "modern", {"not TLS 1.3"}),
    ("kEECDH+AESGCM:kEDH+AESGCM", "intermediate", {"anonymous"}),  # kEDH includes ADH
    ("EECDH+AESGCM:EDH+AESGCM", "intermediate", set()),
    ("ALL:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!3DES:!MD5:!kRSA", "intermediate", set()),
])
def test_evaluate_reports_the_weak_suites(cipher_string, profile, reasons):
    verdict = evaluate(cipher_string, profile=profile)
    assert set(verdict.reasons) == reasons
    assert verdict.ok is (not reasons)
    assert verdict.recommended == PROFILES[profile].ciphers


def test_verdict_summary_names_one_example_per_reason_worst_first():
    verdict = evaluate("AES128-SHA:DES-CBC3-SHA:RC4-SHA:ECDHE-RSA-AES128-GCM-SHA256")
    assert verdict.reasons == ("RC4", "3DES", "static RSA key exchange")
    assert verdict.summary(2) == ("RC4-SHA (RC4, static RSA key exchange), DES-CBC3-SHA (3DES, "
                                  "static RSA key exchange) and 1 more")


def test_unknown_profile_is_a_caller_error():
    with pytest.raises(ValueError, match="unknown TLS profile"):
        evaluate("HIGH", profile="paranoid")


def test_profiles_follow_mozilla_5_7():
    assert PROFILES["modern"].protocols == ("TLSv1.3",) and PROFILES["modern"].ciphers == ""
    assert PROFILES["intermediate"].protocols == ("TLSv1.2", "TLSv1.3")
    assert INTERMEDIATE.endswith("DHE-RSA-CHACHA20-POLY1305")  # added in v5.7
    assert OLD.endswith("DES-CBC3-SHA") and PROFILES["old"].server_preferred_order
    assert outside_profile({"TLSv1", "TLSv1.2"}, "intermediate") == ("TLSv1",)
    assert [normalise_protocol(w) for w in ("TLSv1.0", "tlsv11", "TLSv1.3", "x")] == [
        "TLSv1", "TLSv1.1", "TLSv1.3", None]


# -- robustness -------------------------------------------------------------------------------
_TOKENS = sorted(alias_table()) + ["RC4-SHA", "DES-CBC3-SHA", "ECDHE-RSA-AES128-GCM-SHA256",
                                   "TLS_AES_128_GCM_SHA256", "DEFAULT", "@STRENGTH",
                                   "@SECLEVEL=2", "FOO"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_evaluate_never_raises_on_arbitrary_text(text):
    verdict = evaluate(text)
    assert len({s.code for s in verdict.suites}) == len(verdict.suites)
    assert not any(s.tls13 for s in verdict.suites)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "!", "-", "+"]), st.sampled_from(_TOKENS),
                          st.sampled_from([":", "+", " ", ","])), max_size=12))
def test_evaluate_never_raises_on_cipher_like_strings(parts):
    text = "".join(op + token + sep for op, token, sep in parts)
    verdict = evaluate(text, profile="modern")
    assert all(why for _, why in verdict.weak)
    assert set(verdict.suites) <= set(all_suites())


# -- against the real OpenSSL -------------------------------------------------------------------
# Strings both tables know. Over the suites present in both (the local OpenSSL 3 lacks RC4, 3DES,
# DES, EXPORT, IDEA, static DH/ECDH, and SEED without the legacy provider), the expansion must be
# the same list in the same order. A string starting with "-" would be read as an option.
OPENSSL_STRINGS = [
    "HIGH:!aNULL:!MD5", "ALL", "ALL:COMPLEMENTOFALL", "DEFAULT", "DEFAULT:!AES", "ALL:@STRENGTH",
    "kEECDH+AESGCM:kEDH+AESGCM", "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH",
    "ALL:!ADH:+HIGH:+MEDIUM:-LOW", "aNULL", "eNULL", "PSK", "SRP", "TLSv1.2", "TLSv1", "SSLv3",
    "CAMELLIA:SEED:ARIA", "AES128:-SHA1", "HIGH:!aNULL:!MD5:!3DES:@STRENGTH", "ECDH", "DH",
    "ECDSA", "DSS", "RSA", "kRSA", "aRSA", "COMPLEMENTOFDEFAULT", "CHACHA20", "AESCCM",
    "AESCCM8", "SHA256:SHA384", "SHA", "FIPS", "ALL:-DHE:DHE", "HIGH:-AES:AES:@STRENGTH",
    "ALL:+aRSA:+CAMELLIA:!SHA1", "AES256-SHA:ALL:!kRSA:kRSA", "ECDHE+AESGCM+ECDSA:RSA+AESGCM",
    "aRSA+kEECDH+AES128", "HIGH:MEDIUM:!aNULL:!kRSA", "ALL;!aNULL,!eNULL !SHA1",
    "@SECLEVEL=0:ALL", "AES:@STRENGTH:+SHA256", "TLSv1.2+AESGCM+DHE", "RC4+RSA:ALL",
    INTERMEDIATE, OLD,
]
OPENSSL = shutil.which("openssl")


def _openssl(cipher_string: str) -> list[str]:
    # Plain `openssl ciphers STRING` (no -s: no security-level or protocol filtering); the
    # TLS 1.3 suites, configured apart, are emptied out with -ciphersuites "".
    run = subprocess.run([OPENSSL, "ciphers", "-ciphersuites", "", cipher_string],
                         capture_output=True, text=True, timeout=30)
    return run.stdout.strip().split(":") if run.returncode == 0 and run.stdout.strip() else []


@pytest.fixture(scope="module")
def openssl_suites() -> set[str]:
    if OPENSSL is None:
        pytest.skip("openssl not installed")
    version = subprocess.run([OPENSSL, "version"], capture_output=True, text=True).stdout
    if not re.match(r"OpenSSL [3-9]\.", version):
        pytest.skip(f"order comparison is for OpenSSL 3 ({version.strip()})")
    return set(_openssl("ALL:COMPLEMENTOFALL"))


@pytest.mark.parametrize("cipher_string", OPENSSL_STRINGS)
def test_expansion_matches_openssl_over_common_suites(cipher_string, openssl_suites):
    ours = [n for n in names(cipher_string) if n in openssl_suites]
    theirs = [n for n in _openssl(cipher_string) if n in by_name()]
    assert ours == theirs


def test_openssl_knows_no_suite_we_lack(openssl_suites):
    assert openssl_suites <= set(by_name())
