"""Both cores for batched work: numba kernels (``nogil=True``) run on chunks in threads.

Batched work whose items are independent -- Haar unitaries (one QR per matrix), the rows of
a Jacobian or tangent kernel (one adjoint sweep per input row), the batches of a Monte Carlo
average -- is split into contiguous chunks, and each chunk is handed to the same compiled
kernel in its own thread.  The kernels release the GIL, so the threads run on separate
cores.  Each item's arithmetic is exactly what the serial call does (the chunks only decide
*which thread* computes an item, never the order of any sum), so the results are
**bit-identical** to the serial path; ``tests/unit/test_parallel.py`` compares sha256 digests.
Random numbers are always drawn in the calling thread from the one generator, in the serial
order, so the random stream does not depend on the thread count either.

How many threads
----------------
- :func:`set_threads` ``(n)`` fixes the count for the process (``1`` = serial); ``None``
  returns to the default.
- Otherwise the environment variable ``QNNSYM_THREADS`` (an integer >= 1, or ``auto``) is read.
- The default, ``auto``, uses every core this process may run on (the affinity mask,
  :func:`os.sched_getaffinity`, else :func:`os.cpu_count`) for a job of at least
  :data:`AUTO_MIN_WORK` work units, and one thread below it, where starting threads would
  cost more than it saves.  A work unit is roughly one floating-point operation: ``d^3`` per
  Haar unitary of dimension ``d``, ``d x (number of ops)`` per input row of a circuit on a
  ``d``-dimensional state.  ``AUTO_MIN_WORK = 2**20`` is about a millisecond of work.
- :func:`threads` is a context manager for a temporary setting (benchmarks time 1 vs 2).

>>> from qnnsym.numeric import parallel
>>> with parallel.threads(1):
...     parallel.threads_for(10**12)
1
>>> parallel.threads_for(1)     # tiny jobs stay serial under "auto"
1
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator, Mapping

from ..errors import InvalidInput

__all__ = ["AUTO_MIN_WORK", "set_threads", "get_threads", "threads", "threads_for", "available_cores", "run_chunks", "run_rows", "split"]

#: Jobs below this many work units (about a millisecond) run serially under the automatic setting.
AUTO_MIN_WORK = 2**20

_setting: int | None = None  # None: follow QNNSYM_THREADS / auto
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
_local = threading.local()


def _check_count(argument: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput(argument, "a whole number of threads >= 1 (or None / 'auto' for automatic)", repr(n))
    return n


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def threads_from_env(environ: Mapping[str, str] | None = None) -> int | None:
    """The count ``QNNSYM_THREADS`` asks for (``None`` for unset or ``auto``).

    >>> threads_from_env({"QNNSYM_THREADS": "2"}), threads_from_env({})
    (2, None)
    """
    env = os.environ if environ is None else environ
    raw = env.get("QNNSYM_THREADS", "auto").strip().lower()
    if raw in ("", "auto"):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput("QNNSYM_THREADS", "a whole number of threads >= 1 or 'auto'", repr(raw)) from None
    return _check_count("QNNSYM_THREADS", value)


def set_threads(n: int | str | None) -> None:
    """Use ``n`` threads for batched work from now on (``1``: serial; ``None`` or ``"auto"``: default).

    Raises :class:`~qnnsym.errors.InvalidInput` for 0, negative or non-integer ``n``.
    """
    global _setting
    if n is None or (isinstance(n, str) and n.strip().lower() == "auto"):
        _setting = None
        return
    _setting = _check_count("n", n)


def get_threads() -> int | None:
    """The fixed thread count in force (:func:`set_threads`, else ``QNNSYM_THREADS``), or ``None`` for auto."""
    return _setting if _setting is not None else threads_from_env()


@contextlib.contextmanager
def threads(n: int | str | None) -> Iterator[None]:
    """Temporarily :func:`set_threads` ``(n)``."""
    global _setting
    old = _setting
    set_threads(n)
    try:
        yield
    finally:
        _setting = old


def threads_for(work: float, items: int | None = None) -> int:
    """Threads to use for a job of ``work`` units over ``items`` independent items.

    Never more threads than items, and always 1 inside a worker thread (no nested pools).
    """
    if getattr(_local, "worker", False):
        return 1
    fixed = get_threads()
    if fixed is None:
        k = available_cores() if work >= AUTO_MIN_WORK else 1
    else:
        k = fixed
    if items is not None:
        k = min(k, max(1, items))
    return k


def _mark_worker() -> None:
    _local.worker = True


def executor(k: int) -> ThreadPoolExecutor:
    """A shared pool with at least ``k`` worker threads (created on first use, grown if needed)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < k:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=k, thread_name_prefix="qnnsym", initializer=_mark_worker)
            _pool_size = k
        return _pool


def split(n: int, k: int) -> list[tuple[int, int]]:
    """``k`` contiguous ranges ``(lo, hi)`` covering ``0 .. n-1`` as evenly as possible.

    >>> split(10, 3)
    [(0, 4), (4, 7), (7, 10)]
    """
    base, extra = divmod(n, k)
    out, lo = [], 0
    for i in range(k):
        hi = lo + base + (1 if i < extra else 0)
        out.append((lo, hi))
        lo = hi
    return [r for r in out if r[1] > r[0]]


def run_chunks(fn: Callable[[int, int], object], n: int, *, work: float) -> list:
    """Call ``fn(lo, hi)`` on contiguous chunks of ``range(n)``, in threads when
    :func:`threads_for` ``(work, n)`` allows more than one; returns the results in chunk order.

    ``fn`` must touch only its own items (a nogil kernel writing ``out[lo:hi]``).  The calling
    thread computes the first chunk itself; an exception from any chunk is re-raised.
    """
    k = threads_for(work, n)
    if k <= 1:
        return [fn(0, n)]
    ranges = split(n, k)
    pool = executor(len(ranges) - 1)
    futures = [pool.submit(fn, lo, hi) for lo, hi in ranges[1:]]
    try:
        first = fn(*ranges[0])
    finally:
        rest = [f.result() for f in futures]  # wait for every chunk even if the first failed
    return [first] + rest


def run_rows(kernel: Callable, before: tuple, rows, after: tuple = (), *, work: float, allowed: bool = True) -> tuple:
    """``kernel(*before, rows, *after)`` for a kernel that sweeps each row of ``rows`` on its own and
    returns an array, or a tuple of arrays, with one leading entry per row; with more than one thread the rows
    are split into contiguous chunks, each chunk runs in its own thread, and the outputs are
    concatenated in row order.

    ``allowed=False`` forces the single call (used for programs whose kernels call BLAS, whose
    result could depend on the chunk's shape and which may start threads of its own).
    """
    n = rows.shape[0]
    k = threads_for(work, n) if allowed else 1
    if k <= 1:
        return kernel(*before, rows, *after)
    import numpy as np

    parts = run_chunks(lambda lo, hi: kernel(*before, rows[lo:hi], *after), n, work=work)
    if not isinstance(parts[0], tuple):  # a kernel returning one array
        return np.concatenate(parts, axis=0)
    return tuple(np.concatenate([p[i] for p in parts], axis=0) for i in range(len(parts[0])))
