#!/usr/bin/python3
"""Golden values for the drift statistics, computed by Debian's scipy and numpy.

Run with the system interpreter (it has python3-scipy), from anywhere:

    /usr/bin/python3 tests/golden/drift/generate.py

It rewrites the JSON files beside it. Everything is deterministic (fixed seeds), so a second run gives the same
files unless scipy or numpy changed; each file records their versions.

Samples are stored either as explicit lists (rounded to 6 significant digits *before* scipy sees them, which keeps
the files small and makes ties on purpose) or, for the large KS cases, as a generator that C# rebuilds bit for bit:

    {"weyl": {"n": N, "alpha": a, "offset": o, "scale": s, "squared": false}}
    value[i] = o + s * v,  v = u or u*u,  u = ((i + 1) * a) % 1.0   for i = 0..N-1

(one multiplication, an exact fmod, then one multiply-add pair: IEEE doubles give the same bits in both languages).

Definitions that scipy does not provide, written here in numpy and mirrored by the C# code:
  * PSI bins: edges = unique(np.quantile(reference, k/B for k = 1..B-1)) (numpy's default 'linear' method);
    bin i holds (edge[i-1], edge[i]] (np.searchsorted side='left'), the outer bins open to -inf/+inf;
    proportions below epsilon are raised to epsilon; PSI = sum((c - r) * ln(c / r)).
  * Jensen-Shannon over bins: scipy.spatial.distance.jensenshannon(reference_counts, current_counts, base=2).
  * Normalised Wasserstein: wasserstein_distance(reference, current) / np.std(reference)  (population, ddof=0).
  * Categorical drift: chi2_contingency on the 2 x k table [reference counts; current counts] over the union of
    categories that occur at least once (ordinal order), correction=True; JS and PSI over the same counts.
"""

import json
import os
import sys
import warnings
from collections import Counter

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

OUT = os.path.dirname(os.path.abspath(__file__))
META = {
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "python": sys.version.split()[0],
    "generator": "tests/golden/drift/generate.py",
}


def r6(values):
    return [float(f"{x:.6g}") for x in values]


def weyl_spec(n, alpha, offset=0.0, scale=1.0, squared=False):
    return {"weyl": {"n": n, "alpha": alpha, "offset": offset, "scale": scale, "squared": squared}}


def materialize(sample):
    if isinstance(sample, dict):
        w = sample["weyl"]
        u = (np.arange(1, w["n"] + 1, dtype=float) * w["alpha"]) % 1.0  # elementwise: same bits as the scalar loop
        v = u * u if w["squared"] else u
        return w["offset"] + w["scale"] * v
    return np.asarray(sample, dtype=float)


