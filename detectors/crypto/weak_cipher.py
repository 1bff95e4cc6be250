"""DP303: Python code encrypts with DES, 3DES, RC4, RC2, Blowfish, CAST5, IDEA or XOR (clauses
3.3.2 and 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from detectors.crypto._denylist import argument, cited, entry_for, section, severity, zh
from detectors.crypto._flow import where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# M2Crypto.EVP.Cipher(alg, key, iv, op): the algorithm is an OpenSSL cipher name in a string.
_EVP = ("M2Crypto.EVP.Cipher", [0, "alg"])


class WeakCipher(Rule):
    """Data is encrypted with a broken or obsolete cipher.

    PyCryptodome/PyCrypto ``DES``, ``DES3``, ``ARC4``, ``ARC2``, ``Blowfish``, ``CAST``, ``XOR``;
    cryptography ``algorithms.TripleDES``, ``ARC4``, ``Blowfish``, ``CAST5``, ``IDEA`` (also under
    ``hazmat.decrepit``); pyDes ``des``/``triple_des``; M2Crypto ``EVP.Cipher`` with a
    ``des_*``, ``des_ede*``, ``rc4``, ``rc2_*``, ``bf_*``, ``cast5_*`` or ``idea_*`` algorithm.
    DES keys are searched exhaustively, RC4 leaks plaintext through keystream bias, and the
    64-bit-block ciphers leak under Sweet32 once a key encrypts a few dozen gigabytes. Clause
    3.3.2 names AES-256 as the expected strength for stored sensitive data; the same ciphers
    protecting a custom channel fail clause 3.3.3. Decryption-only code for migrating old data
    is still reported: suppress it inline with the migration as the reason.
    """

    id = "DP303"
    name = "weak-cipher"
    clauses = ("3.3.2", "3.3.3")
    severity = Severity.HIGH  # per cipher from weak_crypto.toml: broken high, 64-bit block medium
    confidence = Confidence.HIGH
    remediation = (
        "Encrypt with AES-256-GCM (cryptography AESGCM, PyCryptodome AES.MODE_GCM) or "
        "ChaCha20-Poly1305, with a random 96-bit nonce per message and the key from a key store; "
        "re-encrypt data written under the old cipher, keeping the old one for decryption only."
    )
    references = ("CWE-327", "Bandit B304", "NIST SP 800-131A Rev. 2", "RFC 7465")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("Crypto", "cryptography", "pyDes")  # "Crypto" also covers Cryptodome and M2Crypto

    bad = (
        Example("from Crypto.Cipher import DES\ncipher = DES.new(key, DES.MODE_CBC, iv)\n",
                expect=1),
        Example("from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
                "Cipher(algorithms.TripleDES(key), modes.CBC(iv))\n", expect=1),
        Example("from M2Crypto import EVP\nEVP.Cipher(alg='rc4', key=key, iv=b'', op=1)\n",
                expect=1),
    )
    good = (
        Example("from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_GCM)\n"),
        Example("from M2Crypto import EVP\nEVP.Cipher(alg='aes_256_cbc', key=key, iv=iv, op=1)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        ciphers = section("cipher")
        for call in module.calls:
            entry, name = entry_for(call.qualnames, ciphers)
            shown = f"{call.callee}()"
            if entry is None:
                entry, shown = _evp(module, call, ciphers)
                name = f"{_EVP[0]}:{shown}"
            if entry is None:
                continue
            yield self.finding(
                ctx, **where(module, call), severity=severity(entry), key=name,
                message=f"{shown} encrypts with {entry['name']}: {entry['why']}. Policy: "
                        f"customer data is encrypted with AES (256-bit for core sensitive data) "
                        f"or ChaCha20 in an authenticated mode. Fix: AES-256-GCM or "
                        f"ChaCha20-Poly1305{cited(entry['references'])}",
                message_zh=f"{shown} 使用 {zh(entry['name'])} 加密：{zh(entry['why'])}。策略："
                           f"客户数据须使用 AES（核心敏感数据使用 256 位）或 ChaCha20 的认证加密"
                           f"模式加密。修复：使用 AES-256-GCM 或 ChaCha20-Poly1305"
                           f"{cited(entry['references'])}")


def _evp(module: PythonModule, call: CallSite,
         ciphers: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    if _EVP[0] not in call.qualnames:
        return None, ""
    alg = module.literal(argument(call, _EVP[1]))
    if not isinstance(alg, str):
        return None, ""
    for entry in ciphers:
        if any(alg.lower().startswith(prefix) for prefix in entry["evp"]):
            return entry, f"{call.callee}(alg={alg!r})"
    return None, ""
