"""Haar sampling on U(d) and Monte Carlo averages with standard errors.

The sampler is :func:`qnnsym.sampling.haar_unitaries` (Householder QR of a complex
Ginibre matrix with the phases of ``diag(R)`` multiplied into ``Q``, in a numba kernel with
a fixed operation order, so a seed gives the same bits on every machine); this module
adds the Monte Carlo estimator.  A :class:`MonteCarloResult` carries the mean, its
standard error, ``n_samples`` and the seed, and :meth:`MonteCarloResult.summary` prints
them together (every reported Monte Carlo number should go through it).

>>> import numpy as np
>>> from qnnsym.numeric.haar import haar_average
>>> res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** 2, d=4, n_samples=20000, seed=1)
>>> bool(abs(res.mean - 1 / 4) < 5 * res.stderr)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge
from ..sampling import (SAMPLING_MAX_BYTES, as_rng, finish_haar, haar_states, haar_unitaries, orthonormal_states,
                        random_density_matrices, start_haar)
from . import parallel

#: Most samples one :func:`haar_average` call draws (about 10 minutes at d = 4).
MAX_SAMPLES = 10**9

__all__ = ["MAX_SAMPLES", "MonteCarloResult", "haar_average", "haar_unitaries", "haar_states", "orthonormal_states", "random_density_matrices"]


def _batch_values(f, batch: np.ndarray, b: int) -> np.ndarray:
    """``f(batch)`` checked: numbers, one (finite) value per unitary."""
    vals = np.asarray(f(batch))
    if vals.dtype.kind not in "biufc":
        raise InvalidInput("f", "real or complex numbers", f"values of dtype {vals.dtype}")
    if vals.shape[:1] != (b,):
        raise InvalidInput("f", f"a vectorised function returning one value per unitary (leading axis {b})", f"shape {vals.shape}")
    if not np.all(np.isfinite(vals)):
        raise InvalidInput("f", "finite values", "a NaN or inf")
    return vals


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo estimate: ``mean`` with its standard error ``stderr = std / sqrt(n)``."""

    mean: np.ndarray | float
    stderr: np.ndarray | float
    n_samples: int
    seed: int | None

    def z_score(self, exact) -> np.ndarray | float:
        """``|mean - exact| / stderr`` (``inf`` where the standard error is 0 and they differ)."""
        diff = np.abs(np.asarray(self.mean) - np.asarray(exact))
        se = np.asarray(self.stderr)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(se > 0, diff / np.where(se > 0, se, 1), np.where(diff > 0, np.inf, 0.0))
        return float(z) if np.ndim(z) == 0 else z

    def summary(self, exact=None, z: float | None = None) -> str:
        """The estimate as it should be reported: mean, standard error, ``n``, seed (and, with
        ``exact``, the z-score against it and the threshold ``z``, default ``MONTE_CARLO_Z``).

        >>> MonteCarloResult(0.2501, 0.0012, 40000, 31).summary(exact=0.25)
        '0.2501 ± 1.2e-03 (n=40000, seed=31) vs 0.25: z=0.08 (threshold 5)'
        """
        from ..tolerances import MONTE_CARLO_Z

        def fmt(v, f):
            arr = np.atleast_1d(np.asarray(v))
            return ", ".join(format(complex(x), f) if np.iscomplexobj(arr) else format(float(x), f) for x in arr)

        out = f"{fmt(self.mean, '.4g')} ± {fmt(self.stderr, '.1e')} (n={self.n_samples}, seed={self.seed})"
        if exact is not None:
            zz = float(np.max(self.z_score(exact)))
            out += f" vs {fmt(exact, '.4g')}: z={zz:.2f} (threshold {MONTE_CARLO_Z if z is None else z:g})"
        return out


