"""This machine's measured limits: complex128 matmul GFLOP/s and streaming bandwidth (one thread).

- :func:`peak_flops` — ``numpy.matmul`` of two ``512 x 512`` complex128 matrices (BLAS, one
  thread as the harness pins it); a complex multiply-add is 8 real flops, so one product is
  ``8 n^3`` flops.  Best of several repetitions.
- :func:`bandwidth` — a numba triad ``a[i] = b[i] + s c[i]`` over float64 arrays whose three
  buffers together occupy the footprint (STREAM convention: ``3 x 8`` bytes per element, the
  write-allocate read not counted); best of several repetitions.  Measured at footprints from
  inside L2 to far beyond L3 (:data:`FOOTPRINTS`), because a workload whose state fits in a
  cache is bounded by that cache's bandwidth, not by DRAM's (a 14-qubit state is 256 KiB).
  A numpy copy (``2 x 8`` bytes per element) at the largest footprint is reported as a check.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["FOOTPRINTS", "peak_flops", "bandwidth", "measure_limits", "bandwidth_for"]

#: bytes occupied by the triad's three arrays
FOOTPRINTS = (48 * 2**10, 192 * 2**10, 768 * 2**10, 1536 * 2**10, 12 * 2**20, 96 * 2**20, 768 * 2**20)


def peak_flops(n: int = 512, repeats: int = 7) -> float:
    """complex128 ``a @ b`` GFLOP/s (flops per second, not GFLOP) on one thread."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    b = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    out = np.empty_like(a)
    np.matmul(a, b, out=out)
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - t0)
    return 8.0 * n**3 / best


def _triad_kernel():
    import numba

    @numba.njit(cache=False, fastmath=False)
    def triad(a, b, c, s):
        for i in range(a.shape[0]):
            a[i] = b[i] + s * c[i]

    return triad


def bandwidth(footprint: int, min_seconds: float = 0.15) -> float:
    """Triad bytes per second with three float64 arrays totalling ``footprint`` bytes."""
    triad = _triad_kernel()
    n = max(1024, footprint // 24)
    a, b, c = np.zeros(n), np.ones(n), np.full(n, 2.0)
    triad(a, b, c, 0.5)
    reps = max(3, int(min_seconds / max(24 * n / 2e10, 1e-7)))
    reps = min(reps, 20000)
    best = np.inf
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            triad(a, b, c, 0.5)
        best = min(best, (time.perf_counter() - t0) / reps)
    return 24.0 * n / best


def copy_bandwidth(footprint: int) -> float:
    n = footprint // 16
    a, b = np.zeros(n), np.ones(n)
    np.copyto(a, b)
    best = np.inf
    for _ in range(5):
        t0 = time.perf_counter()
        np.copyto(a, b)
        best = min(best, time.perf_counter() - t0)
    return 16.0 * n / best


def measure_limits(quick: bool = False) -> dict:
    """Everything the report needs: ``peak_flops`` (flop/s), ``bandwidth`` {footprint: byte/s}, ``copy``
    (``quick``: shorter repetitions, about 3 s instead of 10)."""
    return {
        "peak_flops": peak_flops(repeats=3 if quick else 7),
        "bandwidth": {int(f): bandwidth(f, min_seconds=0.04 if quick else 0.15) for f in FOOTPRINTS},
        "copy_bandwidth_largest": copy_bandwidth(FOOTPRINTS[-1]),
    }


def bandwidth_for(limits: dict, working_set: float) -> tuple[float, int]:
    """The triad bandwidth at the smallest measured footprint that holds ``working_set`` bytes
    (the largest footprint when none does), and that footprint."""
    bw = {int(k): v for k, v in limits["bandwidth"].items()}
    for f in sorted(bw):
        if working_set <= f:
            return bw[f], f
    f = max(bw)
    return bw[f], f
