"""Reference values for src/stats from scipy and statsmodels.

Writes test/fixtures/stats/{distributions,describe,correlation,bootstrap,glm}.json.
Run from the repository root:  /tmp/refvenv/bin/python test/reference/gen_stats_fixtures.py
Every fixture records this script's name, the package versions and the seed.
"""

import itertools
import json
import math
import os
import platform
import sys
import warnings

import mpmath
import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import special, stats
from scipy.stats._resampling import _bca_interval, _percentile_of_score

SEED = 20231104
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "stats")
META = {
    "script": "test/reference/gen_stats_fixtures.py",
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "mpmath": mpmath.__version__,
    "seed": SEED,
}


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"meta": META, **payload}, f, indent=1, allow_nan=False)
        f.write("\n")


def floats(a):
    return [float(v) for v in np.asarray(a).ravel()]


# ---------------------------------------------------------------- distributions
def gen_distributions():
    mpmath.mp.dps = 40
    lg = [0.01, 0.5, 1.0, 1.5, 2.2, 3.3, 15.5, 100.2, 500.5]
    beta = [(0.1, 2.5, 2.5), (0.3, 0.5, 0.5), (0.02, 14, 14), (0.45, 200, 200), (0.9, 1.5, 0.5),
            (0.2, 13.5, 0.5), (0.99, 3.0, 7.0), (1e-6, 0.5, 0.5)]
    nd = [-37, -20, -9, -6, -3, -1, -0.2, 0, 0.3, 1, 2, 5]
    ndi = [1e-100, 1e-12, 1e-4, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.9999]
    st = [(0.5, 1), (2.5, 5), (0.3, 28), (4.1, 8), (10, 3), (30, 60), (-1.7, 4)]
    write("distributions.json", {
        "logGamma": [{"x": x, "value": float(special.gammaln(x))} for x in lg],
        "incompleteBeta": [{"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x)),
                            "upper": float(special.betaincc(a, b, x))} for x, a, b in beta],
        # scipy's ndtr loses ~1e-13 relative below z = -30; the 40-digit mpmath value is the reference there
        "normalCdf": [{"z": z, "value": float(special.ndtr(z)), "mpmath": float(mpmath.ncdf(z))} for z in nd],
        "normalQuantile": [{"p": p, "value": float(special.ndtri(p))} for p in ndi],
        # P(T > t) = stdtr(df, -t)
        "studentTSf": [{"t": t, "df": df, "value": float(special.stdtr(df, -t))} for t, df in st],
    })


# ---------------------------------------------------------------- describe
def gen_describe(rng):
    cases = []
    for n in (2, 3, 7, 30):
        v = rng.normal(3.0, 2.0, n)
        cases.append({"values": floats(v), "mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)),
                      "variance": float(np.var(v, ddof=1)), "sem": float(stats.sem(v))})
    write("describe.json", {"cases": cases})


# ---------------------------------------------------------------- correlation
def kendall_auto_method(x, y):
    n = len(x)
    no_ties = len(set(x)) == n and len(set(y)) == n
    dis = sum(1 for i in range(n) for j in range(i + 1, n) if (x[i] - x[j]) * (y[i] - y[j]) < 0)
    tot = n * (n - 1) // 2
    return "exact" if no_ties and (n <= 33 or min(dis, tot - dis) <= 1) else "asymptotic"


def spearman_exact_bruteforce(x, y):
    """P(|rho*| >= |rho|) over all n! pairings, no ties (independent of scipy's machinery)."""
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    n = len(x)
    obs = float(np.sum(rx * ry))
    center = n * ((n + 1) / 2) ** 2
    hits = total = 0
    for perm in itertools.permutations(ry):
        s = float(np.dot(rx, perm))
        total += 1
        hits += abs(s - center) >= abs(obs - center) - 1e-9
    return hits / total


def spearman_exact_scipy(x, y):
    rx = stats.rankdata(x)
    res = stats.permutation_test((stats.rankdata(y),),
                                 lambda ry, axis: vec_pearson(np.broadcast_to(rx, ry.shape), ry, axis=axis),
                                 permutation_type="pairings", n_resamples=np.inf, vectorized=True)
    return float(res.pvalue)


