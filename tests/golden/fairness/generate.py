#!/usr/bin/python3
"""Golden values for the fairness gate's confidence intervals, computed by scipy.

Run with Debian's interpreter (python3-scipy, python3-numpy):

    /usr/bin/python3 tests/golden/fairness/generate.py

Writes beside this script:

- relative_risk.json: scipy.stats.contingency.relative_risk(a, n1, c, n2) and its .confidence_interval(level), the Katz
  log interval of a disparate impact ratio;
- difference.json: scipy.stats.binomtest(k, n).proportion_ci(level, method="wilson") for both proportions, and
  Newcombe's hybrid score interval (method 10, 1998) for p1 - p2 built from those two scipy Wilson intervals:
  d - sqrt((p1 - l1)^2 + (u2 - p2)^2) to d + sqrt((u1 - p1)^2 + (p2 - l2)^2);
- datasets.json: whole group-count tables, with the figures the gate must report for them (reference group, disparate
  impact per group, demographic parity difference, TPR and FPR gaps, equalized odds difference), each interval from the
  two above. The selection rules (which group is the reference, which groups are compared) are the gate's documented
  rules, restated here.

NaN and infinite bounds (scipy's answer when a ratio is 0/0 or x/0) are written as null, as the C# report stores them.
Every random table comes from a fixed seed, so the output is the same on every run with the same scipy/numpy.
The C# tests (tests/MlopsFlows.Domain.Tests/Gates/...) read these files; they never run Python.
"""

import json
import math
import os

import numpy as np
import scipy
from scipy.stats import binomtest
from scipy.stats.contingency import relative_risk

HERE = os.path.dirname(os.path.abspath(__file__))
VERSIONS = {"scipy": scipy.__version__, "numpy": np.__version__}


def finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def write(name, cases):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        # allow_nan=False: every golden value must be a plain JSON number or null.
        json.dump({"generator": "tests/golden/fairness/generate.py", "versions": VERSIONS, **cases},
                  f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", path)


def katz(a, n1, c, n2, level):
    result = relative_risk(a, n1, c, n2)
    ci = result.confidence_interval(confidence_level=level)
    return {"ratio": finite(result.relative_risk), "low": finite(ci.low), "high": finite(ci.high)}


def wilson(k, n, level):
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def newcombe(k1, n1, k2, n2, level):
    p1 = k1 / n1
    p2 = k2 / n2
    l1, u1 = wilson(k1, n1, level)
    l2, u2 = wilson(k2, n2, level)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2))
    high = d + math.sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2))
    return {"difference": d, "low": low, "high": high, "wilson1": [l1, u1], "wilson2": [l2, u2]}


PAIRS = [
    # name, a, n1, c, n2, level
    ("typical", 30, 100, 45, 120, 0.95),
    ("four_fifths_edge", 40, 100, 50, 100, 0.95),
    ("equal_rates", 25, 50, 50, 100, 0.95),
    ("small_groups", 1, 3, 2, 5, 0.95),
    ("single_row_each", 1, 1, 1, 1, 0.95),
    ("exposed_zero", 0, 50, 20, 60, 0.95),
    ("control_zero", 5, 10, 0, 10, 0.95),
    ("both_zero", 0, 40, 0, 30, 0.95),
    ("exposed_full", 50, 50, 40, 60, 0.95),
    ("both_full", 60, 60, 40, 40, 0.95),
    ("control_full", 20, 80, 30, 30, 0.95),
    ("large", 123456, 1000000, 234567, 900000, 0.95),
    ("rare_event", 3, 100000, 7, 120000, 0.95),
    ("level_90", 30, 100, 45, 120, 0.9),
    ("level_99", 30, 100, 45, 120, 0.99),
    ("level_80", 12, 31, 19, 33, 0.8),
    ("level_999", 300, 1000, 400, 1000, 0.999),
]


def pairs():
    rng = np.random.default_rng(20261101)
    cases = list(PAIRS)
    for i in range(20):
        n1 = int(rng.integers(1, 5000))
        n2 = int(rng.integers(1, 5000))
        a = int(rng.integers(0, n1 + 1))
        c = int(rng.integers(0, n2 + 1))
        level = [0.9, 0.95, 0.99][i % 3]
        cases.append((f"random_{i}", a, n1, c, n2, level))

    rr = []
    diff = []
    for name, a, n1, c, n2, level in cases:
        rr.append({"name": name, "exposed_cases": a, "exposed_total": n1, "control_cases": c, "control_total": n2,
                   "confidence_level": level, **katz(a, n1, c, n2, level)})
        diff.append({"name": name, "k1": a, "n1": n1, "k2": c, "n2": n2, "confidence_level": level,
                     **newcombe(a, n1, c, n2, level)})
    write("relative_risk.json", {"cases": rr})
    write("difference.json", {"cases": diff})


# The gate's rules, restated: groups in ordinal order of their labels; groups below min_group_size are left out; the
# reference (and the highest rate of a gap) is the first group with the highest rate, the lowest the last with the
# lowest rate; TPR is defined where a group has positives, FPR where it has negatives.
def extreme(groups, num, den, highest):
    best = None
    best_rate = 0.0
    for g in groups:
        rate = g[num] / g[den]
        if best is None or (rate > best_rate if highest else rate <= best_rate):
            best, best_rate = g, rate
    return best


