"""DP301-DP308: the Python crypto-primitive rules, driven through the real engine."""

from __future__ import annotations

import pytest

from scanner.engine import check_text
from scanner.registry import default_registry

from .conftest import scan_snippet

CRYPTO = ["DP301", "DP302", "DP303", "DP304", "DP305", "DP306", "DP307", "DP308"]


def found(source: str, rules=CRYPTO) -> list[tuple[int, str]]:
    outcome = scan_snippet(source, "crypto_snippet.py", rules=rules)
    assert not outcome.errors, outcome.errors
    return sorted((f.location.line, f.rule_id) for f in outcome.findings)


CASES = [
    # DP301 weak-hash: every spelling, and the escapes
    ("import hashlib\nhashlib.md5(blob)\n", [(2, "DP301")]),
    ("import hashlib as h\nh.sha1(blob).hexdigest()\n", [(2, "DP301")]),
    ("from hashlib import md5 as digest\ndigest(blob)\n", [(2, "DP301")]),
    ("import hashlib\nhashlib.new('MD5', blob)\n", [(2, "DP301")]),
    ("import hashlib\nhashlib.new(name='sha1')\n", [(2, "DP301")]),
    ("from Cryptodome.Hash import SHA1\nSHA1.new(blob)\n", [(2, "DP301")]),
    ("from cryptography.hazmat.primitives import hashes\nhashes.Hash(hashes.MD5())\n",
     [(2, "DP301")]),
    ("import hashlib\nhashlib.md5(blob, usedforsecurity=False)\n", []),
    ("import hashlib\nhashlib.new('sha1', blob, usedforsecurity=False)\n", []),
    ("import hashlib\nhashlib.new('sha256', blob)\n", []),
    ("import hashlib, hmac\nhmac.new(key, msg, hashlib.sha1)\n", []),
    ("from cryptography.hazmat.primitives import hashes\n"
     "from cryptography.hazmat.primitives.kdf.hkdf import HKDF\n"
     "HKDF(algorithm=hashes.SHA1(), length=32, salt=None, info=b'')\n", []),
    # DP302 fast-password-hash: argument, target, function, dict key, update()
    ("import hashlib\nhashlib.sha256(password.encode())\n", [(2, "DP302")]),
    ("import hashlib\nuser.pwd_digest = hashlib.sha3_256(raw).hexdigest()\n", [(2, "DP302")]),
    ("import hashlib\nrow = {'password': hashlib.blake2b(raw).hexdigest()}\n", [(2, "DP302")]),
    ("import hashlib\ndef hashPassword(s):\n    return hashlib.sha512(s).digest()\n",
     [(3, "DP302")]),
    ("import hashlib\nh = hashlib.sha256()\nh.update(user_passwd)\n", [(3, "DP302")]),
    ("from cryptography.hazmat.primitives import hashes\nd = hashes.Hash(hashes.SHA256())\n"
     "d.update(password)\n", [(3, "DP302")]),
    ("import hashlib\nhashlib.md5(password)\n", [(2, "DP301")]),  # DP301's, raised to high
    ("import hashlib\nhashlib.sha256(password_reset_token)\n", []),
    ("import hashlib\npassword_ok = hashlib.sha256(blob).digest() == expected\n", []),
    ("import hashlib\nhashlib.sha256(compass_heading)\n", []),
    # DP302 PBKDF2 iteration counts (hashlib, cryptography, PyCryptodome; names resolved)
    ("import hashlib\nhashlib.pbkdf2_hmac('sha256', pw, salt, 100_000)\n", [(2, "DP302")]),
    ("import hashlib\nN = 1000\nhashlib.pbkdf2_hmac('sha256', pw, salt, iterations=N)\n",
     [(3, "DP302")]),
    ("import hashlib\nhashlib.pbkdf2_hmac('sha512', pw, salt, 210_000)\n", []),
    ("import hashlib\nhashlib.pbkdf2_hmac('sha1', pw, salt, 600_000)\n", [(2, "DP302")]),
    ("import hashlib\nhashlib.pbkdf2_hmac('sha256', pw, salt, settings.ROUNDS)\n", []),
    ("from Crypto.Protocol.KDF import PBKDF2\nPBKDF2(pw, salt)\n", [(2, "DP302")]),
    # DP303 weak-cipher
    ("from Crypto.Cipher import DES3\nDES3.new(key, DES3.MODE_GCM)\n", [(2, "DP303")]),
    ("from Cryptodome.Cipher import ARC2\nARC2.new(key, ARC2.MODE_CFB, iv=iv)\n", [(2, "DP303")]),
    ("from cryptography.hazmat.decrepit.ciphers import algorithms\nalgorithms.ARC4(key)\n",
     [(2, "DP303")]),
    ("from cryptography.hazmat.primitives.ciphers import algorithms\nalgorithms.IDEA(key)\n",
     [(2, "DP303")]),
    ("from Crypto.Cipher import XOR\nXOR.new(key)\n", [(2, "DP303")]),
    ("import M2Crypto.EVP\nM2Crypto.EVP.Cipher('bf_cbc', key, iv, 1)\n", [(2, "DP303")]),
    ("from cryptography.hazmat.primitives.ciphers import algorithms\nalgorithms.Camellia(key)\n",
     []),
    # DP304 ecb-mode
    ("from Crypto.Cipher import AES\nAES.new(key, mode=AES.MODE_ECB)\n", [(2, "DP304")]),
    ("from Crypto.Cipher import AES\nAES.new(key)\n", [(2, "DP304")]),  # PyCrypto default
    ("from Cryptodome.Cipher import AES\nAES.new(key)\n", []),  # PyCryptodomex: no default
    ("from Crypto.Cipher import AES\nAES.new(key, mode)\n", []),
    ("from Crypto.Cipher import AES\nallowed = [m for m in modes if m != AES.MODE_ECB]\n", []),
    # DP305 cbc-without-mac
    ("from Crypto.Cipher import AES\nAES.new(key, AES.MODE_CBC, iv)\n", [(2, "DP305")]),
    ("from Crypto.Cipher import AES\nfrom Crypto.Hash import HMAC\n"
     "AES.new(key, AES.MODE_CBC, iv)\nHMAC.new(k2, ct)\n", []),
    ("from Crypto.Cipher import DES\nDES.new(key, DES.MODE_CBC, iv)\n", [(2, "DP303")]),
    # DP306 static-iv: literal, expression, module constant, local name, random
    ("from cryptography.hazmat.primitives.ciphers import modes\nmodes.CBC(bytes(16))\n",
     [(2, "DP305"), (2, "DP306")]),
    ("from cryptography.hazmat.primitives.ciphers import modes\nmodes.GCM(b'\\0' * 12)\n",
     [(2, "DP306")]),
    ("from cryptography.hazmat.primitives.ciphers import modes\nIV = '0' * 16\n"
     "def f():\n    return modes.CTR(IV.encode())\n", [(4, "DP306")]),
    ("import os\nfrom cryptography.hazmat.primitives.ciphers import modes\n"
     "def f():\n    iv = os.urandom(16)\n    return modes.CFB(iv)\n", []),
    ("from cryptography.hazmat.primitives.ciphers import modes\n"
     "def f(iv=b'x' * 16):\n    return modes.OFB(iv)\n", []),  # a parameter: not constant
    ("from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305\n"
     "ChaCha20Poly1305(key).encrypt(bytes.fromhex('00' * 12), data, None)\n", [(2, "DP306")]),
    ("from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
     "AESGCM(key).decrypt(b'123456789012', data, None)\n", []),
    ("from Crypto.Cipher import AES\nAES.new(key, AES.MODE_CBC, iv=None)\n", [(2, "DP305")]),
    # DP307 hardcoded-crypto-key
    ("from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
     "AESGCM(bytes.fromhex('00112233445566778899aabbccddeeff'))\n", [(2, "DP307")]),
    ("from Crypto.Cipher import AES\nK = 'sixteen byte key'\nAES.new(K.encode(), AES.MODE_GCM)\n",
     [(3, "DP307")]),
    ("import hmac\nhmac.new(b'webhook-secret', body, 'sha256')\n", [(2, "DP307")]),
    ("import os\nfrom Crypto.Cipher import AES\nAES.new(os.environb[b'K'], AES.MODE_GCM)\n", []),
    ("from Crypto.Cipher import AES\nAES.new(key=settings.KEY, mode=AES.MODE_GCM)\n", []),
    # DP308 small-key-size
    ("from Crypto.PublicKey import RSA\nRSA.generate(1024)\n", [(2, "DP308")]),
    ("from Crypto.PublicKey import RSA\nRSA.generate(2048)\n", []),
    ("from cryptography.hazmat.primitives.asymmetric import rsa\n"
     "rsa.generate_private_key(65537, 512)\n", [(2, "DP308")]),
    ("import M2Crypto\nM2Crypto.RSA.gen_key(1024, 65537)\n", [(2, "DP308")]),
    ("from cryptography.hazmat.primitives.asymmetric import ec\n"
     "ec.generate_private_key(ec.SECT163K1())\n", [(2, "DP308")]),
    ("import ecdsa\necdsa.SigningKey.generate(curve=ecdsa.NIST192p)\n", [(2, "DP308")]),
    ("from Crypto.PublicKey import ECC\nECC.generate(curve='secp256r1')\n", []),
    ("import secrets\nfrom Crypto.Cipher import AES\n"
     "def f():\n    k = secrets.token_bytes(8)\n    return AES.new(k, AES.MODE_GCM)\n",
     [(5, "DP308")]),
    ("import os\nfrom Crypto.Cipher import AES\nAES.new(os.urandom(16), AES.MODE_GCM)\n", []),
]


