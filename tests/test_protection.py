"""Protection evidence: samples, parser hints, names and comments, table mentions, declared type."""

from __future__ import annotations

import base64
import random

import pytest

from scanner.enrich.pii import classify_model
from scanner.finding import Location
from scanner.model.schema import Column, Protection, SchemaModel, Table

P = Protection
_rnd = random.Random(7)


def _bytes(n: int) -> bytes:
    return bytes(_rnd.randrange(256) for _ in range(n))


def _b64(n: int) -> str:
    return base64.b64encode(_bytes(n)).decode()


BCRYPT = ["$2a$10$7JB720yubVSZvUI0rEqK/.VqGOZTH.ulu33dHOiBE8ByOhJIrdAu2",
          "$2b$12$KIXQJ1Ue4c9Sg5y9Zb2y1eVbW8b9pSCJ7wz5qCk7bq6r7x0E6y1yW"]

# (column, type, hints, comment, samples, protection, words in the evidence)
ROWS = [
    # samples
    ("password", "varchar(100)", [], "", BCRYPT, P.HASHED, "bcrypt hashes"),
    ("password", "varchar(255)", [], "", ["$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"], P.HASHED, "argon2"),
    ("password", "varchar(255)", [], "", ["pbkdf2_sha256$600000$salt$hash=", "pbkdf2_sha256$600000$s2$h2="], P.HASHED, "PBKDF2 hashes (Django)"),
    ("password", "varchar(255)", [], "", ["$6$rounds=5000$saltsalt$" + "a" * 86], P.HASHED, "SHA-crypt"),
    ("password", "varchar(255)", [], "", ["$5$saltsalt$" + "b" * 43], P.HASHED, "SHA-crypt"),
    ("password", "varchar(255)", [], "", ["$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA"], P.HASHED, "scrypt"),
    ("password", "char(32)", [], "", ["5f4dcc3b5aa765d61d8327deb882cf99", "e10adc3949ba59abbe56e057f20f883e"], P.WEAK_HASH, "32-hex MD5"),
    ("password", "char(40)", [], "", ["5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"], P.WEAK_HASH, "40-hex SHA-1"),
    ("password", "varchar(64)", [], "", ["$1$saltsalt$abcdefghijklmnopqrstuv"], P.WEAK_HASH, "MD5-crypt"),
    ("phone_hash", "char(64)", [], "", ["a3" * 32], P.HASHED, "64-hex SHA-256 digests"),
    ("phone_sha256", "char(64)", [], "", ["0f" * 32], P.HASHED, "64-hex SHA-256"),
    ("phone", "char(64)", [], "哈希值", ["0f" * 32], P.HASHED, "64-hex SHA-256 digests"),
    ("id_card", "text", [], "", [_b64(32) for _ in range(3)], P.ENCRYPTED, "high-entropy base64"),
    ("id_card", "bytea", [], "", ["\\x" + _bytes(32).hex() for _ in range(3)], P.ENCRYPTED, "bytea hex of random-looking bytes"),
    ("id_card", "text", [], "", ["gAAAAAB" + base64.urlsafe_b64encode(_bytes(80)).decode() for _ in range(2)], P.ENCRYPTED, "Fernet tokens"),
    ("id_card", "text", [], "", ["-----BEGIN PGP MESSAGE-----\n\nhQEMA...\n-----END PGP MESSAGE-----"], P.ENCRYPTED, "PGP messages"),
    ("id_card", "text", [], "", [base64.b64encode(b"110101199003074514").decode()], P.NONE, "base64 of readable text"),
    ("mobile", "varchar(20)", [], "", ["138****5678", "139****1234", "150****0000"], P.MASKED, "stored masked"),
    ("name", "varchar(20)", [], "", ["张*", "李**", "王*"], P.MASKED, "stored masked"),
    ("mobile", "varchar(20)", [], "", ["13812345678", "13912345670", "15012345678"], P.NONE, "valid CN mobile numbers"),
    # parser hints
    ("phone", "varchar(255)", ["orm:EncryptedType"], "", [], P.ENCRYPTED, "EncryptedType (sqlalchemy-utils)"),
    ("phone", "varchar(255)", ["orm:StringEncryptedType"], "", [], P.ENCRYPTED, "StringEncryptedType (sqlalchemy-utils)"),
    ("phone", "text", ["orm:EncryptedCharField"], "", [], P.ENCRYPTED, "EncryptedCharField"),
    ("phone", "text", ["orm:encrypt"], "", [], P.ENCRYPTED, "encrypted ORM field"),
    ("phone", "bytea", ["default:pgp_sym_encrypt"], "", [], P.ENCRYPTED, "DEFAULT calls pgp_sym_encrypt"),
    ("phone", "varbinary(255)", ["default:aes_encrypt"], "", [], P.ENCRYPTED, "aes_encrypt"),
    ("phone", "varchar(255)", ["trigger:AES_ENCRYPT"], "", [], P.ENCRYPTED, "trigger calls aes_encrypt"),
    ("password", "varchar(128)", ["framework:django-password"], "", [], P.HASHED, "Django password field"),
    ("password", "varchar(128)", ["orm:PasswordType"], "", [], P.HASHED, "PasswordType"),
    ("password", "char(32)", ["default:md5"], "", [], P.WEAK_HASH, "DEFAULT calls md5"),
    ("password", "char(40)", ["default:sha1"], "", [], P.WEAK_HASH, "DEFAULT calls sha1"),
    # names and comments
    ("id_card_enc", "bytea", [], "", [], P.ENCRYPTED, "bytea named *_enc"),
    ("id_card_cipher", "blob", [], "", [], P.ENCRYPTED, "blob named *_cipher"),
    ("id_card_ct", "varbinary(256)", [], "", [], P.ENCRYPTED, "named *_ct"),
    ("id_card", "longblob", [], "身份证号（加密）", [], P.ENCRYPTED, "commented '加密'"),
    ("id_card", "varchar(512)", [], "身份证号密文", [], P.ENCRYPTED, "commented '密文'"),
    ("id_card_encrypted", "varchar(512)", [], "", [], P.ENCRYPTED, "name only"),
    ("password_md5", "char(32)", [], "", [], P.WEAK_HASH, "named *_md5"),
    ("password", "varchar(64)", [], "密码（MD5加密）", [], P.WEAK_HASH, "commented 'md5'"),
    ("password_hash", "varchar(255)", [], "", [], P.HASHED, "named *_hash"),
    ("phone_digest", "bytea", [], "", [], P.HASHED, "bytea named *_digest"),
    # declared type only
    ("password", "char(40)", [], "", [], P.WEAK_HASH, "the size of a SHA-1 hex digest"),
    ("password", "varchar(40)", [], "", [], P.NONE, "no protection seen"),   # too common a size
    ("id_card", "bytea", [], "", [], P.UNKNOWN, "nothing says what it holds"),
    ("avatar", "blob", [], "", [], P.UNKNOWN, "nothing says what it holds"),
    ("id_card", "varchar(18)", [], "", [], P.NONE, "declared varchar(18), no protection seen"),
    ("phone", "bigint", [], "", [], P.NONE, "holds the value itself"),
    ("birthday", "date", [], "", [], P.NONE, "holds the value itself"),
    ("phone", "", [], "", [], P.UNKNOWN, "type unknown"),
]


