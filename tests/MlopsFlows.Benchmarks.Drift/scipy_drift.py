"""The scipy/numpy side of the drift report bench: the same statistics on the same bytes, each statistic timed.

Usage: /usr/bin/python3 scipy_drift.py <folder>

<folder>/manifest.json names two files of raw little-endian float64, column-major (column j is rows values starting at
byte j * rows * 8), one per window, and the kind of each column. Answers and timings go to <folder>/scipy.json.

PSI mirrors src/MlopsFlows.Domain/Statistics/Drift/PopulationStabilityIndex.cs and ReferenceProfile.cs exactly:
edges = np.unique(np.quantile(reference, k / B) for k = 1..B-1) (numpy's default linear method); bin i holds
(edge[i-1], edge[i]] with the outer bins open, i.e. the bin of x is searchsorted(edges, x, side='left') (np.histogram
would close bins on the left instead); proportions below epsilon are raised to it, not renormalised.
"""

import json
import math
import resource
import sys
import time

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon


def finite_or_text(value):
    """JSON has no NaN or infinity: write them as text the C# side parses."""
    value = float(value)
    return value if math.isfinite(value) else repr(value).replace("inf", "Infinity").replace("nan", "NaN")


def psi_from_counts(reference_counts, current_counts, epsilon):
    reference = np.maximum(reference_counts / reference_counts.sum(), epsilon)
    current = np.maximum(current_counts / current_counts.sum(), epsilon)
    return float(np.sum((current - reference) * np.log(current / reference)))


def numeric_psi_js(reference, current, bin_count, epsilon):
    edges = np.unique(np.quantile(reference, np.arange(1, bin_count) / bin_count))
    bins = len(edges) + 1
    reference_counts = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=bins)
    current_counts = np.bincount(np.searchsorted(edges, current, side="left"), minlength=bins)
    psi = psi_from_counts(reference_counts, current_counts, epsilon)
    js = float(jensenshannon(reference_counts, current_counts, base=2))
    return psi, js, bins


def categorical(reference, current, epsilon):
    reference_codes = reference.astype(np.int64)
    current_codes = current.astype(np.int64)
    size = int(max(reference_codes.max(), current_codes.max())) + 1
    reference_counts = np.bincount(reference_codes, minlength=size)
    current_counts = np.bincount(current_codes, minlength=size)
    present = (reference_counts + current_counts) > 0
    reference_counts = reference_counts[present]
    current_counts = current_counts[present]
    chi2, p, dof, _ = stats.chi2_contingency(np.array([reference_counts, current_counts]))
    js = float(jensenshannon(reference_counts, current_counts, base=2))
    psi = psi_from_counts(reference_counts, current_counts, epsilon)
    return float(chi2), float(p), int(dof), js, psi


def peak_resident_kib():
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(folder):
    with open(f"{folder}/manifest.json", encoding="utf-8") as stream:
        manifest = json.load(stream)
    rows = manifest["rows"]
    columns = manifest["columns"]
    bin_count = manifest["binCount"]
    epsilon = manifest["epsilon"]

    started = time.perf_counter()
    reference = np.fromfile(f"{folder}/{manifest['reference']}", dtype="<f8").reshape(len(columns), rows)
    current = np.fromfile(f"{folder}/{manifest['current']}", dtype="<f8").reshape(len(columns), rows)
    load_ms = (time.perf_counter() - started) * 1000

    timings = {"psi_js": 0.0, "ks": 0.0, "wasserstein": 0.0, "chisquare_js": 0.0}
    answers = {}
    for index, column in enumerate(columns):
        name = column["name"]
        r = reference[index]
        c = current[index]
        if column["kind"] == "numeric":
            t0 = time.perf_counter()
            psi, js, bins = numeric_psi_js(r, c, bin_count, epsilon)
            t1 = time.perf_counter()
            ks = stats.ks_2samp(r, c)
            t2 = time.perf_counter()
            distance = stats.wasserstein_distance(r, c)
            deviation = float(np.std(r))
            normalized = distance / deviation if deviation > 0 else (0.0 if distance == 0 else math.inf)
            t3 = time.perf_counter()
            timings["psi_js"] += t1 - t0
            timings["ks"] += t2 - t1
            timings["wasserstein"] += t3 - t2
            answers[name] = {
                "psi": psi,
                "js": js,
                "bins": bins,
                "ksStatistic": float(ks.statistic),
                "ksPValue": finite_or_text(ks.pvalue),
                "wasserstein": float(distance),
                "wassersteinNormalized": finite_or_text(normalized),
            }
        else:
            t0 = time.perf_counter()
            chi2, p, dof, js, psi = categorical(r, c, epsilon)
            timings["chisquare_js"] += time.perf_counter() - t0
            answers[name] = {"chiSquare": chi2, "chiSquarePValue": finite_or_text(p), "degreesOfFreedom": dof, "js": js, "psi": psi}

    result = {
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "loadMs": load_ms,
        "timingsMs": {key: value * 1000 for key, value in timings.items()},
        # Linux reports ru_maxrss in KiB, but it carries over the parent's peak across fork and exec (here the .NET
        # bench's), so the peak of this process alone is VmHWM; both are reported.
        "peakRssKiB": peak_resident_kib(),
        "ruMaxrssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "columns": answers,
    }
    with open(f"{folder}/scipy.json", "w", encoding="utf-8") as stream:
        json.dump(result, stream)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scipy_drift.py <folder>")
    main(sys.argv[1])
