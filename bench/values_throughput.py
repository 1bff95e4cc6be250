"""Values classification: dpscan's classifier against plain presidio, on the same labelled values.

What: 10,000 generated values with labels -- Chinese resident IDs with valid GB 11643 check
characters, CN mobiles, Luhn-valid bank cards, e-mails, Chinese and pinyin names, and noise
(order numbers, dates, prices, free text, hashes, UUIDs) -- classified one value at a time by

* dpscan: ``scanner.enrich.values.classify_values`` on chunks of 20 values (the per-column batch
  a real scan makes; the chunks are mixed, which is harder than real homogeneous columns), the
  same path columns take: pre-checks, exact fast paths, then one presidio call per chunk with
  only the recognisers the pending values could match;
* presidio: ``AnalyzerEngine.analyze(text=v, language="en")`` per value with presidio's DEFAULT
  recognisers (``RecognizerRegistry().load_predefined_recognizers()``). No spaCy model is
  installed here, and ``AnalyzerEngine()`` with the default config would try to download
  en_core_web_lg, so both engines run on presidio's NoOpNlpEngine (no NER: neither side can
  recognise a person name from the value alone). Both use tldextract's bundled public-suffix
  snapshot (no network).

A value's prediction is the category of the result that covers it whole (>= 90% of it): dpscan
applies its own score rules; presidio is scored at its default threshold (every returned result;
the top-scoring one wins) and, as a second row, at score >= 0.5. Presidio's entities map to the
labels they claim (CREDIT_CARD/IBAN -> bank_card, PHONE_NUMBER -> phone, EMAIL_ADDRESS -> email,
PERSON -> person_name); anything else it reports is "other" (a false alarm on any label).
Presidio has no CN resident ID recogniser: its recall on that label is 0 by construction, so
recall is also given over the labels it claims to cover.

Throughput is values per second of classification only (engines built and warmed first), the
median of --repeat interleaved rounds (dpscan, presidio, dpscan, ...). The machine is shared:
figures are noisy. Target: dpscan >= 5x presidio's throughput with equal or better recall.

A second figure, "columns", times ``analyse_values`` (column classification with its early stops)
on the same values grouped into homogeneous 20-value columns, as a scan sees them.

    python bench/values_throughput.py [--values 10000] [--repeat 3] [--seed 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LABELS = ("national_id", "phone", "bank_card", "email", "person_name")
_MIX = (("national_id", 15), ("phone", 15), ("bank_card", 15), ("email", 15), ("person_name", 10), (None, 30))
_PRESIDIO_MAP = {"CREDIT_CARD": "bank_card", "IBAN_CODE": "bank_card", "PHONE_NUMBER": "phone",
                 "EMAIL_ADDRESS": "email", "PERSON": "person_name"}
_REVERSE = {"bank_card": ("CREDIT_CARD", "IBAN_CODE"), "phone": ("PHONE_NUMBER",),
            "email": ("EMAIL_ADDRESS",), "person_name": ("PERSON",)}

# -- generators --------------------------------------------------------------------------------
_DIVISIONS = ("110101", "110105", "310104", "310115", "440305", "440106", "330106", "510107",
              "420102", "320102", "610113", "500103", "120101", "210102", "370102")
_SEGMENTS = ("130", "131", "135", "136", "138", "139", "150", "151", "158", "166", "177", "180",
             "186", "188", "191", "199")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志文斌宇浩然子轩梓涵欣怡思雨俊杰"
_PINYIN_SUR = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
               "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo")
_PINYIN_GIVEN = ("Wei", "Fang", "Na", "Xiuying", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang",
                 "Yong", "Yan", "Jie", "Juan", "Tao", "Ming", "Chao", "Xiulan", "Xia", "Ping", "Gang")
_DOMAINS = ("qq.com", "163.com", "126.com", "gmail.com", "sina.com", "outlook.com", "example.cn",
            "corp.example.com", "foxmail.com")
_TEXT = ("请尽快发货", "客户要求周末送达", "已退款，等待财务确认", "包装破损，需要更换", "备注：无",
         "Please call back tomorrow", "Delivered to front desk", "Refund processed", "Gift wrap requested",
         "系统自动生成", "库存不足，延迟发货", "VIP customer, priority handling", "发票抬头：个人")


def _luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def _id_number(rng: random.Random) -> str:
    from scanner.enrich.checks import gb11643_check_char

    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = rng.choice(_DIVISIONS) + born + f"{rng.randint(0, 999):03d}"
    return body + gb11643_check_char(body)


def _mobile(rng: random.Random) -> str:
    number = rng.choice(_SEGMENTS) + f"{rng.randint(0, 99999999):08d}"
    shape = rng.random()
    if shape < 0.8:
        return number
    if shape < 0.9:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    return f"{number[:3]}-{number[3:7]}-{number[7:]}"


def _card(rng: random.Random) -> str:
    prefix, length = rng.choice((("622202", 19), ("621226", 19), ("622848", 19), ("6228", 16),
                                 ("4", 16), ("51", 16), ("55", 16), ("6212", 16)))
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    card = _luhn_complete(body)
    if rng.random() < 0.1 and length == 16:
        card = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    return card


def _email(rng: random.Random) -> str:
    user = rng.choice((
        lambda: rng.choice(_PINYIN_SUR).lower() + "." + rng.choice(_PINYIN_GIVEN).lower(),
        lambda: f"{rng.randint(10000, 9999999999)}",
        lambda: rng.choice(_PINYIN_GIVEN).lower() + str(rng.randint(1, 99)),
    ))()
    return f"{user}@{rng.choice(_DOMAINS)}"


def _name(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    return f"{rng.choice(_PINYIN_SUR)} {rng.choice(_PINYIN_GIVEN)}"


def _noise(rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return f"SO{rng.randint(2019, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999999):06d}"
    if kind == 1:
        return f"{rng.randint(2019, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 99999999):08d}"
    if kind == 2:
        return f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if kind == 3:
        return rng.choice(("¥", "", "$")) + f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}"
    if kind == 4:
        return rng.choice(_TEXT)
    if kind == 5:
        return "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice((32, 40, 64))))
    if kind == 6:
        h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return f"SKU-{rng.randint(100, 999)}-{rng.choice('ABCDEFGH')}{rng.randint(10, 99)}"


_MAKERS = {"national_id": _id_number, "phone": _mobile, "bank_card": _card, "email": _email,
           "person_name": _name, None: _noise}


def generate(count: int, seed: int = 7) -> list[tuple[str, str | None]]:
    """``count`` (value, label) pairs in a shuffled mix; label None is noise."""
    rng = random.Random(seed)
    total = sum(w for _, w in _MIX)
    out = []
    for label, weight in _MIX:
        out += [(_MAKERS[label](rng), label) for _ in range(count * weight // total)]
    while len(out) < count:
        out.append((_noise(rng), None))
    rng.shuffle(out)
    return out


# -- classifiers -------------------------------------------------------------------------------
def dpscan_predict(values: list[str]) -> list[str | None]:
    from scanner.enrich.values import EMBEDDED, ENTITIES, classify_values

    out: list[str | None] = []
    for start in range(0, len(values), 20):
        for entity in classify_values(values[start:start + 20]):
            out.append(None if entity is None or entity == EMBEDDED else ENTITIES[entity][0])
    return out


def presidio_engine():
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # bundled snapshot, as dpscan does
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])


def presidio_results(engine, values: list[str]) -> list[list[tuple[str, float]]]:
    """Per value, the (entity, score) of every result that covers it whole."""
    out = []
    for v in values:
        found = engine.analyze(text=v, language="en")
        out.append([(r.entity_type, r.score) for r in found if (r.end - r.start) >= 0.9 * len(v)])
    return out


def presidio_predict(results: list[list[tuple[str, float]]], min_score: float) -> list[str | None]:
    out = []
    for whole in results:
        whole = [(e, s) for e, s in whole if s >= min_score]
        if not whole:
            out.append(None)
            continue
        entity = max(whole, key=lambda es: es[1])[0]
        out.append(_PRESIDIO_MAP.get(entity, "other"))
    return out


# -- scoring -----------------------------------------------------------------------------------
def presidio_claims(engine) -> tuple[str, ...]:
    """The labels some loaded presidio recogniser covers (PERSON only with an NER model)."""
    loaded = set(engine.get_supported_entities("en"))
    return tuple(lb for lb in LABELS if set(_REVERSE.get(lb, ())) & loaded)


def dpscan_claims() -> tuple[str, ...]:
    from scanner.enrich.values import _ner_model

    return tuple(lb for lb in LABELS if lb != "person_name" or _ner_model() is not None)


def score(labels: list[str | None], predicted: list[str | None], own: tuple[str, ...],
          common: tuple[str, ...]) -> dict:
    per = {}
    for label in LABELS:
        tp = sum(1 for t, p in zip(labels, predicted) if t == label and p == label)
        fn = sum(1 for t, p in zip(labels, predicted) if t == label and p != label)
        fp = sum(1 for t, p in zip(labels, predicted) if t != label and p == label)
        per[label] = {"tp": tp, "fn": fn, "fp": fp,
                      "recall": tp / (tp + fn) if tp + fn else 0.0,
                      "precision": tp / (tp + fp) if tp + fp else None}

    def overall(keep) -> dict:
        tp = sum(per[lb]["tp"] for lb in keep)
        fn = sum(per[lb]["fn"] for lb in keep)
        # any PII prediction that is not the value's label counts against precision
        fp = sum(1 for t, p in zip(labels, predicted) if p is not None and p != t)
        return {"recall": tp / (tp + fn) if tp + fn else 0.0,
                "precision": tp / (tp + fp) if tp + fp else 0.0}

    noise_flagged = sum(1 for t, p in zip(labels, predicted) if t is None and p is not None)
    return {"labels": per, "overall": overall(LABELS), "own": overall(own), "common": overall(common),
            "noise_flagged": noise_flagged, "noise": sum(1 for t in labels if t is None)}


def _columns(pairs: list[tuple[str, str | None]]) -> list[list[str]]:
    by_label: dict = {}
    for value, label in pairs:
        by_label.setdefault(label, []).append(value)
    return [vals[i:i + 20] for vals in by_label.values() for i in range(0, len(vals), 20)]


def measure(values: int = 10_000, repeat: int = 3, seed: int = 7, log=print) -> dict:
    """Run the comparison; returns the figures (throughputs, ratio, scores)."""
    from scanner.enrich.lexicon import load_lexicon
    from scanner.enrich.values import analyse_values

    pairs = generate(values, seed)
    texts = [v for v, _ in pairs]
    labels = [lb for _, lb in pairs]
    engine = presidio_engine()
    dpscan_predict(texts[:100])  # build and warm both engines outside the timings
    presidio_results(engine, texts[:100])
    lex = load_lexicon()
    columns = _columns(pairs)
    analyse_values("c", "", columns[0], lex)

    d_times, p_times, c_times = [], [], []
    d_pred = p_res = None
    for round_ in range(repeat):
        t = time.perf_counter()
        d_pred = dpscan_predict(texts)
        d_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        p_res = presidio_results(engine, texts)
        p_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        for col in columns:
            analyse_values("c", "", col, lex)
        c_times.append(time.perf_counter() - t)
        log(f"  round {round_ + 1}/{repeat}: dpscan {d_times[-1]:.2f} s, presidio {p_times[-1]:.2f} s, "
            f"dpscan columns {c_times[-1]:.2f} s")
    d_s, p_s, c_s = (statistics.median(x) for x in (d_times, p_times, c_times))
    p_claims = presidio_claims(engine)
    return {
        "values": len(texts), "repeat": repeat,
        "dpscan_values_per_s": len(texts) / d_s, "presidio_values_per_s": len(texts) / p_s,
        "dpscan_columns_values_per_s": len(texts) / c_s,
        "ratio": p_s / d_s,
        "dpscan_claims": dpscan_claims(), "presidio_claims": p_claims,
        "dpscan": score(labels, d_pred, dpscan_claims(), p_claims),
        "presidio": score(labels, presidio_predict(p_res, 0.0), p_claims, p_claims),
        "presidio_min_0_5": score(labels, presidio_predict(p_res, 0.5), p_claims, p_claims),
    }


def _fmt(x) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def report(fig: dict) -> None:
    print(f"\n{fig['values']} labelled values, median of {fig['repeat']} interleaved rounds (shared machine: noisy)")
    print(f"  dpscan   classify_values (chunks of 20): {fig['dpscan_values_per_s']:>10,.0f} values/s")
    print(f"  presidio analyze per value, defaults  : {fig['presidio_values_per_s']:>10,.0f} values/s")
    print(f"  ratio dpscan/presidio                 : {fig['ratio']:>10.1f}x   (target >= 5x)")
    print(f"  dpscan analyse_values, 20-value columns: {fig['dpscan_columns_values_per_s']:>9,.0f} values/s")
    rows = (("dpscan", fig["dpscan"]), ("presidio (default)", fig["presidio"]),
            ("presidio (score>=0.5)", fig["presidio_min_0_5"]))
    print(f"\n  {'label':12} " + "".join(f"{name:>26}" for name, _ in rows))
    print(f"  {'':12} " + "".join(f"{'recall / precision':>26}" for _ in rows))
    for label in LABELS:
        cells = "".join(f"{_fmt(s['labels'][label]['recall']) + ' / ' + _fmt(s['labels'][label]['precision']):>26}"
                        for _, s in rows)
        print(f"  {label:12} {cells}")
    print(f"  {'overall':12} " + "".join(
        f"{_fmt(s['overall']['recall']) + ' / ' + _fmt(s['overall']['precision']):>26}" for _, s in rows))
    print(f"  {'own labels*':12} " + "".join(
        f"{_fmt(s['own']['recall']) + ' / ' + _fmt(s['own']['precision']):>26}" for _, s in rows))
    print(f"  {'presidio*':12} " + "".join(
        f"{_fmt(s['common']['recall']) + ' / ' + _fmt(s['common']['precision']):>26}" for _, s in rows))
    print(f"  {'noise hit':12} " + "".join(f"{str(s['noise_flagged']) + '/' + str(s['noise']):>26}" for _, s in rows))
    print(f"  * own labels: those a loaded recogniser covers -- dpscan {', '.join(fig['dpscan_claims'])}; "
          f"presidio {', '.join(fig['presidio_claims'])}.\n    presidio*: presidio's own labels, for both. "
          "Names need NER (a spaCy model), which is not installed here;\n    precision rows count any PII "
          "prediction that is not the value's label (presidio's 'other' entities too) as a false alarm.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
    args = parser.parse_args(argv)
    fig = measure(args.values, args.repeat, args.seed)
    report(fig)
    if args.json:
        print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
