"""Crypto-primitive rules over Python source: weak hashes and ciphers, bad modes, IVs, keys and
key sizes (clause 3.3.2; 3.3.3 as well where the primitive also protects data in transit)."""