@pytest.mark.parametrize("name, data_type, hints, comment, samples, expected, words", ROWS,
                         ids=[f"{r[0]}:{r[1]}:{(r[2] or [r[3] or (r[4][:1] or ['-'])[0][:12]])[0]}" for r in ROWS])
def test_protection(name, data_type, hints, comment, samples, expected, words):
    model = SchemaModel()
    col = model.add_table(Table("customer")).add_column(
        Column(name, data_type=data_type, comment=comment, protection_hints=hints, samples=samples))
    classify_model(model)
    assert col.protection is expected, col.protection_evidence
    assert words in col.protection_evidence
    assert not any(s in col.protection_evidence for s in samples)  # evidence never quotes a sample


def _with_mention(data_type: str, func: str) -> Column:
    model = SchemaModel()
    table = model.add_table(Table("customer", schema="crm"))
    col = table.add_column(Column("id_card", data_type=data_type))
    model.crypto_mentions.append(("crm.customer", func, Location(line=3)))
    classify_model(model)
    return col


def test_table_level_encrypt_mention_proves_an_opaque_column():
    col = _with_mention("bytea", "pgp_sym_encrypt")
    assert col.protection is P.ENCRYPTED and "pgp_sym_encrypt" in col.protection_evidence


def test_table_level_encrypt_mention_does_not_vouch_for_a_text_column():
    # The mention names the table, not the column: a text column there may still be plaintext.
    col = _with_mention("varchar(18)", "pgp_sym_encrypt")
    assert col.protection is P.UNKNOWN and "column not named" in col.protection_evidence


def test_unrelated_mention_is_ignored():
    assert _with_mention("varchar(18)", "upper").protection is P.NONE


def test_hashed_credential_is_still_a_credential():
    model = SchemaModel()
    col = model.add_table(Table("sys_user")).add_column(Column("password", "varchar(100)", comment="密码",
                                                               samples=BCRYPT))
    classify_model(model)
    assert (col.pii.category, col.protection) == ("credential", P.HASHED)
    assert col.pii.sample == ""  # a credential never shows a sample