@pytest.mark.parametrize("source, expected", CASES)
def test_crypto_rules(source, expected):
    assert found(source) == expected


def _with_options(rule_id: str, options: dict, source: str):
    rule = default_registry().get(rule_id)(options)
    outcome = check_text(source, path="snippet.py", kind="python", rules=[rule])
    assert not outcome.errors, outcome.errors
    return outcome.findings


@pytest.mark.parametrize("bits, source, expected", [
    (128, "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
          "AESGCM.generate_key(bit_length=128)\n", 0),
    (256, "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
          "AESGCM.generate_key(bit_length=128)\n", 1),
    (256, "import os\nfrom Crypto.Cipher import AES\nAES.new(os.urandom(16), AES.MODE_GCM)\n", 1),
    (256, "from M2Crypto import EVP\nEVP.Cipher('aes_128_cbc', key, iv, 1)\n", 1),
    (256, "from M2Crypto import EVP\nEVP.Cipher('aes_256_cbc', key, iv, 1)\n", 0),
])
def test_aes_policy_is_an_option_and_named_in_the_message(bits, source, expected):
    findings = _with_options("DP308", {"min_aes_key_bits": bits}, source)
    assert len(findings) == expected
    assert all(f"Policy: AES >= {bits} bits" in f.message for f in findings)


