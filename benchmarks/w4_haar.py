"""W4: Haar sampling on U(d) and a Monte Carlo Haar average.

- *sample*: ``n = 10^4`` Haar unitaries at ``d = 4, 16`` (``n = 10^3`` at ``d = 64``, see :func:`sizes`): ``qnnsym.sampling.haar_unitaries``
  (numba Householder QR with fixed operation order) against ``scipy.stats.unitary_group.rvs(d,
  size=n)`` (LAPACK QR).  haarpy is symbolic only (Weingarten calculus, no sampler), so it has no
  contender here.
- *average*: ``E |U_00|^4`` (exact ``2 / (d (d + 1))``) over ``n = 10^5`` samples:
  ``qnnsym.numeric.haar_average`` against a numpy loop over scipy batches of the same size
  (4096) doing the same sums.

Random samples from two generators cannot agree value for value, so the compared output is a
vector of verdicts, 1.0 per check passed: every sample unitary to ``1e-12``; the sample mean of
``|U_00|^2`` and of ``|U_00|^4`` within 5 standard errors of ``1/d`` and ``2/(d(d+1))``.  A
contender agrees when it passes the same checks as qnnsym (difference 0).
"""

from __future__ import annotations

import numpy as np

from ._util import remembering
from .timing import Contender
from .workload import Size, Target, Workload

__all__ = ["WORKLOAD", "sizes", "contenders", "verdicts"]

SEED = 20230327
BATCH = 4096


def verdicts(us: np.ndarray) -> np.ndarray:
    d = us.shape[-1]
    eye = np.eye(d)
    unit = max(float(np.max(np.abs(u.conj().T @ u - eye))) for u in us[:: max(1, len(us) // 200)])
    a2 = np.abs(us[:, 0, 0]) ** 2
    a4 = a2**2
    n = len(us)
    z2 = abs(a2.mean() - 1 / d) / (a2.std(ddof=1) / np.sqrt(n))
    z4 = abs(a4.mean() - 2 / (d * (d + 1))) / (a4.std(ddof=1) / np.sqrt(n))
    return np.array([unit < 1e-12, z2 < 5, z4 < 5], dtype=float)


def _label(kind: str, d: int, n: int) -> str:
    return f"{kind} d={d}, n={n:.0e}".replace("e+0", "e")


def sizes(quick: bool) -> list[Size]:
    if quick:
        grid = [("sample", 4, 10**3, 5), ("sample", 16, 10**3, 5), ("average", 4, 10**4, 5)]
    else:
        # d = 64 with n = 10^4 is 655 MB of samples and about 30 s per call for each contender
        # (the whole default run would grow by ~5 minutes), so d = 64 uses n = 10^3: the per-sample
        # cost, and so the ratio, does not depend on n.
        grid = [("sample", 4, 10**4, 9), ("sample", 16, 10**4, 5), ("sample", 64, 10**3, 3),
                ("average", 4, 10**5, 5), ("average", 16, 10**4, 3)]
    return [Size(_label(k, d, n), {"kind": k, "d": d, "n": n}, r) for k, d, n, r in grid]


def contenders(size: Size) -> list[Contender]:
    from qnnsym import numeric as qn
    from qnnsym.sampling import haar_unitaries

    kind, d, n = size.params["kind"], size.params["d"], size.params["n"]
    exact = 2.0 / (d * (d + 1))

    if kind == "sample":
        def qnnsym_():
            return remembering(lambda: haar_unitaries(d, n, seed=SEED), verdicts)

        def scipy_():
            from scipy.stats import unitary_group

            rng = np.random.default_rng(SEED)
            return remembering(lambda: unitary_group.rvs(d, size=n, random_state=rng), verdicts)

        def two_():
            from qnnsym.numeric import parallel

            def run():
                with parallel.threads(2):
                    return haar_unitaries(d, n, seed=SEED)

            return remembering(run, verdicts)

        return [
            Contender("qnnsym", qnnsym_, "qnnsym.sampling.haar_unitaries (numba Householder QR)"),
            Contender("qnnsym 2 threads", two_, "the same call inside qnnsym.numeric.parallel.threads(2)"),
            Contender("scipy unitary_group", scipy_, "scipy.stats.unitary_group.rvs(d, size=n)"),
        ]

    def f(us):
        return np.abs(us[:, 0, 0]) ** 4

    def mc_verdict(mean, se):
        return np.array([abs(mean - exact) < 5 * se, se > 0], dtype=float)

    def qnnsym_():
        def run():
            return qn.haar_average(f, d, n, seed=SEED, batch_size=BATCH)

        return remembering(run, lambda r: mc_verdict(r.mean, r.stderr))

    def two_():
        from qnnsym.numeric import parallel

        def run():
            with parallel.threads(2):
                return qn.haar_average(f, d, n, seed=SEED, batch_size=BATCH)

        return remembering(run, lambda r: mc_verdict(r.mean, r.stderr))

    def numpy_():
        from scipy.stats import unitary_group

        def run():
            rng = np.random.default_rng(SEED)
            s = s2 = 0.0
            done = 0
            while done < n:
                b = min(BATCH, n - done)
                v = f(unitary_group.rvs(d, size=b, random_state=rng))
                s += v.sum()
                s2 += (v * v).sum()
                done += b
            mean = s / n
            se = np.sqrt(max(s2 / n - mean**2, 0.0) * n / (n - 1) / n)
            return mean, se

        return remembering(run, lambda r: mc_verdict(*r))

    return [
        Contender("qnnsym", qnnsym_, "qnnsym.numeric.haar_average of |U_00|^4 (batches of 4096)"),
        Contender("qnnsym 2 threads", two_, "the same call inside qnnsym.numeric.parallel.threads(2)"),
        Contender("scipy + numpy loop", numpy_, "numpy loop over scipy unitary_group.rvs batches of 4096, same sums"),
    ]


WORKLOAD = Workload(
    key="W4",
    title="Haar sampling on U(d) and a Monte Carlo Haar average",
    description=(
        "*sample*: n Haar unitaries of U(d) per call. *average*: the Monte Carlo estimate of E|U_00|^4 "
        "(exact 2/(d(d+1))) with its standard error from n samples. The compared output is a vector of verdicts "
        "(samples unitary to 1e-12; sample means of |U_00|^2 and |U_00|^4 within 5 standard errors of 1/d and "
        "2/(d(d+1)); for the average, the estimate within 5 standard errors of the exact value): a contender "
        "agrees when it passes the same checks as qnnsym. haarpy has no sampler (it is symbolic only)."
    ),
    sizes=sizes,
    contenders=contenders,
    targets=tuple(Target(_label("sample", d, n), "scipy unitary_group", 1.3) for d, n in ((4, 10**4), (16, 10**4), (64, 10**3)))
    + tuple(Target(_label("sample", d, n), "qnnsym 2 threads", 1.7, speedup=True) for d, n in ((16, 10**4), (64, 10**3)))
    + (Target(_label("average", 4, 10**5), "qnnsym 2 threads", 1.7, speedup=True),),
)
