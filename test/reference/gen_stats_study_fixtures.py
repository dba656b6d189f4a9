"""Reference values for the study's analysis statistics in src/stats (issues 15 and 16).

Writes test/fixtures/stats/{holm,stratified_permutation,monotone,min_exact_p,seed_bootstrap}.json:
Holm adjustment (statsmodels multipletests), the stratified permutation test (brute-force
enumeration of every within-stratum permutation; scipy.stats.permutation_test for one stratum),
scipy on perfectly monotone samples, the smallest exact rank-correlation p, and exact bootstrap
distributions (every resample enumerated) for the seed bootstraps.
Run from the repository root:  /tmp/venv-stats/bin/python test/reference/gen_stats_study_fixtures.py
Every fixture records this script's name, the package versions and the seed.
"""

import itertools
import json
import math
import os
import platform
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests

SEED = 20240615
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "stats")
META = {
    "script": "test/reference/gen_stats_study_fixtures.py",
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "seed": SEED,
}
# Tie tolerance when counting permuted statistics as extreme: theoretical ties differ by rounding
# (~1e-16), distinct values of these small rank statistics by far more than 1e-9.
TIE_TOL = 1e-9


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"meta": META, **payload}, f, indent=1, allow_nan=False)
        f.write("\n")


def floats(a):
    return [float(v) for v in np.asarray(a).ravel()]


# ---------------------------------------------------------------- Holm
def gen_holm(rng):
    families = [
        ("declared_family_6", [0.012, 0.041, 0.003, 0.27, 0.049, 0.6]),
        ("step_down_monotone", [0.01, 0.011, 0.012, 0.013]),  # raw*(m-j+1) decreases: the max carries it
        ("ties_and_ones", [0.02, 0.02, 1.0, 0.5, 0.0, 0.02]),
        ("single", [0.03]),
        ("capped", [0.4, 0.3, 0.9]),
        ("random_20", list(rng.uniform(0, 0.2, 20))),
    ]
    cases = []
    for name, p in families:
        reject, adj, _, _ = multipletests(np.asarray(p, float), alpha=0.05, method="holm")
        cases.append({"name": name, "pValues": floats(p), "adjusted": floats(adj), "reject05": [bool(r) for r in reject]})
    write("holm.json", {"cases": cases, "note": "statsmodels.stats.multitest.multipletests(p, alpha=0.05, method='holm')"})


# ---------------------------------------------------------------- stratified permutation
def rowwise_pearson(a, b):
    am = a - a.mean(axis=1, keepdims=True)
    bm = b - b.mean(axis=1, keepdims=True)
    return (am * bm).sum(axis=1) / np.sqrt((am ** 2).sum(axis=1) * (bm ** 2).sum(axis=1))


def all_within_permutations(x, strata):
    """Every arrangement of x with values permuted only within strata: rows of a [perms, n] array."""
    labels = list(dict.fromkeys(strata))
    groups = [[i for i, s in enumerate(strata) if s == lab] for lab in labels]
    rows = []
    for combo in itertools.product(*[list(itertools.permutations(g)) for g in groups]):
        row = np.empty(len(x))
        for g, perm in zip(groups, combo):
            row[g] = x[list(perm)]
        rows.append(row)
    return np.array(rows)


def stat_of(X, y, strata, correlation, pooling):
    """Statistic of each row of X (permuted x) against y; independent of the TypeScript decomposition."""
    tr = (lambda v, axis=-1: stats.rankdata(v, axis=axis)) if correlation == "spearman" else (lambda v, axis=-1: np.asarray(v, float))
    if pooling == "pooled":
        ty = tr(y)
        return rowwise_pearson(tr(X, axis=1), np.broadcast_to(ty, X.shape))
    labels = list(dict.fromkeys(strata))
    per = []
    for lab in labels:
        g = [i for i, s in enumerate(strata) if s == lab]
        xs, ys = X[:, g], y[g]
        if len(g) < 2 or np.all(ys == ys[0]) or np.all(xs[0] == xs[0, 0]):
            continue
        ty = tr(ys)
        per.append(rowwise_pearson(tr(xs, axis=1), np.broadcast_to(ty, xs.shape)))
    return np.mean(per, axis=0)


def per_stratum(x, y, strata, correlation):
    out = []
    for lab in dict.fromkeys(strata):
        g = [i for i, s in enumerate(strata) if s == lab]
        xs, ys = x[g], y[g]
        if len(g) < 2 or np.all(ys == ys[0]) or np.all(xs == xs[0]):
            out.append({"stratum": lab, "n": len(g), "statistic": None})
        else:
            f = stats.spearmanr if correlation == "spearman" else stats.pearsonr
            out.append({"stratum": lab, "n": len(g), "statistic": float(f(xs, ys).statistic)})
    return out