def correlation_datasets(rng):
    sets = []
    for n in range(3, 11):
        x = rng.normal(size=n)
        y = 0.6 * x + rng.normal(size=n)
        sets.append((f"continuous_n{n}", x, y))
    for n in range(5, 11):
        x = rng.integers(0, 4, n).astype(float)
        y = x + rng.integers(0, 3, n)
        sets.append((f"ties_n{n}", x, y))
    sets.append(("monotone_n5", np.arange(1.0, 6.0), np.arange(1.0, 6.0) ** 2))
    sets.append(("antitone_n6", np.arange(6.0), -np.exp(np.arange(6.0))))
    sets.append(("independent_n8", rng.normal(size=8), rng.normal(size=8)))
    x = rng.normal(size=30)
    sets.append(("continuous_n30", x, 0.4 * x + rng.normal(size=30)))
    x = rng.normal(size=40)
    sets.append(("continuous_n40", x, 0.3 * x + rng.normal(size=40)))
    x = np.sort(rng.normal(size=40))
    y = x.copy()
    y[[10, 11]] = y[[11, 10]]
    sets.append(("one_swap_n40", x, y))
    x = rng.integers(0, 6, 30).astype(float)
    sets.append(("ties_n30", x, x + rng.integers(0, 4, 30)))
    x = rng.normal(size=100)
    sets.append(("continuous_n100", x, 0.3 * x + rng.normal(size=100)))
    # study-like: 20 tasks, relative MDL vs a feature-use score in [0, 1] with repeated values
    rel = np.exp(rng.normal(0, 0.8, 20))
    score = np.clip(np.round(1 / (1 + np.exp(-1.5 * np.log(rel))) + rng.normal(0, 0.1, 20), 2), 0, 1)
    score[[3, 7]] = score[5]
    sets.append(("study_like_n20", rel, score))
    return sets


def gen_correlation(rng):
    cases = []
    for name, x, y in correlation_datasets(rng):
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        n = len(x)
        ties = len(set(x)) < n or len(set(y)) < n
        pr = stats.pearsonr(x, y)
        sr = stats.spearmanr(x, y)
        kt = stats.kendalltau(x, y)
        case = {
            "name": name, "x": floats(x), "y": floats(y), "n": n, "ties": ties,
            "pearson": {"statistic": float(pr.statistic), "pValue": float(pr.pvalue)},
            "spearman": {"statistic": float(sr.statistic), "pValue": float(sr.pvalue)},
            "kendall": {"statistic": float(kt.statistic), "pValue": float(kt.pvalue),
                        "method": kendall_auto_method(list(x), list(y))},
            "kendallAsymptotic": {"pValue": float(stats.kendalltau(x, y, method="asymptotic").pvalue)},
        }
        if not ties:
            case["kendallExact"] = {"pValue": float(stats.kendalltau(x, y, method="exact").pvalue)}
        if n >= 4:
            r = float(pr.statistic)
            case["pearsonCi95"] = floats(pr.confidence_interval(0.95))
            case["pearsonCi80"] = floats(pr.confidence_interval(0.80))
            rho = float(sr.statistic)
            h = special.ndtri(0.975) * math.sqrt((1 + rho ** 2 / 2) / (n - 3))
            if abs(rho) < 1:
                case["spearmanBonettWrightCi95"] = [math.tanh(math.atanh(rho) - h), math.tanh(math.atanh(rho) + h)]
        if n <= 9:
            p_scipy = spearman_exact_scipy(x, y)
            case["spearmanExact"] = {"pValue": p_scipy}
            if not ties:
                p_brute = spearman_exact_bruteforce(x, y)
                assert abs(p_brute - p_scipy) < 1e-12, (name, p_brute, p_scipy)
                case["spearmanExact"]["pValueBruteForce"] = p_brute
        if name in ("continuous_n7", "ties_n8"):
            res = stats.permutation_test((y,), lambda yy, axis: vec_pearson(np.broadcast_to(x, yy.shape), yy, axis=axis),
                                         permutation_type="pairings", n_resamples=np.inf, vectorized=True)
            case["pearsonPermutationExact"] = {"pValue": float(res.pvalue)}
        cases.append(case)
    write("correlation.json", {"cases": cases, "note": "two-sided p-values; scipy defaults unless named"})


