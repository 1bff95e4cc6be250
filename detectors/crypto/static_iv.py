"""DP306: a constant IV or nonce is passed to a cipher (clauses 3.3.2 and 3.3.3)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from detectors.crypto._denylist import argument, entry_for, match, section
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# PyCryptodome's third argument is a nonce in these modes, an IV in CBC/CFB/OFB/OPENPGP.
_NONCE_MODES = ("MODE_CTR", "MODE_GCM", "MODE_CCM", "MODE_EAX", "MODE_OCB", "MODE_SIV")
_NONCE_WHY = ("a repeated nonce repeats the keystream: XOR of two ciphertexts gives XOR of the "
              "plaintexts, and under GCM it also reveals the authentication key")
_IV_WHY = ("a fixed IV makes equal plaintexts (and equal prefixes) encrypt to equal "
           "ciphertexts, and CBC with a predictable IV admits chosen-plaintext attacks")
_NONCE_WHY_ZH = ("重复的 nonce 会导致密钥流重复：两段密文的 XOR 即为两段明文的 XOR，"
                 "在 GCM 下还会泄露认证密钥")
_IV_WHY_ZH = ("固定 IV 使相同的明文（及相同的前缀）加密为相同的密文，而 IV 可预测的 CBC "
              "还会遭受选择明文攻击")


class StaticIv(Rule):
    """A cipher is given a constant IV or nonce.

    A literal (``b"\\x00" * 16``, ``bytes(16)``, ``"0000000000000000".encode()``, a module
    constant) passed as the IV or nonce of PyCryptodome ``*.new``, cryptography ``modes.CBC``/
    ``CFB``/``OFB``/``GCM``/``CTR``, ``algorithms.ChaCha20``, ``AESGCM``/``ChaCha20Poly1305``
    ``.encrypt``, pyDes, pyaes and M2Crypto. Every message is then encrypted under the same
    (key, IV) pair. A nonce reused in CTR, GCM or ChaCha20 is high severity: it leaks plaintext
    and, for GCM, lets an attacker forge messages. A fixed CBC IV is medium. IVs from
    ``os.urandom``/``secrets``/``get_random_bytes``, or left to the library, are fine.
    """

    id = "DP306"
    name = "static-iv"
    clauses = ("3.3.2", "3.3.3")
    severity = Severity.HIGH  # a reused nonce; a fixed CBC IV is medium
    confidence = Confidence.HIGH
    remediation = (
        "Draw a fresh IV or nonce for every encryption (os.urandom(12) for GCM/ChaCha20-Poly1305, "
        "os.urandom(16) for CBC) and store it beside the ciphertext; or let PyCryptodome pick "
        "one (AES.new(key, AES.MODE_GCM) and read cipher.nonce)."
    )
    references = ("CWE-329", "CWE-1204", "CWE-323", "NIST SP 800-38D 8.2")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("Crypto", "cryptography", "pyDes", "pyaes")

    bad = (
        Example("from Crypto.Cipher import AES\n"
                "cipher = AES.new(key, AES.MODE_CBC, b'\\x00' * 16)\n", expect=1),
        Example("from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
                "NONCE = b'fixednonce12'\n"
                "AESGCM(key).encrypt(NONCE, record, None)\n", expect=1),
    )
    good = (
        Example("import os\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
                "nonce = os.urandom(12)\nAESGCM(key).encrypt(nonce, record, None)\n"),
        Example("from Crypto.Cipher import AES\ncipher = AES.new(key, AES.MODE_GCM)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows = flow(module)
        for call in module.calls:
            entry, name = entry_for(call.qualnames, section("iv_arg"), key="qualname")
            if entry is None:
                continue
            node = _iv_node(call, entry)
            if node is None or not flows.is_bytes_constant(node, flows.scope(call)):
                continue
            nonce = _is_nonce(module, call, entry)
            what = "nonce" if nonce else "IV"
            yield self.finding(
                ctx, **where(module, node), key=f"{name}:{what}",
                severity=Severity.HIGH if nonce else Severity.MEDIUM,
                message=f"{call.callee}() gets a constant {what} ({_shown(flows, node, call)}): "
                        f"{_NONCE_WHY if nonce else _IV_WHY}. Policy: a fresh random IV/nonce "
                        f"for every encryption. Fix: os.urandom({12 if nonce else 16}) per "
                        f"message, stored with the ciphertext (CWE-329)",
                message_zh=f"{call.callee}() 使用了固定的 {what}（{_shown_zh(flows, node, call)}）："
                           f"{_NONCE_WHY_ZH if nonce else _IV_WHY_ZH}。策略：每次加密都使用新的"
                           f"随机 IV/nonce。修复：每条消息使用 os.urandom({12 if nonce else 16})，"
                           f"并与密文一同存储（CWE-329）")


def _shown(flows, node, call: CallSite) -> str:
    """What the constant is, without its value: "IV", "16 zero bytes", "a 12-byte literal"."""
    value = flows.constant(node, flows.scope(call))
    size = len(value.encode() if isinstance(value, str) else value)
    if isinstance(node, ast.Name):
        return f"{node.id}, {size} bytes"
    return f"{size} zero bytes" if not value.strip(b"\0" if isinstance(value, bytes) else "\0") \
        else f"a literal of {size} bytes"


def _shown_zh(flows, node, call: CallSite) -> str:
    """_shown in Chinese: "IV，16 字节", "16 个零字节", "长 12 字节的字面量"."""
    value = flows.constant(node, flows.scope(call))
    size = len(value.encode() if isinstance(value, str) else value)
    if isinstance(node, ast.Name):
        return f"{node.id}，{size} 字节"
    return f"{size} 个零字节" if not value.strip(b"\0" if isinstance(value, bytes) else "\0") \
        else f"长 {size} 字节的字面量"


def _iv_node(call: CallSite, entry: dict[str, Any]):
    node = argument(call, entry["arg"])
    for keyword in entry.get("keywords", ()):
        node = node if node is not None else call.keyword(keyword)
    return node


def _is_nonce(module: PythonModule, call: CallSite, entry: dict[str, Any]) -> bool:
    if entry["kind"] == "nonce":
        return True
    if call.keyword("nonce") is not None:
        return True
    mode = argument(call, [1, "mode"])  # PyCryptodome: the mode decides what the value is
    code = module.code(mode) if mode is not None else ""
    return bool(match([code.rsplit(".", 1)[-1]], _NONCE_MODES))