def exact_pvalues(x, y, strata, correlation, pooling):
    X = all_within_permutations(x, strata)
    t = stat_of(X, y, strata, correlation, pooling)
    obs = float(stat_of(x[None, :], y, strata, correlation, pooling)[0])
    p_less = float(np.mean(t <= obs + TIE_TOL))
    p_greater = float(np.mean(t >= obs - TIE_TOL))
    return obs, {"less": p_less, "greater": p_greater, "two-sided": min(1.0, 2 * min(p_less, p_greater))}, len(t)


def scipy_unstratified(x, y, correlation, alternative):
    tx = stats.rankdata(x) if correlation == "spearman" else x
    ty = stats.rankdata(y) if correlation == "spearman" else y

    def statistic(yy, axis):
        return rowwise_pearson(np.broadcast_to(tx, yy.shape), yy) if yy.ndim > 1 else rowwise_pearson(tx[None], yy[None])[0]

    res = stats.permutation_test((ty,), statistic, permutation_type="pairings", n_resamples=np.inf,
                                 vectorized=True, alternative=alternative)
    return float(res.pvalue)


def gen_stratified(rng):
    rates = [0.0, 0.01, 0.1, 0.5]
    cases = []
    # H2-like: 2 tasks x 4 rates, scores with ties
    cases.append(("h2_like_2tasks_4rates", rates * 2, [0.10, 0.35, 0.35, 0.80, 0.0, 0.05, 0.60, 0.55], ["t1"] * 4 + ["t2"] * 4))
    # unequal stratum sizes, ties in x inside a stratum
    x = [1.0, 2.0, 2.0, 0.5, 1.5, 2.5, 3.5, 7.0, 8.0]
    y = list(np.round(rng.normal(size=9), 3))
    cases.append(("unequal_3strata", x, y, [1, 1, 1, 2, 2, 2, 2, 3, 3]))
    # one stratum whose scores are all equal: left out of the within-stratum mean
    cases.append(("constant_stratum", rates * 3, [0.2, 0.4, 0.3, 0.9, 0.5, 0.5, 0.5, 0.5, 0.0, 0.1, 0.3, 0.2],
                  ["a"] * 4 + ["b"] * 4 + ["c"] * 4))
    # one stratum: must equal scipy.stats.permutation_test (pairings, exact)
    x = list(np.round(rng.normal(size=6), 3))
    cases.append(("unstratified_n6", x, list(np.round(0.7 * np.array(x) + rng.normal(size=6), 3)), [0] * 6))
    # 4 strata x 4: 24^4 = 331,776 permutations, above the default exact limit (Monte Carlo)
    xs = rates * 4
    ys = list(np.round(np.array(xs) * 0.8 + rng.normal(0, 0.25, 16), 3))
    cases.append(("mc_4strata_4", xs, ys, [k for k in range(4) for _ in range(4)]))

    out = []
    for name, x, y, strata in cases:
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        case = {"name": name, "x": floats(x), "y": floats(y), "strata": strata, "results": []}
        for correlation in ("spearman", "pearson"):
            for pooling in ("mean-within", "pooled"):
                obs, p, total = exact_pvalues(x, y, strata, correlation, pooling)
                r = {"correlation": correlation, "pooling": pooling, "statistic": obs, "pValue": p,
                     "nEnumerated": total, "strata": per_stratum(x, y, strata, correlation)}
                if len(set(strata)) == 1:
                    r["scipyPValue"] = {alt: scipy_unstratified(x, y, correlation, alt) for alt in ("two-sided", "greater", "less")}
                    for alt in ("two-sided", "greater", "less"):
                        assert abs(r["scipyPValue"][alt] - p[alt]) < 1e-12, (name, alt, r["scipyPValue"][alt], p[alt])
                case["results"].append(r)
        out.append(case)
    write("stratified_permutation.json", {
        "cases": out,
        "note": "exact p over every permutation of x within strata (brute force); p_less = P(T* <= T), "
                "p_greater = P(T* >= T), two-sided = min(1, 2 min); ties within 1e-9; 'mean-within' = mean of "
                "per-stratum correlations over strata where x and y vary; 'pooled' = one correlation of all points",
    })


# ---------------------------------------------------------------- monotone samples
def gen_monotone():
    cases = []
    for n in range(3, 12):
        x = np.arange(1.0, n + 1)
        for name, y in (("increasing", x ** 3), ("decreasing", -np.exp(x / 3)), ("linear_down", 7 - 2 * x)):
            sr = stats.spearmanr(x, y)
            pr = stats.pearsonr(x, y) if name == "linear_down" else None
            kt = stats.kendalltau(x, y)
            cases.append({
                "name": f"{name}_n{n}", "x": floats(x), "y": floats(y), "n": n, "sign": 1 if name == "increasing" else -1,
                "scipySpearman": {"statistic": float(sr.statistic), "pValue": float(sr.pvalue)},
                "scipyPearson": None if pr is None else {"statistic": float(pr.statistic), "pValue": float(pr.pvalue)},
                "scipyKendall": {"statistic": float(kt.statistic), "pValue": float(kt.pvalue)},
                "scipyKendallAsymptotic": {"pValue": float(stats.kendalltau(x, y, method="asymptotic").pvalue)},
            })
    write("monotone.json", {"cases": cases, "note": "scipy 1.17 on exactly monotone samples (spearmanr([1,2,3],[3,2,1]) = (-1.0, 0.0))"})