def json_safe(value):
    """Strict JSON has no NaN or infinity: write them as the strings .NET reads back ("NaN", "Infinity")."""
    if isinstance(value, float) and not np.isfinite(value):
        return "NaN" if np.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(json_safe({"meta": META, "cases": cases}), f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{name}: {len(cases)} cases, {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------- Kolmogorov-Smirnov

def kolmogn_branch(n, x):
    """Which algorithm scipy's _kolmogn uses for sf(x, n) (documentation of coverage only)."""
    if n < 1:
        return "undefined"
    if x <= 0.5 / n:
        return "support-low"
    if x >= 1:
        return "support-high"
    t = n * x
    if t <= 1:
        return "ruben-gambino-low"
    if t >= n - 1:
        return "ruben-gambino-high"
    if x >= 0.5:
        return "smirnov-x-ge-half"
    nx2 = t * x
    if n <= 140:
        if nx2 <= 0.754693:
            return "durbin-matrix"
        if nx2 <= 4:
            return "pomeranz"
        return "smirnov-small-n"
    if nx2 >= 370:
        return "zero"
    if nx2 >= 2.2:
        return "smirnov-miller" if n > 1_000_000 else "smirnov"
    if n <= 100000 and n * x ** 1.5 <= 1.4:
        return "durbin-matrix"
    return "pelz-good"


def ks_case(name, a, b, alternative="two-sided", method="auto"):
    x = materialize(a)
    y = materialize(b)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = stats.ks_2samp(x, y, alternative=alternative, method=method)
    n1, n2 = len(x), len(y)
    used = method
    if method == "auto":
        used = "exact" if max(n1, n2) <= 10000 else "asymp"
    if any("Switching to" in str(w.message) for w in caught):
        used = "asymp"
    case = {
        "name": name,
        "first": a,
        "second": b,
        "alternative": alternative,
        "method": method,
        "statistic": float(res.statistic),
        "pvalue": float(res.pvalue),
        "statistic_location": float(res.statistic_location),
        "statistic_sign": int(res.statistic_sign),
        "method_used": used,
    }
    if used == "asymp" and alternative == "two-sided":
        m, n = sorted([float(n1), float(n2)], reverse=True)
        en = int(np.round(m * n / (m + n)))
        case["kstwo_n"] = en
        case["kstwo_branch"] = kolmogn_branch(en, float(res.statistic))
    return case


def ks_cases():
    rng = np.random.default_rng(20240501)
    cases = []
    normal = lambda n, loc=0.0, scale=1.0: r6(rng.normal(loc, scale, n))

    # Exact path, unequal and equal sizes, both directions of shift.
    cases.append(ks_case("normal vs shifted normal, 200 vs 300", normal(200), normal(300, 0.3)))
    cases.append(ks_case("normal vs same normal, 250 vs 250", normal(250), normal(250)))
    cases.append(ks_case("normal vs shifted normal, 400 vs 400", normal(400), normal(400, -0.25)))
    cases.append(ks_case("normal vs wider normal, 120 vs 80", normal(120), normal(80, 0, 2.0)))
    # Heavy ties: few distinct values.
    cases.append(ks_case("heavy ties, rounded integers, 150 vs 100",
                         [float(v) for v in rng.poisson(3, 150)], [float(v) for v in rng.poisson(3.4, 100)]))
    cases.append(ks_case("heavy ties, two values, 60 vs 90",
                         [float(v) for v in rng.integers(0, 2, 60)], [float(v) for v in rng.integers(0, 2, 90)]))
    # Constant columns.
    cases.append(ks_case("constant equal columns", [2.5] * 40, [2.5] * 30))
    cases.append(ks_case("constant different columns", [1.0] * 20, [2.0] * 25))
    cases.append(ks_case("constant reference, varying current", [0.0] * 50, normal(40)))
    # Tiny windows.
    for n1, n2 in [(1, 1), (1, 2), (2, 1), (1, 5), (2, 3), (3, 3), (4, 5), (5, 5), (5, 2)]:
        cases.append(ks_case(f"tiny windows {n1} vs {n2}", normal(n1), normal(n2, 0.5)))
    cases.append(ks_case("tiny window 3 vs reference 500", normal(500), normal(3, 1.0)))
    cases.append(ks_case("tiny window 1 vs reference 500", normal(500), [2.5]))
    # Unequal sizes.
    cases.append(ks_case("unequal sizes 37 vs 1000", normal(37, 0.4), normal(1000)))
    cases.append(ks_case("unequal sizes 1000 vs 37", normal(1000), normal(37, 0.4)))
    cases.append(ks_case("coprime sizes 97 vs 89", normal(97), normal(89, 0.2)))
    # p-value near 1 for equal sizes: scipy's exact 2P rounds above 1 (n = 5, 30 with h = 1), so it falls back.
    for n in [5, 30]:
        cases.append(ks_case(f"equal sizes {n}, interleaved (exact rounds above 1, asymptotic)",
                             [float(i) for i in range(n)], [i + 0.5 for i in range(n)]))
    base = normal(50)
    cases.append(ks_case("identical samples", base, list(base)))
    cases.append(ks_case("asymptotic method, Ruben-Gambino upper end",
                         [float(i) for i in range(10)], [i + 8.5 for i in range(10)], method="asymp"))
    # Exact path at the auto limit and the asymptotic path past it (generated samples).
    cases.append(ks_case("exact at the limit, 10000 vs 9999",
                         weyl_spec(10000, 0.6180339887498949), weyl_spec(9999, 0.7548776662466927, 0.01)))
    cases.append(ks_case("exact equal sizes 10000",
                         weyl_spec(10000, 0.6180339887498949), weyl_spec(10000, 0.7548776662466927, 0.02)))
    for shift, label in [(0.001, "tiny"), (0.008, "small"), (0.03, "moderate"), (0.25, "large")]:
        cases.append(ks_case(f"asymptotic past the limit, 20000 vs 15000, {label} shift",
                             weyl_spec(20000, 0.6180339887498949),
                             weyl_spec(15000, 0.7548776662466927, shift)))
    cases.append(ks_case("asymptotic past the limit, skewed, 20000 vs 15000",
                         weyl_spec(20000, 0.6180339887498949, 0.0, 1.0, True),
                         weyl_spec(15000, 0.7548776662466927, 0.0004, 1.0, True)))
    # Effective size above 10^6: scipy's smirnov switches to Miller's approximation.
    cases.append(ks_case("asymptotic, effective size above a million",
                         weyl_spec(2500000, 0.6180339887498949), weyl_spec(2200000, 0.7548776662466927, 0.003)))
    cases.append(ks_case("asymptotic, 12000 vs 100",
                         weyl_spec(12000, 0.6180339887498949), r6(rng.uniform(0.05, 1.0, 100))))
    # Every branch of kstwo.sf via method='asymp' on small samples.
    for n1, n2, shift in [(30, 40, 0.0), (30, 40, 0.5), (30, 40, 1.2), (30, 40, 3.0), (30, 40, 8.0),
                          (60, 50, 0.1), (200, 150, 0.15), (200, 150, 0.5), (200, 150, 2.0),
                          (3, 4, 0.0), (2, 2, 5.0), (3, 3, 0.3), (500, 600, 0.02), (1, 1, 1.0)]:
        cases.append(ks_case(f"asymptotic method {n1} vs {n2}, shift {shift}",
                             normal(n1), normal(n2, shift), method="asymp"))
    cases.append(ks_case("exact method 300 vs 200", normal(300), normal(200, 0.2), method="exact"))
    # Random small sizes, shifts and alternatives: broad coverage of the exact lattice computations.
    for i in range(40):
        n1, n2 = int(rng.integers(1, 81)), int(rng.integers(1, 81))
        alternative = ["two-sided", "two-sided", "less", "greater"][i % 4]
        cases.append(ks_case(f"random sizes #{i}: {n1} vs {n2}, {alternative}",
                             normal(n1), normal(n2, float(rng.uniform(-1, 1))), alternative))
    # One-sided alternatives.
    for alternative in ["less", "greater"]:
        cases.append(ks_case(f"one-sided {alternative}, 200 vs 300", normal(200), normal(300, 0.2), alternative))
        cases.append(ks_case(f"one-sided {alternative}, 300 vs 300", normal(300), normal(300, -0.1), alternative))
        cases.append(ks_case(f"one-sided {alternative}, 40 vs 1000", normal(40), normal(1000, 0.3), alternative))
        cases.append(ks_case(f"one-sided {alternative}, 600 vs 700 (binomial overflows)",
                             normal(600), normal(700, 0.1), alternative))
        cases.append(ks_case(f"one-sided {alternative}, tiny 2 vs 3", normal(2), normal(3), alternative))
        cases.append(ks_case(f"one-sided {alternative}, asymptotic 20000 vs 15000",
                             weyl_spec(20000, 0.6180339887498949), weyl_spec(15000, 0.7548776662466927, 0.01),
                             alternative))
        cases.append(ks_case(f"one-sided {alternative}, asymptotic method 80 vs 60",
                             normal(80), normal(60, 0.3), alternative, method="asymp"))
    return cases


def kstwo_point(n, x):
    """kstwo.sf(x, n). Where scipy's Durbin matrix power overflows (numpy warns) scipy answers 0 for a tail whose
    value is 1 to double precision (P(D_n <= x) is below 1e-100 there); the golden value is then Pelz-Good's
    1 - cdf (exactly 1.0), scipy's own answer is kept beside it, and the C# code deliberately departs from scipy."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sf = float(stats.kstwo.sf(x, n))
    point = {"n": n, "x": x, "sf": sf, "branch": kolmogn_branch(n, x)}
    if any("overflow" in str(w.message) for w in caught):
        from scipy.stats._ksstats import _kolmogn_PelzGood
        point.update({"scipy_sf": sf, "scipy_overflow": True, "sf": float(1.0 - _kolmogn_PelzGood(n, x, cdf=True))})
    return point


def kolmogorov_cases():
    """A grid over scipy.stats.kstwo.sf and scipy.special.smirnov that reaches every branch of the dispatch."""
    from scipy import special
    kstwo = []
    for n in [1, 2, 3, 5, 10, 17, 50, 99, 140, 141, 500, 8571, 94069, 100000, 100001, 1170213, 3000000]:
        xs = set()
        for x in [0.5 / n, 0.75 / n, 1.0 / n, 1.5 / n, 2.5 / n, (n - 1.0) / n, (n - 0.5) / n, 0.5, 0.6, 0.9, 0.999]:
            xs.add(x)
        for z in [0.05, 0.2, 0.4, 0.6, 0.8, 0.87, 1.0, 1.2, 1.48, 1.6, 2.0, 2.5, 3.0, 5.0, 10.0, 19.0, 19.3]:
            xs.add(z / np.sqrt(n))  # x with n x^2 = z^2 spans the Durbin/Pomeranz/Pelz-Good/Smirnov cut-overs
        if n == 94069:
            xs.update(t / n for t in [20.58, 22.5, 24.41])  # where scipy's Durbin matrix power overflows
        for x in sorted(xs):
            if 0 < x < 1:
                kstwo.append(kstwo_point(n, float(x)))
    rng = np.random.default_rng(99)
    for _ in range(600):
        n = int(np.exp(rng.uniform(0, np.log(2.5e6))))
        x = float(np.exp(rng.uniform(np.log(0.02), np.log(25.0))) / np.sqrt(n)) if rng.uniform() < 0.8 else float(rng.uniform(0, 1))
        if 0 < x < 1:
            kstwo.append(kstwo_point(n, x))
    smirnov = []
    for n in [2, 3, 5, 17, 100, 1000, 1013, 5000, 100000, 1000001]:
        for z in [0.3, 0.8, 1.5, 2.2, 3.0, 5.0, 10.0]:
            x = z / np.sqrt(n)
            if x < 1:
                smirnov.append({"n": n, "x": float(x), "sf": float(special.smirnov(n, x))})
        for x in [0.5, 0.7, 0.95]:
            smirnov.append({"n": n, "x": x, "sf": float(special.smirnov(n, x))})
    rng = np.random.default_rng(98)
    for _ in range(200):
        n = int(np.exp(rng.uniform(np.log(2), np.log(2e6))))
        x = float(min(np.exp(rng.uniform(np.log(0.5), np.log(20.0))) / np.sqrt(n), rng.uniform(0.3, 0.999)))
        smirnov.append({"n": n, "x": x, "sf": float(special.smirnov(n, x))})
    return {"kstwo_sf": kstwo, "smirnov": smirnov}


# ---------------------------------------------------------------- PSI, Jensen-Shannon over bins, Wasserstein

def psi_reference(ref, cur, bins=10, eps=1e-4):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    q = np.arange(1, bins) / bins
    edges = np.unique(np.quantile(ref, q))
    rc = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1)
    r = rc / len(ref)
    c = cc / len(cur)
    rr = np.maximum(r, eps)
    ce = np.maximum(c, eps)
    contributions = (ce - rr) * np.log(ce / rr)
    return {
        "edges": [float(e) for e in edges],
        "reference_counts": [int(v) for v in rc],
        "current_counts": [int(v) for v in cc],
        "contributions": [float(v) for v in contributions],
        "psi": float(np.sum(contributions)),
        "jensenshannon": float(jensenshannon(rc, cc, base=2)),
    }


def numeric_case(name, ref, cur, bins=10, eps=1e-4):
    case = {"name": name, "reference": ref, "current": cur, "bins": bins, "epsilon": eps}
    case.update(psi_reference(ref, cur, bins, eps))
    r = np.asarray(ref, dtype=float)
    case["reference_mean"] = float(np.mean(r))
    case["reference_std"] = float(np.std(r))
    w = float(stats.wasserstein_distance(r, np.asarray(cur, dtype=float)))
    case["wasserstein"] = w
    case["wasserstein_normalized"] = w / case["reference_std"] if case["reference_std"] > 0 else (0.0 if w == 0 else "Infinity")
    return case


def numeric_cases():
    rng = np.random.default_rng(7)
    normal = lambda n, loc=0.0, scale=1.0: r6(rng.normal(loc, scale, n))
    cases = [
        numeric_case("normal vs shifted normal", normal(500), normal(400, 0.5)),
        numeric_case("normal vs same normal", normal(500), normal(400)),
        numeric_case("normal vs wider normal, 20 bins", normal(600), normal(300, 0, 1.5), bins=20),
        numeric_case("normal vs shifted normal, 5 bins, epsilon 1e-3", normal(300), normal(300, 1.0), bins=5, eps=1e-3),
        numeric_case("lognormal skew vs scaled", r6(rng.lognormal(0, 1, 400)), r6(rng.lognormal(0.2, 1.1, 350))),
        numeric_case("heavy ties, Poisson counts (edges collapse)",
                     [float(v) for v in rng.poisson(1.2, 500)], [float(v) for v in rng.poisson(1.5, 300)]),
        numeric_case("heavy ties, mostly zero",
                     [0.0] * 400 + normal(100, 5), [0.0] * 200 + normal(200, 5)),
        numeric_case("constant reference, same constant", [3.0] * 100, [3.0] * 50),
        numeric_case("constant reference, other constant", [3.0] * 100, [4.0] * 50),
        numeric_case("constant reference, varying current", [3.0] * 100, normal(60, 3.0)),
        numeric_case("current entirely above the reference range", normal(200), normal(100, 10.0)),
        numeric_case("current entirely below the reference range", normal(200), normal(100, -10.0)),
        numeric_case("unequal sizes 2000 vs 40", normal(2000), normal(40, 0.3)),
    ]
    for n_ref in range(1, 6):
        for n_cur in range(1, 6):
            cases.append(numeric_case(f"tiny windows {n_ref} vs {n_cur}", normal(n_ref), normal(n_cur, 0.5)))
    return cases


# ---------------------------------------------------------------- chi-square and categorical

def chisquare_cases():
    gof = []
    for name, obs, exp, ddof in [
        ("uniform expected", [16, 18, 16, 14, 12, 12], None, 0),
        ("uniform expected, strong deviation", [5, 40, 10, 3], None, 0),
        ("given expected", [43, 52, 54, 40], [48.0, 48.0, 48.0, 48.0 + 1.0], 0),
        ("given expected, ddof 1", [18, 22, 30, 15, 25], [20.0, 20.0, 25.0, 20.0, 25.0], 1),
        ("two categories", [30, 70], [50.0, 50.0], 0),
        ("tiny p-value", [1000, 10, 10], [340.0, 340.0, 340.0], 0),
    ]:
        if exp is not None:
            total = sum(obs)
            exp = list(np.asarray(exp) * total / np.sum(exp))
        res = stats.chisquare(obs, exp, ddof=ddof)
        gof.append({"name": name, "observed": [float(v) for v in obs], "expected": exp, "ddof": ddof,
                    "statistic": float(res.statistic), "pvalue": float(res.pvalue),
                    "dof": len(obs) - 1 - ddof})
    contingency = []
    for name, table, correction in [
        ("2x2 Yates", [[12, 5], [7, 19]], True),
        ("2x2 without correction", [[12, 5], [7, 19]], False),
        ("2x2 Yates, cells within half of expectation", [[10, 10], [10, 11]], True),
        ("2x2 Yates, large counts", [[1200, 800], [1100, 900]], True),
        ("2x2 Yates, tiny p-value", [[5000, 10], [10, 5000]], True),
        ("2x5", [[20, 15, 30, 5, 30], [25, 25, 20, 15, 15]], True),
        ("3x4", [[10, 20, 30, 40], [15, 25, 25, 35], [30, 10, 20, 40]], True),
        ("2x1 degenerate", [[10], [20]], True),
        ("1x3 degenerate", [[10, 20, 30]], True),
    ]:
        res = stats.chi2_contingency(np.asarray(table), correction=correction)
        contingency.append({"name": name, "table": table, "correction": correction,
                            "statistic": float(res[0]), "pvalue": float(res[1]), "dof": int(res[2]),
                            "expected": [float(v) for v in np.asarray(res[3]).ravel()]})
    return {"goodness_of_fit": gof, "contingency": contingency}


def categorical_case(name, ref_values, cur_values, eps=1e-4):
    rc = Counter(ref_values)
    cc = Counter(cur_values)
    categories = sorted(k for k in set(rc) | set(cc) if rc[k] + cc[k] > 0)
    ref_counts = [rc[k] for k in categories]
    cur_counts = [cc[k] for k in categories]
    res = stats.chi2_contingency(np.asarray([ref_counts, cur_counts]), correction=True)
    r = np.asarray(ref_counts) / sum(ref_counts)
    c = np.asarray(cur_counts) / sum(cur_counts)
    rr = np.maximum(r, eps)
    ce = np.maximum(c, eps)
    return {
        "name": name,
        "reference": dict(sorted(rc.items())),
        "current": dict(sorted(cc.items())),
        "categories": categories,
        "reference_counts": ref_counts,
        "current_counts": cur_counts,
        "unseen": [k for k in categories if rc[k] == 0],
        "missing": [k for k in categories if cc[k] == 0],
        "chi2_statistic": float(res[0]),
        "chi2_pvalue": float(res[1]),
        "chi2_dof": int(res[2]),
        "jensenshannon": float(jensenshannon(ref_counts, cur_counts, base=2)),
        "psi": float(np.sum((ce - rr) * np.log(ce / rr))),
        "epsilon": eps,
    }


def categorical_cases():
    rng = np.random.default_rng(11)
    colors = ["red", "green", "blue", "yellow"]

    def draw(names, p, n):
        return [str(v) for v in rng.choice(names, size=n, p=p)]

    return [
        categorical_case("same distribution", draw(colors, [0.4, 0.3, 0.2, 0.1], 800), draw(colors, [0.4, 0.3, 0.2, 0.1], 500)),
        categorical_case("shifted distribution", draw(colors, [0.4, 0.3, 0.2, 0.1], 800), draw(colors, [0.25, 0.25, 0.25, 0.25], 500)),
        categorical_case("unseen categories in current",
                         draw(colors, [0.4, 0.3, 0.2, 0.1], 600),
                         draw(colors + ["purple", "orange"], [0.35, 0.25, 0.2, 0.1, 0.06, 0.04], 400)),
        categorical_case("category missing from current",
                         draw(colors, [0.4, 0.3, 0.2, 0.1], 600), draw(colors[:3], [0.5, 0.3, 0.2], 300)),
        categorical_case("binary column (2x2, Yates)", draw(["no", "yes"], [0.7, 0.3], 300), draw(["no", "yes"], [0.6, 0.4], 200)),
        categorical_case("constant column, unchanged", ["a"] * 50, ["a"] * 20),
        categorical_case("constant column, replaced by an unseen value", ["a"] * 50, ["b"] * 20),
        categorical_case("tiny windows", ["a", "b", "a"], ["b", "c"]),
        categorical_case("many categories", draw([f"c{i:02d}" for i in range(30)], None, 2000),
                         draw([f"c{i:02d}" for i in range(32)], None, 1500)),
    ]


def main():
    write("ks.json", ks_cases())
    write("kolmogorov.json", [kolmogorov_cases()])
    write("numeric.json", numeric_cases())
    write("chisquare.json", [chisquare_cases()])
    write("categorical.json", categorical_cases())


if __name__ == "__main__":
    main()
