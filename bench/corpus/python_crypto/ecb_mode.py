"""Block-cipher modes: ECB in its several spellings."""
import pyaes
from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from M2Crypto import EVP


def encrypt(key, iv, mode):
    a = AES.new(key, AES.MODE_ECB)  # truth: ecb
    b = Cipher(algorithms.AES(key), modes.ECB())  # truth: ecb
    c = pyaes.AESModeOfOperationECB(key)  # truth: ecb
    d = EVP.Cipher(alg="aes_128_ecb", key=key, iv=b"", op=1)  # truth: ecb
    e = AES.new(key, AES.MODE_GCM)  # truth: ok
    f = Cipher(algorithms.AES(key), modes.GCM(iv))  # truth: ok
    g = AES.new(key, mode)  # truth: ok
    if mode == AES.MODE_ECB:  # truth: ok
        raise ValueError("ECB refused")
    return a, b, c, d, e, f, g
