"""DP305: AES in CBC mode with nothing in the module that authenticates the ciphertext (clauses
3.3.2 and 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument, canonical, match, section
from detectors.crypto._flow import where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

_CIPHER = "cryptography.hazmat.primitives.ciphers.Cipher"
_WHY = ("unauthenticated CBC lets anyone who can submit ciphertexts flip plaintext bits and, "
        "through padding errors, decrypt records (padding-oracle attacks)")
_POLICY = ("Policy: encryption is authenticated where the library offers AEAD. Fix: AES-GCM "
           "(AESGCM, AES.MODE_GCM), ChaCha20-Poly1305 or Fernet; or encrypt-then-MAC with "
           "HMAC-SHA256 over IV and ciphertext, checked before decrypting (CWE-353, CWE-327)")
_WHY_ZH = ("未经认证的 CBC 使任何能提交密文的人都可以翻转明文比特，并可借助填充错误解密记录"
           "（填充预言攻击）")
_POLICY_ZH = ("策略：在库提供 AEAD 的情况下，加密须带认证。修复：使用 AES-GCM（AESGCM、"
              "AES.MODE_GCM）、ChaCha20-Poly1305 或 Fernet；或采用先加密后 MAC，对 IV 和密文"
              "计算 HMAC-SHA256，并在解密前校验（CWE-353，CWE-327）")


class CbcWithoutMac(Rule):
    """AES-CBC is used and nothing in the module authenticates the ciphertext.

    PyCryptodome ``AES.new(key, AES.MODE_CBC, iv)``, cryptography ``modes.CBC(iv)`` with AES,
    pyaes ``AESModeOfOperationCBC`` and M2Crypto ``aes_*_cbc``. Every library that offers CBC
    also offers an AEAD mode, which both encrypts and detects tampering. The module-level test
    is a heuristic, hence low severity and medium confidence: any HMAC, CMAC or Poly1305 use in
    the same module (encrypt-then-MAC) clears it. CBC with DES or 3DES is left to DP303, which
    reports the cipher itself.
    """

    id = "DP305"
    name = "cbc-without-mac"
    clauses = ("3.3.2", "3.3.3")
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    remediation = (
        "Switch to AES-GCM or ChaCha20-Poly1305 (or Fernet for small records). If CBC must stay "
        "for compatibility, append HMAC-SHA256 over IV || ciphertext with a separate key and "
        "verify it with hmac.compare_digest before decrypting."
    )
    references = ("CWE-353", "CWE-327", "NIST SP 800-38D")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("CBC", "cbc")
    # Every mode it knows comes from an imported library: "Crypto" also covers Cryptodome and
    # M2Crypto.
    token_groups = (("Crypto", "cryptography", "pyaes", "pyDes"),)

    bad = (
        Example("from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_CBC, iv)\n",
                expect=1),
        Example("from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
                "Cipher(algorithms.AES(key), modes.CBC(iv))\n", expect=1),
    )
    good = (
        Example("import hmac\nfrom Crypto.Cipher import AES\n"
                "ct = AES.new(key, AES.MODE_CBC, iv).encrypt(data)\n"
                "tag = hmac.new(mac_key, iv + ct, 'sha256').digest()\n"),
        Example("from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
                "AESGCM(key).encrypt(nonce, data, None)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        if any(match([ref.qualname], section("mac")["qualnames"]) for ref in module.refs):
            return  # encrypt-then-MAC is plausible: nothing to say with any confidence
        cbc = next(m for m in section("mode") if m["name"] == "CBC")
        weak_modes = _modes_of_weak_ciphers(module)
        seen: set[int] = set()
        for ref in module.refs:
            if ref.compared or id(ref.node) in seen or not match([ref.qualname], cbc["constants"]):
                continue
            seen.add(id(ref.node))
            yield self.finding(ctx, **where(module, ref), key=canonical(ref.qualname),
                               message=f"{module.code(ref.node)}: AES-CBC without a MAC; "
                                       f"{_WHY}. {_POLICY}",
                               message_zh=f"{module.code(ref.node)}：使用了不带 MAC 的 AES-CBC；"
                                          f"{_WHY_ZH}。{_POLICY_ZH}")
        for call in module.calls:
            name = match(call.qualnames, cbc["qualnames"])
            if name and id(call.node) not in weak_modes:
                yield self.finding(ctx, **where(module, call), key=name,
                                   message=f"{call.callee}(): AES-CBC without a MAC; {_WHY}. "
                                           f"{_POLICY}",
                                   message_zh=f"{call.callee}()：使用了不带 MAC 的 AES-CBC；"
                                              f"{_WHY_ZH}。{_POLICY_ZH}")
            elif _evp_aes_cbc(module, call, cbc["evp_suffix"]):
                yield self.finding(ctx, **where(module, call), key=f"{call.callee}:evp",
                                   message=f"{call.callee}(): AES-CBC without a MAC; {_WHY}. "
                                           f"{_POLICY}",
                                   message_zh=f"{call.callee}()：使用了不带 MAC 的 AES-CBC；"
                                              f"{_WHY_ZH}。{_POLICY_ZH}")


def _modes_of_weak_ciphers(module: PythonModule) -> set[int]:
    """Mode nodes given to Cipher(<a DP303 cipher>, mode): that cipher is the finding."""
    weak = [q for entry in section("cipher") for q in entry["qualnames"]]
    by_node = {id(call.node): call for call in module.calls}
    out: set[int] = set()
    for call in module.calls:
        if _CIPHER not in call.qualnames:
            continue
        algorithm = by_node.get(id(argument(call, [0, "algorithm"])))
        mode = argument(call, [1, "mode"])
        if algorithm is not None and mode is not None and match(algorithm.qualnames, weak):
            out.add(id(mode))
    return out


def _evp_aes_cbc(module: PythonModule, call: CallSite, suffix: str) -> bool:
    if "M2Crypto.EVP.Cipher" not in call.qualnames:
        return False
    alg = module.literal(argument(call, [0, "alg"]))
    return isinstance(alg, str) and alg.lower().startswith("aes") and alg.lower().endswith(suffix)