# ---------------------------------------------------------------- bootstrap
def vec_mean(x, axis=-1):
    return np.mean(x, axis=axis)


def vec_pearson(x, y, axis=-1):
    xm = x - x.mean(axis=axis, keepdims=True)
    ym = y - y.mean(axis=axis, keepdims=True)
    return (xm * ym).sum(axis) / np.sqrt((xm ** 2).sum(axis) * (ym ** 2).sum(axis))


def vec_diff_means(a, b, axis=-1):
    return np.mean(b, axis=axis) - np.mean(a, axis=axis)


def jackknife(sample_list, statistic):
    out = []
    for j, s in enumerate(sample_list):
        vals = []
        for i in range(len(s)):
            data = list(sample_list)
            data[j] = np.delete(s, i)
            vals.append(float(statistic(*data)))
        out.append(vals)
    return out


def fixed_resample_pieces(data, statistic, theta_hat_b, level):
    alpha = (1 - level) / 2
    theta_hat = statistic(*data, axis=-1)
    a1, a2, a_hat = _bca_interval(data, statistic, axis=-1, alpha=alpha, theta_hat_b=theta_hat_b, batch=None, xp=np)
    z0 = special.ndtri(_percentile_of_score(theta_hat_b, np.asarray(theta_hat)[..., None], axis=-1, xp=np))
    bca = stats.quantile(theta_hat_b, np.array([a1, a2]))
    pct = stats.quantile(theta_hat_b, np.array([alpha, 1 - alpha]))
    return {
        "estimate": float(theta_hat), "bootstrapValues": floats(theta_hat_b), "confidenceLevel": level,
        "biasCorrection": float(z0), "acceleration": float(a_hat), "levels": [float(a1), float(a2)],
        "bca": floats(bca), "percentile": floats(pct),
        "standardError": float(np.std(theta_hat_b, ddof=1)),
    }


def gen_bootstrap(rng):
    n_res = 9999
    out = {"nResamplesScipy": n_res}

    # one sample: mean of a skewed sample
    x = rng.exponential(2.0, 25)
    scipy_runs = {}
    for method in ("percentile", "BCa"):
        res = stats.bootstrap((x,), vec_mean, method=method, n_resamples=n_res, rng=np.random.default_rng(SEED))
        scipy_runs[method.lower()] = {"ci": [float(res.confidence_interval.low), float(res.confidence_interval.high)],
                                      "standardError": float(res.standard_error)}
    theta = np.mean(x[rng.integers(0, len(x), (999, len(x)))], axis=-1)
    out["mean"] = {"x": floats(x), "scipy": scipy_runs,
                   "jackknife": jackknife([x], lambda s: np.mean(s)),
                   "fixed": fixed_resample_pieces((x,), vec_mean, theta, 0.95)}

    # paired: Pearson r
    n = 20
    px = rng.normal(size=n)
    py = 0.5 * px + rng.normal(size=n)
    scipy_runs = {}
    for method in ("percentile", "BCa"):
        res = stats.bootstrap((px, py), vec_pearson, paired=True, method=method, n_resamples=n_res,
                              rng=np.random.default_rng(SEED))
        scipy_runs[method.lower()] = {"ci": [float(res.confidence_interval.low), float(res.confidence_interval.high)],
                                      "standardError": float(res.standard_error)}

    def idx_stat(i, axis=-1):
        return vec_pearson(px[i], py[i], axis=axis)

    idx = rng.integers(0, n, (999, n))
    theta = vec_pearson(px[idx], py[idx])
    out["pearsonPaired"] = {"x": floats(px), "y": floats(py), "scipy": scipy_runs,
                            "jackknife": jackknife([np.arange(n)], lambda i: idx_stat(i)),
                            "fixed": fixed_resample_pieces((np.arange(n),), idx_stat, theta, 0.90)}

    # two strata: difference of group means; scipy's multi-sample bootstrap resamples each sample
    # independently, which is the stratified bootstrap
    a = rng.normal(0.0, 1.0, 12)
    b = rng.gamma(2.0, 1.0, 15)
    scipy_runs = {}
    for method in ("percentile", "BCa"):
        res = stats.bootstrap((a, b), vec_diff_means, method=method, n_resamples=n_res, rng=np.random.default_rng(SEED))
        scipy_runs[method.lower()] = {"ci": [float(res.confidence_interval.low), float(res.confidence_interval.high)],
                                      "standardError": float(res.standard_error)}
    theta = vec_diff_means(a[rng.integers(0, 12, (999, 12))], b[rng.integers(0, 15, (999, 15))])
    out["stratifiedDiff"] = {"a": floats(a), "b": floats(b), "scipy": scipy_runs,
                             "jackknife": jackknife([a, b], lambda s, t: np.mean(t) - np.mean(s)),
                             "fixed": fixed_resample_pieces((a, b), vec_diff_means, theta, 0.95)}
    write("bootstrap.json", out)


