"""Pin every numeric library to one thread.

The variables are read when a library first loads its thread pool, so this module
must run before numpy, numba or torch are imported: :mod:`benchmarks` imports it
first, and ``python -m benchmarks`` imports nothing numeric before that.  If numpy
was already imported (e.g. ``import benchmarks`` inside a notebook), the report says
so instead of pretending the run was single-threaded.
"""

from __future__ import annotations

import os
import sys

__all__ = ["THREAD_VARS", "pin_single_thread", "thread_report"]

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS", "QNNSYM_THREADS")

#: Numeric modules already loaded when the variables were set (empty when the pinning is trusted).
PRELOADED: tuple[str, ...] = ()


def pin_single_thread() -> None:
    global PRELOADED
    PRELOADED = tuple(m for m in ("numpy", "numba", "torch", "scipy") if m in sys.modules)
    for var in THREAD_VARS:
        os.environ[var] = "1"


def set_torch_threads() -> None:
    """``torch.set_num_threads(1)`` (and one inter-op thread), when torch is importable."""
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # only allowed before any parallel work started
        pass


def thread_report() -> dict[str, str]:
    """What each library says it uses, read back after the run."""
    out = {var: os.environ.get(var, "unset") for var in THREAD_VARS}
    try:
        import numba

        out["numba.get_num_threads()"] = str(numba.get_num_threads())
    except ImportError:
        pass
    try:
        from qnnsym.numeric import parallel

        out["qnnsym.numeric.parallel.get_threads()"] = str(parallel.get_threads())
    except ImportError:
        pass
    if "torch" in sys.modules:
        import torch

        out["torch.get_num_threads()"] = str(torch.get_num_threads())
    try:
        from threadpoolctl import threadpool_info

        pools = [f"{p.get('internal_api')}:{p.get('num_threads')}" for p in threadpool_info()]
        out["threadpoolctl"] = ", ".join(pools) or "no pools"
    except ImportError:
        pass
    if PRELOADED:
        out["warning"] = f"{', '.join(PRELOADED)} imported before the pinning; thread counts may be wrong"
    return out
