"""Seeded random objects: Haar unitaries, Haar-random pure states, random density matrices.

Randomness enters only through an explicit ``seed`` (an int) or ``rng``
(:class:`numpy.random.Generator`); there is no module-level state.

Haar unitaries follow Mezzadri (2007): QR-decompose a complex Ginibre matrix
``Z = A + iB`` and multiply ``Q`` by the phases of ``diag(R)`` (``U = Q diag(R_jj/|R_jj|)``),
so the result is Haar-distributed on U(d) (without the phase fix it is not).  The sampler
is trusted only because its moments are checked against exact Weingarten values
(``E|U_00|^2 = 1/d``, ``E|U_00|^4 = 2/(d(d+1))``) in the conformance checks.

The QR is a numba Householder kernel with a fixed operation order
(:mod:`qnnsym.numeric._qr`), not LAPACK: the Gaussians come from numpy's PCG64 stream
and the factorisation uses only ``+ - * /`` and ``sqrt`` in an order fixed by the code,
so the same seed gives the same bits whatever BLAS/LAPACK build or thread count the
machine has.  (Batched ``numpy.linalg.qr`` does not promise that.)  Large batches are
factorised on every core (:mod:`qnnsym.numeric.parallel`; ``QNNSYM_THREADS=1`` or
``parallel.set_threads(1)`` for one thread) with the same bits as one thread.

>>> from qnnsym.sampling import haar_unitaries
>>> U = haar_unitaries(3, 2, seed=7)
>>> U.shape, bool(abs(U[0].conj().T @ U[0] - __import__("numpy").eye(3)).max() < 1e-12)
((2, 3, 3), True)
"""

from __future__ import annotations

import numpy as np

from . import validate
from .errors import InvalidInput, TooLarge

__all__ = ["SAMPLING_MAX_BYTES", "as_rng", "haar_unitaries", "haar_states", "random_density_matrices", "orthonormal_states"]

#: Working memory one call may allocate (a batch of Haar unitaries needs 32 bytes per entry:
#: the real and imaginary Gaussians and the complex result).  Larger requests raise TooLarge.
SAMPLING_MAX_BYTES = 4 * 2**30


def _check_size(what: str, n: int, entries: int, bytes_per_entry: int) -> None:
    need = n * entries * bytes_per_entry
    if need > SAMPLING_MAX_BYTES:
        raise TooLarge("n", f"{what} within SAMPLING_MAX_BYTES = {SAMPLING_MAX_BYTES} bytes",
                       f"n = {n} ({need:.3g} bytes); draw them in batches from one rng (e.g. a loop over "
                       f"haar_unitaries(d, b, rng=rng)), or use qnnsym.numeric.haar_average, which batches")


def as_rng(seed: int | np.random.Generator | None = None, rng: np.random.Generator | None = None) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from ``seed`` or ``rng`` (exactly one may be given)."""
    if rng is not None and seed is not None:
        raise InvalidInput("seed", "either seed or rng, not both", f"seed={seed!r} and an rng")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise InvalidInput("rng", "a numpy.random.Generator", validate.describe(rng))
        return rng
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        raise InvalidInput("seed", "an integer seed or an rng (randomness must be explicit)", "None")
    return np.random.default_rng(validate.nonnegative_int("seed", seed))


def _ginibre(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2.0)


def haar_unitaries(d: int, n: int, seed: int | None = None, *, rng: np.random.Generator | None = None) -> np.ndarray:
    """``n`` i.i.d. Haar-random unitaries on U(d), shape ``(n, d, d)``."""
    d = validate.positive_int("d", d)
    n = validate.positive_int("n", n)
    _check_size(f"n d^2 = n x {d * d} entries at 32 bytes", n, d * d, 32)
    gen = as_rng(seed, rng)
    from .numeric import parallel

    return finish_haar(*start_haar(d, n, gen, parallel.threads_for(n * d**3, n)))


def start_haar(d: int, n: int, gen: np.random.Generator, threads: int) -> tuple[np.ndarray, list]:
    """Draw the Ginibre matrices for ``n`` Haar unitaries from ``gen`` and start factorising them
    on ``threads`` threads; :func:`finish_haar` waits for the result.  Trusts its arguments.

    The random stream is that of :func:`_ginibre` (all real parts, then all imaginary parts)
    whatever ``threads`` is; the kernel works in place on these two arrays (no copies).  With
    more than one thread the imaginary parts are drawn here piece by piece -- the same numbers,
    in the same order, as one call -- and each piece is factorised in a worker thread
    (:mod:`qnnsym.numeric.parallel`) while the next one is drawn.  Each matrix's arithmetic is
    unchanged, so the result is bit-identical to one thread.
    """
    from .numeric import parallel
    from .numeric._qr import haar_batch  # numba kernel, compiled on first use

    shape = (n, d, d)
    re = gen.standard_normal(shape)
    im = np.empty(shape)
    out = np.empty(shape, dtype=np.complex128)
    if threads <= 1:
        gen.standard_normal(out=im)
        haar_batch(re, im, out, 0, n)
        return out, []
    pool = parallel.executor(threads)
    futures: list = []
    try:
        for lo, hi in parallel.split(n, 4 * threads):
            gen.standard_normal(out=im[lo:hi])
            futures.append(pool.submit(haar_batch, re, im, out, lo, hi))
    except BaseException:
        finish_haar(out, futures)
        raise
    return out, futures


def finish_haar(out: np.ndarray, futures: list) -> np.ndarray:
    """Wait for every piece :func:`start_haar` started (re-raising the first error) and return ``out``."""
    errors = []
    for f in futures:
        try:
            f.result()
        except BaseException as exc:  # keep waiting: no thread may still write into out
            errors.append(exc)
    if errors:
        raise errors[0]
    return out


def haar_states(d: int, n: int, seed: int | None = None, *, rng: np.random.Generator | None = None) -> np.ndarray:
    """``n`` Haar-random pure states in C^d, shape ``(n, d)`` (normalised complex Gaussians)."""
    d = validate.positive_int("d", d)
    n = validate.positive_int("n", n)
    z = _ginibre(as_rng(seed, rng), (n, d))
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def orthonormal_states(d: int, m: int, seed: int | None = None, *, rng: np.random.Generator | None = None) -> np.ndarray:
    """``m <= d`` orthonormal pure states, uniformly random (the first ``m`` columns of a Haar unitary)."""
    d = validate.positive_int("d", d)
    m = validate.positive_int("m", m)
    if m > d:
        raise InvalidInput("m", f"at most d = {d} orthonormal states", str(m))
    u = haar_unitaries(d, 1, rng=as_rng(seed, rng))[0]
    return np.ascontiguousarray(u[:, :m].T)


def random_density_matrices(
    d: int, n: int, rank: int | None = None, seed: int | None = None, *, rng: np.random.Generator | None = None
) -> np.ndarray:
    """``n`` random density matrices ``G G^dag / tr(G G^dag)`` with ``G`` a ``d x rank`` Ginibre matrix."""
    d = validate.positive_int("d", d)
    n = validate.positive_int("n", n)
    rank = d if rank is None else validate.positive_int("rank", rank, maximum=d)
    _check_size(f"n d^2 = n x {d * d} complex entries (x3 while forming G G^dag)", n, d * d, 48)
    g = _ginibre(as_rng(seed, rng), (n, d, rank))
    rho = g @ g.conj().transpose(0, 2, 1)
    tr = np.trace(rho, axis1=1, axis2=2).real
    rho = rho / tr[:, None, None]
    return 0.5 * (rho + rho.conj().transpose(0, 2, 1))
