"""DP304: Python code encrypts in ECB mode (clauses 3.3.2 and 3.3.3)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument, canonical, match, section
from detectors.crypto._flow import where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# PyCrypto 2.x (not PyCryptodome, which requires a mode) used ECB when new() got no mode.
_PYCRYPTO_BLOCK_CIPHERS = ("Crypto.Cipher.AES.new", "Crypto.Cipher.DES.new",
                           "Crypto.Cipher.DES3.new", "Crypto.Cipher.Blowfish.new",
                           "Crypto.Cipher.CAST.new", "Crypto.Cipher.ARC2.new")
_WHY = ("ECB encrypts equal blocks to equal ciphertext, so repeated values and patterns in the "
        "records show through, and blocks can be cut and pasted between messages")
_POLICY = ("Policy: an authenticated mode with a fresh nonce per message. Fix: AES-GCM "
           "(AESGCM, AES.MODE_GCM) or ChaCha20-Poly1305 (CWE-327, Bandit B305)")
_WHY_ZH = ("ECB 将相同的明文块加密为相同的密文，记录中重复的值和模式会暴露出来，且密文块可在"
           "不同消息之间剪切拼接")
_POLICY_ZH = ("策略：使用带认证的加密模式，且每条消息使用新的 nonce。修复：使用 AES-GCM"
              "（AESGCM、AES.MODE_GCM）或 ChaCha20-Poly1305（CWE-327，Bandit B305）")


class EcbMode(Rule):
    """A block cipher is used in ECB mode.

    PyCryptodome ``AES.new(key, AES.MODE_ECB)`` (any cipher's ``MODE_ECB``), PyCrypto's
    ``AES.new(key)`` whose default mode was ECB, cryptography ``modes.ECB()``, pyaes
    ``AESModeOfOperationECB`` and M2Crypto ``*_ecb`` algorithms. ECB leaks which records and
    which blocks within them are equal (two customers with the same ID-card prefix, the same
    card number in two rows) and lets an attacker rearrange ciphertext blocks undetected, so
    the data is not protected as clause 3.3.2 (and, on a channel, 3.3.3) requires. Comparing with
    ``MODE_ECB`` (``if mode == AES.MODE_ECB: raise``) is not reported.
    """

    id = "DP304"
    name = "ecb-mode"
    clauses = ("3.3.2", "3.3.3")
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Use an authenticated mode: AES-GCM (cryptography AESGCM, PyCryptodome AES.MODE_GCM) or "
        "ChaCha20-Poly1305, with a random 96-bit nonce stored beside each ciphertext."
    )
    references = ("CWE-327", "Bandit B305", "NIST SP 800-38A")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("ECB", "ecb", "Crypto.Cipher", "Cryptodome.Cipher")
    # Every mode it knows comes from an imported library: "Crypto" also covers Cryptodome and
    # M2Crypto.
    token_groups = (("Crypto", "cryptography", "pyaes", "pyDes"),)

    bad = (
        Example("from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_ECB)\n", expect=1),
        Example("from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
                "Cipher(algorithms.AES(key), modes.ECB())\n", expect=1),
    )
    good = (
        Example("from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_GCM)\n"),
        Example("from Crypto.Cipher import AES\nif mode == AES.MODE_ECB:\n"
                "    raise ValueError('ECB is not allowed')\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        ecb = next(m for m in section("mode") if m["name"] == "ECB")
        seen: set[int] = set()
        for ref in module.refs:
            if ref.compared or id(ref.node) in seen or not match([ref.qualname], ecb["constants"]):
                continue
            seen.add(id(ref.node))
            yield self.finding(ctx, **where(module, ref), key=canonical(ref.qualname),
                               message=f"{module.code(ref.node)} selects ECB mode: {_WHY}. "
                                       f"{_POLICY}",
                               message_zh=f"{module.code(ref.node)} 选用了 ECB 模式：{_WHY_ZH}。"
                                          f"{_POLICY_ZH}")
        for call in module.calls:
            name = match(call.qualnames, ecb["qualnames"])
            if name:
                yield self.finding(ctx, **where(module, call), key=name,
                                   message=f"{call.callee}() selects ECB mode: {_WHY}. {_POLICY}",
                                   message_zh=f"{call.callee}() 选用了 ECB 模式：{_WHY_ZH}。"
                                              f"{_POLICY_ZH}")
            elif _evp_ecb(module, call, ecb["evp_suffix"]):
                yield self.finding(ctx, **where(module, call), key=f"{call.callee}:evp",
                                   message=f"{call.callee}() uses an ECB cipher: {_WHY}. {_POLICY}",
                                   message_zh=f"{call.callee}() 使用了 ECB 模式的加密算法：{_WHY_ZH}。"
                                              f"{_POLICY_ZH}")
            elif _pycrypto_default(call):
                yield self.finding(
                    ctx, **where(module, call), key=f"{call.callee}:default-mode",
                    confidence=Confidence.MEDIUM,
                    message=f"{call.callee}() is given no mode: PyCrypto then uses ECB "
                            f"(PyCryptodome refuses the call). {_WHY}. {_POLICY}",
                    message_zh=f"{call.callee}() 未指定模式：PyCrypto 此时会使用 ECB"
                               f"（PyCryptodome 会拒绝该调用）。{_WHY_ZH}。{_POLICY_ZH}")


def _evp_ecb(module: PythonModule, call: CallSite, suffix: str) -> bool:
    if "M2Crypto.EVP.Cipher" not in call.qualnames:
        return False
    alg = module.literal(argument(call, [0, "alg"]))
    return isinstance(alg, str) and alg.lower().endswith(suffix)


def _pycrypto_default(call: CallSite) -> bool:
    if not call.qualnames & set(_PYCRYPTO_BLOCK_CIPHERS):  # Cryptodome.* never had a default
        return False
    unpacked = any(isinstance(arg, ast.Starred) for arg in call.node.args) or any(
        keyword.arg is None for keyword in call.node.keywords)  # *args, **kwargs
    if call.keyword("mode") is not None or unpacked:
        return False
    return call.positional(0) is not None and call.positional(1) is None
