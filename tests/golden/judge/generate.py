#!/usr/bin/python3
"""Golden values for the judge statistics and the shared numerics, computed by scipy.

Run with Debian's interpreter (python3-scipy, python3-numpy):

    /usr/bin/python3 tests/golden/judge/generate.py

Writes numerics.json, mannwhitneyu.json, two_proportion.json and quantile.json beside this script. Every random
sample comes from a fixed seed, so the output is the same on every run with the same scipy/numpy.
The C# tests (tests/MlopsFlows.Domain.Tests/Statistics/...) read these files; they never run Python.
"""

import json
import os

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats._mannwhitneyu import _mwu_choose_method

HERE = os.path.dirname(os.path.abspath(__file__))
VERSIONS = {"scipy": scipy.__version__, "numpy": np.__version__}


def write(name, cases):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        # allow_nan=False: every golden value must be a plain JSON number.
        json.dump({"generator": "tests/golden/judge/generate.py", "versions": VERSIONS, **cases},
                  f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", path)


def numerics():
    xs = [-38.0, -37.5, -30.0, -20.0, -10.0, -8.5, -5.0, -3.0, -1.96, -1.0, -0.5, -1e-3, -1e-12, 0.0,
          1e-12, 1e-3, 0.5, 1.0, 1.6448536269514722, 1.96, 3.0, 5.0, 8.5, 10.0, 20.0, 30.0, 37.5, 38.0]
    normal = [{"x": x, "cdf": float(stats.norm.cdf(x)), "sf": float(stats.norm.sf(x))} for x in xs]

    ps = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.02, 0.02425, 0.025, 0.05,
          0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10]
    ppf = [{"p": p, "ppf": float(stats.norm.ppf(p)), "isf": float(stats.norm.isf(p))} for p in ps]

    gxs = [1e-10, 1e-3, 0.1, 0.5, 0.8, 0.9, 0.95, 0.999, 1.0, 1.001, 1.1, 1.5, 1.9, 1.99, 2.0, 2.01, 2.2,
           2.5, 3.0, 4.5, 7.25, 9.99, 10.0, 10.5, 25.0, 100.0, 1000.5, 1e5, 1e10]
    gammaln = [{"x": x, "value": float(special.gammaln(x))} for x in gxs]

    ax = [(0.5, 0.1), (0.5, 2.0), (0.5, 50.0), (0.5, 600.0), (1.0, 1e-8), (1.0, 1.0), (1.0, 30.0),
          (1.5, 0.7), (2.5, 2.0), (2.5, 3.6), (3.0, 20.0), (5.0, 0.5), (5.0, 5.0), (5.0, 6.5),
          (7.5, 100.0), (10.0, 3.0), (10.0, 10.0), (10.0, 11.0), (10.0, 40.0), (12.5, 80.0),
          (25.0, 20.0), (50.0, 49.0), (50.0, 51.5), (50.0, 120.0), (100.0, 60.0), (100.0, 100.0),
          (100.0, 140.0), (250.0, 400.0), (500.0, 500.5), (1000.0, 1100.0), (1e4, 1e4 + 2.0),
          (1e4, 1.05e4), (1e5, 1e5 - 500.0)]
    gammainc = [{"a": a, "x": x, "p": float(special.gammainc(a, x)), "q": float(special.gammaincc(a, x))}
                for a, x in ax]

    chi = [(0.0001, 1), (0.5, 1), (3.841458820694124, 1), (10.0, 1), (50.0, 1), (200.0, 1), (1000.0, 1),
           (1.0, 2), (5.991464547107979, 2), (30.0, 2), (700.0, 2), (2.0, 3), (20.0, 3), (15.0, 10),
           (40.0, 10), (120.0, 10), (20.0, 25), (60.0, 25), (300.0, 25), (90.0, 99), (150.0, 99),
           (500.0, 99), (980.0, 999), (1100.0, 999), (1500.0, 999), (3.5, 2.5), (12.0, 7.5)]
    chi2 = [{"x": x, "df": df, "sf": float(stats.chi2.sf(x, df)), "cdf": float(stats.chi2.cdf(x, df))}
            for x, df in chi]

    write("numerics.json", {"normal": normal, "normal_quantiles": ppf, "log_gamma": gammaln,
                            "incomplete_gamma": gammainc, "chi_squared": chi2})


def mwu_case(name, x, y, alternative="two-sided", method="auto", use_continuity=True):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    used = method
    if method == "auto":
        used = _mwu_choose_method(len(x), len(y), np.concatenate([x, y]), method)
    res = stats.mannwhitneyu(x, y, alternative=alternative, method=method, use_continuity=use_continuity)
    return {"name": name, "x": x, "y": y, "alternative": alternative, "method": method,
            "use_continuity": use_continuity, "method_used": used,
            "u1": float(res.statistic), "p": float(res.pvalue)}


