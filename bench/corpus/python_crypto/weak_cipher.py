"""Ciphers: broken, obsolete and sound."""
import pyDes
from Crypto.Cipher import AES, ARC2, ARC4, DES, DES3, Blowfish
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from M2Crypto import EVP


def encrypt(key, iv, nonce, data):
    a = DES.new(key, DES.MODE_CBC, iv)  # truth: weak-cipher
    b = DES3.new(key, DES3.MODE_CBC, iv)  # truth: weak-cipher
    c = ARC4.new(key)  # truth: weak-cipher
    d = ARC2.new(key, ARC2.MODE_CBC, iv)  # truth: weak-cipher
    e = Blowfish.new(key, Blowfish.MODE_CBC, iv)  # truth: weak-cipher
    f = Cipher(algorithms.TripleDES(key), modes.CBC(iv))  # truth: weak-cipher
    g = Cipher(algorithms.ARC4(key), mode=None)  # truth: weak-cipher
    h = Cipher(algorithms.Blowfish(key), modes.CBC(iv))  # truth: weak-cipher
    i = pyDes.des(key, pyDes.CBC, iv)  # truth: weak-cipher
    j = EVP.Cipher(alg="des_ede3_cbc", key=key, iv=iv, op=1)  # truth: weak-cipher
    k = AES.new(key, AES.MODE_GCM)  # truth: ok
    m = AESGCM(key).encrypt(nonce, data, None)  # truth: ok
    n = ChaCha20Poly1305(key).encrypt(nonce, data, None)  # truth: ok
    o = Cipher(algorithms.AES(key), modes.GCM(iv))  # truth: ok
    p = EVP.Cipher(alg="aes_256_gcm", key=key, iv=iv, op=1)  # truth: ok
    return a, b, c, d, e, f, g, h, i, j, k, m, n, o, p