# ---------------------------------------------------------------- glm
def glm_fit(y, X, w, scale=None, cov_type="nonrobust"):
    model = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(tol=1e-14, scale=scale, cov_type=cov_type)
    return res


def gen_glm(rng):
    cases = []
    grid = np.linspace(-3, 3, 13)

    n = 28
    x = rng.uniform(-2.5, 2.5, n)
    y = np.clip(1 / (1 + np.exp(-(0.3 + 1.2 * x))) + rng.normal(0, 0.08, n), 0, 1)
    y[0], y[1] = 0.0, 1.0  # exact 0 and 1 responses are allowed
    w_int = rng.integers(1, 6, n).astype(float)
    x2 = rng.normal(size=n)
    for name, w in (("unweighted", None), ("weighted", w_int)):
        X = sm.add_constant(x)
        for scale, cov in ((None, "nonrobust"), ("X2", "nonrobust"), (None, "HC0")):
            res = glm_fit(y, X, w, scale, cov)
            pred = res.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
            cases.append({
                "name": f"{name}_{scale or 'one'}_{cov}", "x": floats(x), "y": floats(y),
                "weights": None if w is None else floats(w), "scale": "pearson" if scale else "one",
                "covariance": "HC0" if cov == "HC0" else "model",
                "coefficients": floats(res.params), "standardErrors": floats(res.bse), "pValues": floats(res.pvalues),
                "deviance": float(res.deviance), "pearsonChi2": float(res.pearson_chi2), "scaleValue": float(res.scale),
                "grid": floats(grid), "predMean": floats(pred["mean"]), "predLow": floats(pred["mean_ci_lower"]),
                "predHigh": floats(pred["mean_ci_upper"]),
            })
    X = np.column_stack([np.ones(n), x, x2])
    res = glm_fit(y, X, None)
    cases.append({
        "name": "two_predictors", "xRows": [[float(a), float(b)] for a, b in zip(x, x2)], "y": floats(y),
        "weights": None, "scale": "one", "covariance": "model",
        "coefficients": floats(res.params), "standardErrors": floats(res.bse), "pValues": floats(res.pvalues),
        "deviance": float(res.deviance), "pearsonChi2": float(res.pearson_chi2), "scaleValue": float(res.scale),
    })
    write("glm.json", {"cases": cases, "note": "statsmodels GLM(y, X, family=Binomial(), var_weights=w).fit(tol=1e-14)"})


def main():
    rng = np.random.default_rng(SEED)
    gen_distributions()
    gen_describe(rng)
    gen_correlation(rng)
    gen_bootstrap(rng)
    gen_glm(rng)
    print("wrote", sorted(os.listdir(OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