# ---------------------------------------------------------------- smallest exact p
def gen_min_exact_p():
    rows = []
    for n in range(2, 9):
        r = np.arange(1, n + 1, dtype=float)
        sums = np.array([np.dot(r, p) for p in itertools.permutations(r)])
        values, counts = np.unique(sums, return_counts=True)
        cdf = np.cumsum(counts) / len(sums)
        sf = np.cumsum(counts[::-1])[::-1] / len(sums)
        p = np.minimum(1.0, 2 * np.minimum(cdf, sf))
        rows.append({"n": n, "minTwoSidedP": float(p.min()), "nPermutations": len(sums)})
    write("min_exact_p.json", {"rows": rows, "note": "smallest two-sided exact Spearman p over all n! rankings (exact null distribution)"})


# ---------------------------------------------------------------- seed bootstraps
def resample_means(values):
    """Exact bootstrap distribution of the mean: every ordered resample (n^n), equally likely."""
    v = np.asarray(values, float)
    idx = np.array(list(itertools.product(range(len(v)), repeat=len(v))))
    return v[idx].mean(axis=1)


def lower_quantile(values, weights, u):
    """Q(u) = min{a : F(a) >= u} of a discrete distribution."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cdf = np.cumsum(w) / w.sum()
    k = int(np.searchsorted(cdf, u - 1e-12))
    return float(v[min(k, len(v) - 1)])


def brackets(values, weights, level, n_resamples):
    """Where a percentile interval from B Monte Carlo resamples must fall: [Q(q - d), Q(q + d)], d = 4.5 binomial SE."""
    alpha = (1 - level) / 2
    out = {}
    for key, q in (("low", alpha), ("high", 1 - alpha)):
        d = 4.5 * math.sqrt(q * (1 - q) / n_resamples)
        out[key] = [lower_quantile(values, weights, max(q - d, 1e-12)), lower_quantile(values, weights, min(q + d, 1.0))]
    return out


def gen_seed_bootstrap():
    B = 20000
    level = 0.95
    seeds = [0.76, 0.21, 0.05, 0.9, 0.4]
    m = resample_means(seeds)
    seed_mean = {"values": seeds, "mean": float(np.mean(seeds)), "nResamples": B, "confidenceLevel": level,
                 "brackets": brackets(m, np.ones_like(m), level, B), "nExactResamples": len(m)}

    x = [0.3, 1.4, 0.8, 2.5]  # e.g. log relative extractability of 4 tasks
    a = [[0.10, 0.30], [0.62, 0.80], [0.25, 0.55], [0.70, 0.95]]  # RL feature use, 2 seeds per task
    b = [[0.45, 0.05], [0.20, 0.40], [0.90, 0.35], [0.60, 0.15]]  # SFT
    # per cell: the 4 ordered resamples of 2 seeds give v0, (v0+v1)/2 twice, v1
    cells = [([c[0], (c[0] + c[1]) / 2, c[1]], [0.25, 0.5, 0.25]) for c in a + b]
    combos = list(itertools.product(*[range(3)] * 8))
    means = np.array([[cells[c][0][k] for c, k in enumerate(cmb)] for cmb in combos])
    weights = np.array([np.prod([cells[c][1][k] for c, k in enumerate(cmb)]) for cmb in combos])
    diff = {}
    for correlation in ("spearman", "pearson"):
        f = stats.spearmanr if correlation == "spearman" else stats.pearsonr
        ra = np.array([f(x, row[:4]).statistic for row in means])
        rb = np.array([f(x, row[4:]).statistic for row in means])
        d = ra - rb
        assert np.all(np.isfinite(d))
        est_a = float(f(x, np.mean(a, axis=1)).statistic)
        est_b = float(f(x, np.mean(b, axis=1)).statistic)
        diff[correlation] = {"estimateA": est_a, "estimateB": est_b, "estimate": est_a - est_b,
                             "brackets": brackets(d, weights, level, B),
                             "exactMean": float(np.sum(d * weights))}
    write("seed_bootstrap.json", {
        "seedMean": seed_mean,
        "correlationDifference": {"x": x, "a": a, "b": b, "nResamples": B, "confidenceLevel": level, **diff},
        "note": "exact bootstrap distributions (every ordered resample, within each task/method cell); a percentile "
                "interval from B seeded resamples must fall in brackets [Q(q - d), Q(q + d)], d = 4.5 sqrt(q(1-q)/B)",
    })


def main():
    rng = np.random.default_rng(SEED)
    gen_holm(rng)
    gen_stratified(rng)
    gen_monotone()
    gen_min_exact_p()
    gen_seed_bootstrap()
    print("wrote holm, stratified_permutation, monotone, min_exact_p, seed_bootstrap", file=sys.stderr)


if __name__ == "__main__":
    main()