def haar_average(
    f: Callable[[np.ndarray], np.ndarray],
    d: int,
    n_samples: int,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    batch_size: int = 4096,
) -> MonteCarloResult:
    """Estimate ``E_U f(U)`` over Haar-random ``U`` in U(d).

    ``f`` is vectorised: it maps a batch ``(b, d, d)`` of unitaries to ``(b,)`` or ``(b, ...)``
    real or complex values.  Returns the mean and its standard error (per component; for
    complex values real and imaginary parts have separate standard errors, reported as
    ``stderr_re + 1j * stderr_im``).  An exception raised by ``f`` itself propagates unchanged.

    Large batches are sampled on every core (:mod:`qnnsym.numeric.parallel`; the next batch is
    drawn and factorised while ``f`` runs on the current one); the result has the same bits
    with any thread count.
    """
    if not callable(f):
        raise InvalidInput("f", "a vectorised function of a (b, d, d) batch of unitaries", validate.describe(f))
    d = validate.positive_int("d", d)
    n_samples = validate.positive_int("n_samples", n_samples)
    if n_samples < 2:
        raise InvalidInput("n_samples", "at least 2 samples (a standard error needs two)", str(n_samples))
    if n_samples > MAX_SAMPLES:
        raise TooLarge("n_samples", f"at most MAX_SAMPLES = {MAX_SAMPLES} samples per call",
                       f"{n_samples}; the standard error falls like 1/sqrt(n), so average independent calls "
                       "with different seeds if more is really needed")
    batch_size = validate.positive_int("batch_size", batch_size)
    need = min(batch_size, n_samples) * d * d * 32
    if need > SAMPLING_MAX_BYTES:
        raise TooLarge("batch_size", f"batches of at most SAMPLING_MAX_BYTES = {SAMPLING_MAX_BYTES} bytes (32 per entry)",
                       f"{batch_size} unitaries of dimension {d} ({need:.3g} bytes); pass a smaller batch_size")
    gen = as_rng(seed, rng)
    sizes = [min(batch_size, n_samples - lo) for lo in range(0, n_samples, batch_size)]
    threads = parallel.threads_for(sizes[0] * d**3, sizes[0])
    # With more than one thread the next batch is drawn (in the calling thread, in the serial
    # order) and factorised in worker threads while f runs on the current one -- when two batches
    # fit in SAMPLING_MAX_BYTES.  The values are summed in batch order either way: same bits.
    ahead = threads > 1 and len(sizes) > 1 and 2 * need <= SAMPLING_MAX_BYTES
    batches = iter(sizes)
    pending = start_haar(d, next(batches), gen, threads)
    total = total_sq_re = total_sq_im = None
    done = 0
    while done < n_samples:
        b = pending[0].shape[0]
        nxt = next(batches, None)
        upcoming = start_haar(d, nxt, gen, threads) if ahead and nxt is not None else None
        try:
            vals = _batch_values(f, finish_haar(*pending), b)
        except BaseException:
            if upcoming is not None:  # let the workers finish before the error leaves
                finish_haar(*upcoming)
            raise
        s = vals.sum(axis=0)
        s_re = (vals.real**2).sum(axis=0)
        s_im = (vals.imag**2).sum(axis=0) if np.iscomplexobj(vals) else None
        total = s if total is None else total + s
        total_sq_re = s_re if total_sq_re is None else total_sq_re + s_re
        if s_im is not None:
            total_sq_im = s_im if total_sq_im is None else total_sq_im + s_im
        done += b
        if upcoming is None and nxt is not None:
            upcoming = start_haar(d, nxt, gen, threads)
        pending = upcoming
    mean = total / n_samples
    n = n_samples
    var_re = np.maximum(total_sq_re / n - np.real(mean) ** 2, 0.0) * n / (n - 1)
    stderr = np.sqrt(var_re / n)
    if total_sq_im is not None:
        var_im = np.maximum(total_sq_im / n - np.imag(mean) ** 2, 0.0) * n / (n - 1)
        stderr = stderr + 1j * np.sqrt(var_im / n)
    mean = mean.item() if np.ndim(mean) == 0 else mean
    stderr = stderr.item() if np.ndim(stderr) == 0 else stderr
    return MonteCarloResult(mean, stderr, n_samples, seed if isinstance(seed, int) else None)
