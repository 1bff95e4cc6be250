"""Build fixtures/demo/staging.db, the bundled demo database, synthetic and deterministic.

It is a fictional shop's staging database: the embedded default of
`dpscan db sqlite:///fixtures/demo/staging.db` (no server needed), and a database file that
`dpscan scan fixtures/` finds in the tree and reads through the same SQLite front end.

Fake people only: resident ID numbers carry a valid GB 11643 check digit and a real birth date,
bank cards a valid Luhn digit, e-mail addresses use example domains. Re-run after changing it:

    python scripts/make_demo_sqlite.py
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGING = ROOT / "fixtures" / "demo" / "staging.db"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SURNAMES = "王李张刘陈杨赵黄周吴"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军"]


def resident_id(rng: random.Random) -> str:
    body = (f"{rng.choice(['110105', '310104', '440305', '510107'])}"
            f"{rng.randint(1960, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


def bank_card(rng: random.Random) -> str:
    digits = [int(d) for d in "622202" + "".join(str(rng.randint(0, 9)) for _ in range(12))]
    total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def build_staging(path: Path) -> None:
    """A small shop: customers with personal data, products and orders as hard negatives."""
    rng = random.Random(20261201)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE customer (
                id INTEGER PRIMARY KEY,
                full_name TEXT NOT NULL,
                id_card_no TEXT,
                mobile TEXT,
                email TEXT,
                bank_card TEXT,
                password_md5 TEXT,
                member_since TEXT
            );
            CREATE TABLE product (
                id INTEGER PRIMARY KEY,
                name TEXT,
                sku TEXT,
                barcode TEXT,
                price REAL,
                stock INTEGER
            );
            CREATE TABLE shop_order (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER REFERENCES customer(id),
                product_id INTEGER REFERENCES product(id),
                quantity INTEGER,
                contact_ref TEXT,
                created_at TEXT
            );
        """)
        for i in range(1, 31):
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
            password = hashlib.md5(f"staging-{i}".encode()).hexdigest()  # the weakness on purpose: MD5
            db.execute("INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
                i, name, resident_id(rng), f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                f"customer{i}@example.cn", bank_card(rng), password, f"2025-{(i % 12) + 1:02d}-01"))
        for i in range(1, 21):
            # Hard negatives: 13-digit barcodes and SKUs are numbers, not personal data.
            db.execute("INSERT INTO product VALUES (?, ?, ?, ?, ?, ?)", (
                i, f"茶叶礼盒{i}", f"TEA-{i:04d}", f"69{rng.randint(0, 10**11 - 1):011d}",
                round(rng.uniform(10, 800), 2), rng.randint(0, 500)))
        for i in range(1, 61):
            # contact_ref: a column whose name says nothing, holding mobile numbers (found by sampling)
            db.execute("INSERT INTO shop_order VALUES (?, ?, ?, ?, ?, ?)", (
                i, rng.randint(1, 30), rng.randint(1, 20), rng.randint(1, 5),
                f"13{rng.randint(0, 999999999):09d}", f"2026-11-{(i % 28) + 1:02d}T10:00:00"))
    with sqlite3.connect(path) as db:
        db.execute("VACUUM")


if __name__ == "__main__":
    build_staging(STAGING)
    print(f"wrote {STAGING}")