def mannwhitneyu():
    rng = np.random.default_rng(20240603)

    def normal(n, loc=0.0, scale=1.0, decimals=6):
        return np.round(rng.normal(loc, scale, n), decimals)

    def lognormal(n, mean, sigma, decimals=3):
        return np.round(rng.lognormal(mean, sigma, n), decimals)

    cases = [
        # scipy's documented example (exact, no ties): U = 17, p = 1/9.
        mwu_case("scipy_docs_example", [19, 22, 16, 29, 24], [20, 11, 17, 12]),
        mwu_case("exact_5_vs_7", normal(5), normal(7, 0.8)),
        mwu_case("exact_8_vs_8", normal(8), normal(8, 1.5)),
        mwu_case("exact_3_vs_40", normal(3, 1.0), normal(40)),
        mwu_case("exact_8_vs_60_shifted", normal(8, 1.2), normal(60)),
        mwu_case("exact_4_vs_300", normal(4, 0.5), normal(300)),
        mwu_case("exact_separated_7_vs_7", np.arange(8, 15), np.arange(1, 8)),
        mwu_case("exact_greater", normal(6, 1.0), normal(7), alternative="greater"),
        mwu_case("exact_less", normal(6, 1.0), normal(7), alternative="less"),
        mwu_case("one_vs_one", [1.0], [2.0]),
        mwu_case("one_vs_one_greater", [3.0], [2.0], alternative="greater"),
        mwu_case("one_vs_five", [3.0], [1.0, 2.0, 4.0, 5.0, 6.0]),
        mwu_case("one_vs_many_top", [100.0], normal(30)),
        mwu_case("ties_6_vs_7", [1, 2, 2, 3, 5, 5], [2, 3, 3, 4, 6, 6, 7]),
        mwu_case("ties_integer_latency_30_vs_40", np.round(rng.gamma(4, 20, 30)), np.round(rng.gamma(4, 23, 40))),
        mwu_case("ties_asymptotic_no_continuity", [1, 2, 2, 3, 5, 5], [2, 3, 3, 4, 6, 6, 7], use_continuity=False),
        mwu_case("asymptotic_9_vs_9", normal(9), normal(9, 0.7)),
        mwu_case("large_lognormal_400_vs_500", lognormal(400, 4.0, 0.5), lognormal(500, 4.05, 0.5)),
        mwu_case("large_shifted_1000_vs_1200", lognormal(1000, 4.0, 0.4), lognormal(1200, 4.2, 0.4)),
        mwu_case("large_same_distribution_800_vs_800", lognormal(800, 3.0, 0.6), lognormal(800, 3.0, 0.6),
                 alternative="greater"),
        mwu_case("identical_constant_samples", [5.0] * 10, [5.0] * 12),
        mwu_case("identical_values", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        mwu_case("constant_but_different", [200.0] * 10, [100.0] * 10),
        mwu_case("one_constant_each", [7.0], [7.0]),
        mwu_case("explicit_exact_25_vs_30", normal(25, 0.4), normal(30), method="exact"),
        mwu_case("explicit_exact_12_vs_15_less", normal(12), normal(15, 0.5), alternative="less", method="exact"),
        mwu_case("explicit_asymptotic_small", normal(5), normal(6, 1.0), method="asymptotic"),
        mwu_case("explicit_exact_with_ties", [1, 2, 2, 4], [2, 3, 5, 6, 7], method="exact"),
    ]
    write("mannwhitneyu.json", {"cases": cases})


def two_proportion_case(name, x1, n1, x2, n2, alternative="two-sided"):
    # statsmodels.stats.proportion.proportions_ztest([x1, x2], [n1, n2], value=0, prop_var=False), written out.
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var > 0:
        z = (p1 - p2) / np.sqrt(var)
        if alternative == "two-sided":
            p = 2 * stats.norm.sf(abs(z))
        elif alternative == "larger":
            p = stats.norm.sf(z)
        else:
            p = stats.norm.cdf(z)
    else:
        # statsmodels gives NaN here; the C# test returns z = 0, p = 1 (identical proportions, no evidence).
        z, p = 0.0, 1.0
    alt = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alternative]
    return {"name": name, "x1": x1, "n1": n1, "x2": x2, "n2": n2, "alternative": alt,
            "p1": p1, "p2": p2, "pooled": pooled, "z": float(z), "p": float(p)}


def two_proportion():
    cases = [
        two_proportion_case("canary_worse", 12, 1000, 5, 1000),
        two_proportion_case("canary_worse_greater", 12, 1000, 5, 1000, alternative="larger"),
        two_proportion_case("canary_better_less", 3, 1500, 9, 1400, alternative="smaller"),
        two_proportion_case("zero_errors_both", 0, 500, 0, 800),
        two_proportion_case("all_errors_both", 5, 5, 7, 7),
        two_proportion_case("zero_errors_baseline", 7, 1000, 0, 1000),
        two_proportion_case("zero_errors_canary", 0, 1000, 7, 1000),
        two_proportion_case("similar_rates", 50, 2000, 40, 1800),
        two_proportion_case("tiny_samples", 1, 10, 0, 12),
        two_proportion_case("large_counts", 10000, 1000000, 9500, 1000000),
        two_proportion_case("strong_difference_tiny_p", 1500, 10000, 100, 10000),
        two_proportion_case("huge_difference_p_underflows", 3000, 10000, 100, 10000),
        two_proportion_case("equal_rates", 20, 1000, 40, 2000),
    ]
    write("two_proportion.json", {"cases": cases})


def quantiles():
    rng = np.random.default_rng(7)
    samples = {
        "one_value": [42.0],
        "two_values": [10.0, 20.0],
        "ties": [5.0, 1.0, 5.0, 5.0, 2.0, 9.0, 9.0],
        "lognormal_101": np.round(rng.lognormal(4.0, 0.5, 101), 3).tolist(),
        "lognormal_1000": np.round(rng.lognormal(4.0, 0.5, 1000), 3).tolist(),
        "negative_and_positive": np.round(rng.normal(0, 10, 37), 4).tolist(),
    }
    qs = [0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0]
    cases = [{"name": name, "values": [float(v) for v in values], "q": qs,
              "expected": [float(np.quantile(values, q)) for q in qs]}
             for name, values in samples.items()]
    write("quantile.json", {"cases": cases})


if __name__ == "__main__":
    numerics()
    mannwhitneyu()
    two_proportion()
    quantiles()