def gap(groups, num, den, level):
    defined = [g for g in groups if g[den] > 0]
    if len(defined) < 2:
        return None
    hi = extreme(defined, num, den, True)
    lo = extreme(defined, num, den, False)
    result = newcombe(hi[num], hi[den], lo[num], lo[den], level)
    return {"highest": hi["group"], "lowest": lo["group"], "difference": result["difference"],
            "low": result["low"], "high": result["high"]}


def expected(table):
    level = table["confidence_level"]
    groups = []
    for g in sorted(table["groups"], key=lambda g: g["group"]):
        g = dict(g)
        g["negatives"] = g["size"] - g["positives"]
        groups.append(g)
    large = [g for g in groups if g["size"] >= table["min_group_size"]]
    out = {"small_groups": [g["group"] for g in groups if g["size"] < table["min_group_size"]]}
    if len(large) < 2:
        return {**out, "comparable": False}

    ref = extreme(large, "selected", "size", True)
    lo = extreme(large, "selected", "size", False)
    out["comparable"] = True
    out["reference"] = ref["group"]
    if ref["selected"] > 0:
        out["disparate_impact"] = [
            {"group": g["group"], **katz(g["selected"], g["size"], ref["selected"], ref["size"], level)}
            for g in large if g is not ref]
    else:
        out["disparate_impact"] = None
    parity = newcombe(ref["selected"], ref["size"], lo["selected"], lo["size"], level)
    out["parity"] = {"highest": ref["group"], "lowest": lo["group"], "difference": parity["difference"],
                     "low": parity["low"], "high": parity["high"]}
    tpr = gap(large, "true_positives", "positives", level)
    fpr = gap(large, "false_positives", "negatives", level)
    out["tpr_gap"] = tpr
    out["fpr_gap"] = fpr
    if tpr is not None and fpr is not None:
        larger = tpr if tpr["difference"] >= fpr["difference"] else fpr
        out["equalized_odds"] = {"difference": larger["difference"], "low": larger["low"], "high": larger["high"]}
    else:
        out["equalized_odds"] = None
    return out


def group(name, size, selected, positives, true_positives, false_positives):
    assert 0 <= true_positives <= positives <= size
    assert 0 <= false_positives <= size - positives
    assert true_positives + false_positives == selected
    return {"group": name, "size": size, "selected": selected, "positives": positives,
            "true_positives": true_positives, "false_positives": false_positives}


def random_table(rng, name, count, min_group_size, level):
    groups = []
    for j in range(count):
        size = int(rng.integers(1, 4000))
        positives = int(rng.integers(0, size + 1))
        tp = int(rng.integers(0, positives + 1))
        fp = int(rng.integers(0, size - positives + 1))
        groups.append(group(f"g{j:02d}", size, tp + fp, positives, tp, fp))
    return {"name": name, "min_group_size": min_group_size, "confidence_level": level, "groups": groups}


def datasets():
    tables = [
        {"name": "balanced", "min_group_size": 30, "confidence_level": 0.95, "groups": [
            group("A", 400, 200, 160, 120, 80), group("B", 350, 170, 140, 100, 70), group("C", 250, 90, 100, 60, 30)]},
        {"name": "small_group_left_out", "min_group_size": 30, "confidence_level": 0.95, "groups": [
            group("F", 300, 120, 150, 90, 30), group("M", 500, 260, 250, 200, 60), group("X", 12, 12, 6, 6, 6)]},
        {"name": "zero_rate_group", "min_group_size": 30, "confidence_level": 0.95, "groups": [
            group("a", 100, 0, 40, 0, 0), group("b", 120, 60, 60, 40, 20)]},
        {"name": "full_rates", "min_group_size": 30, "confidence_level": 0.95, "groups": [
            group("p", 50, 50, 20, 20, 30), group("q", 60, 60, 60, 60, 0), group("r", 40, 30, 40, 30, 0)]},
        {"name": "reference_zero", "min_group_size": 30, "confidence_level": 0.95, "groups": [
            group("u", 80, 0, 30, 0, 0), group("v", 90, 0, 10, 0, 0)]},
        {"name": "no_positives_in_a_group", "min_group_size": 30, "confidence_level": 0.9, "groups": [
            group("g1", 200, 80, 0, 0, 80), group("g2", 150, 75, 50, 40, 35), group("g3", 90, 30, 45, 20, 10)]},
        {"name": "identical_groups", "min_group_size": 30, "confidence_level": 0.95, "groups": [
            group("x", 100, 40, 50, 30, 10), group("y", 100, 40, 50, 30, 10), group("z", 100, 40, 50, 30, 10)]},
        {"name": "single_large_group", "min_group_size": 100, "confidence_level": 0.95, "groups": [
            group("big", 1000, 400, 500, 300, 100), group("tiny", 99, 40, 50, 30, 10)]},
        {"name": "level_99", "min_group_size": 10, "confidence_level": 0.99, "groups": [
            group("s1", 10, 9, 5, 5, 4), group("s2", 11, 2, 6, 1, 1), group("s3", 30, 15, 15, 10, 5)]},
    ]
    rng = np.random.default_rng(31415)
    for i in range(6):
        tables.append(random_table(rng, f"random_{i}", int(rng.integers(2, 9)), [1, 30, 100][i % 3],
                                   [0.9, 0.95, 0.99][i % 3]))
    for t in tables:
        t["expected"] = expected(t)
    write("datasets.json", {"tables": tables})


if __name__ == "__main__":
    pairs()
    datasets()