def test_pbkdf2_floor_is_an_option():
    source = "import hashlib\nhashlib.pbkdf2_hmac('sha256', pw, salt, 310_000)\n"
    assert len(_with_options("DP302", {}, source)) == 1
    assert _with_options("DP302", {"min_pbkdf2_iterations": 310_000}, source) == []
    [finding] = _with_options("DP302", {}, source)
    assert ">= 600,000 iterations" in finding.message


def test_rsa_policy_is_named():
    [finding] = _with_options("DP308", {"min_rsa_bits": 3072},
                              "from Crypto.PublicKey import RSA\nRSA.generate(2048)\n")
    assert "Policy: RSA/DSA/DH >= 3072 bits" in finding.message


def test_hardcoded_key_never_shows_the_key():
    source = ("from Crypto.Cipher import AES\n"
              "cipher = AES.new(b'Sup3rSecretK3y!!', AES.MODE_GCM)\n")
    outcome = scan_snippet(source, "vault.py", rules=["DP307"])
    [finding] = outcome.findings
    assert "Sup3rSecretK3y" not in finding.evidence + finding.message + finding.key
    assert finding.evidence.startswith("cipher = AES.new(****")


@pytest.mark.parametrize("rule, source, severity", [
    ("DP301", "import hashlib\nhashlib.md5(blob)\n", "high"),
    ("DP301", "import hashlib\nhashlib.sha1(blob)\n", "medium"),
    ("DP301", "import hashlib\nhashlib.sha1(password)\n", "high"),
    ("DP303", "from Crypto.Cipher import DES3\nDES3.new(key, DES3.MODE_GCM)\n", "medium"),
    ("DP303", "from Crypto.Cipher import ARC4\nARC4.new(key)\n", "high"),
    ("DP305", "from Crypto.Cipher import AES\nAES.new(key, AES.MODE_CBC, iv)\n", "low"),
    ("DP306", "from Crypto.Cipher import AES\nAES.new(key, AES.MODE_CBC, b'1' * 16)\n", "medium"),
    ("DP306", "from Crypto.Cipher import AES\nAES.new(key, AES.MODE_CTR, nonce=b'1' * 8)\n",
     "high"),
    ("DP308", "from Crypto.PublicKey import RSA\nRSA.generate(1024)\n", "medium"),
    ("DP308", "from Crypto.PublicKey import RSA\nRSA.generate(512)\n", "high"),
])
def test_severity_follows_the_primitive(rule, source, severity):
    [finding] = scan_snippet(source, "s.py", rules=[rule]).findings
    assert finding.severity.value == severity


def test_importing_these_rules_does_not_import_libcst():
    """The pre-commit hook loads every rule; libcst must wait until a rule runs."""
    import subprocess
    import sys

    modules = ["detectors.crypto." + m for m in (
        "weak_hash", "fast_password_hash", "weak_cipher", "ecb_mode", "cbc_without_mac",
        "static_iv", "hardcoded_key", "small_key_size")] + ["detectors.transport." + m for m in (
        "ssl_legacy_protocol", "ssl_wrap_socket", "ssl_weak_cipher_string",
        "plaintext_protocol_client", "plaintext_http_url", "db_client_tls_disabled",
        "redis_client_plaintext")]
    code = (f"import importlib, sys; [importlib.import_module(m) for m in {modules!r}]; "
            "print('libcst' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_fixture_message_says_what_policy_and_fix():
    from .conftest import FIXTURES, run_cli

    mine = ("DP301,DP302,DP303,DP304,DP305,DP306,DP307,DP308,"
            "DP203,DP204,DP205,DP206,DP207,DP208,DP209")
    run = run_cli("scan", "python/crypto", "python/transport", "--select", mine,
                  "--format", "json", cwd=FIXTURES)
    findings = run.json()["findings"]
    assert len(findings) > 60
    for finding in findings:
        message = finding["message"]
        assert "Policy:" in message and "Fix:" in message and "CWE-" in message, message
