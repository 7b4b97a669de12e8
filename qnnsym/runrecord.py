"""What a ``qnnsym verify --json`` record needs so that the run can be repeated.

:func:`environment` collects the package versions, Python, the platform and numpy's
BLAS/LAPACK build; :func:`run_header` adds the exact command line, the hypothesis
settings the theorem properties run under, numba's cache switch and a UTC timestamp.
Every check and theorem row carries its own ``seeds``.  :func:`comparable` drops what
legitimately differs between two runs of the same command (timings, timestamp), so that
two records can be compared with ``==``.

To repeat a run from a record: install the listed versions (``pip install qnnsym==...
numpy==... scipy==... sympy==... mpmath==... numba==... llvmlite==... hypothesis==...``),
set ``QNNSYM_NUMBA_CACHE`` as recorded under ``numba_cache``, and run
``python -m qnnsym`` with the recorded ``argv``.  The seeds are fixed in the code of each
check and proof (the record lists them so a difference can be traced), so the same
command on the same versions reproduces every number bit for bit; the Haar sampler does
not go through BLAS, so this holds across BLAS builds too (``tests/robustness``).

>>> from qnnsym.runrecord import comparable
>>> comparable({"seconds": 1.5, "timestamp": "now", "checks": [{"name": "a", "seconds": 0.1, "max_error": 0.0}]})
{'checks': [{'name': 'a', 'max_error': 0.0}]}
"""

from __future__ import annotations

import datetime
import platform
import sys
from typing import Any, Sequence

__all__ = ["PACKAGES", "VOLATILE_KEYS", "versions", "environment", "blas_info", "run_header", "comparable"]

#: Packages whose versions are recorded (numerics can change with any of them).
PACKAGES = ("qnnsym", "numpy", "scipy", "sympy", "mpmath", "numba", "llvmlite", "hypothesis")
#: Keys that differ between two runs of the same command and are dropped by :func:`comparable`.
VOLATILE_KEYS = frozenset({"seconds", "timestamp", "compile_seconds"})


def versions() -> dict[str, str]:
    """``{package: version}`` for :data:`PACKAGES` (``"not installed"`` where missing)."""
    import importlib.metadata as md

    out = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def blas_info() -> dict[str, str]:
    """numpy's BLAS and LAPACK build (name and version), from ``numpy.show_config``; empty if unavailable."""
    try:
        import numpy as np

        deps = np.show_config(mode="dicts")["Build Dependencies"]
        return {f"{k}": f"{deps[k].get('name', '?')} {deps[k].get('version', '')}".strip() for k in ("blas", "lapack") if k in deps}
    except Exception:  # older numpy: no dict mode; the record says so instead of failing the run
        return {}


def environment() -> dict[str, Any]:
    """Python, platform and numpy's BLAS: where a run happened (the versions are separate)."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "byteorder": sys.byteorder,
        "numpy_blas": blas_info(),
    }


def run_header(argv: Sequence[str] | None, *, profile: str, property_examples: int) -> dict[str, Any]:
    """Everything needed to repeat a ``qnnsym verify`` run, before any result."""
    from .numeric._jit import CACHE
    from .proofkit import PROPERTY_SETTINGS

    return {
        "argv": ["qnnsym", *(list(sys.argv[1:]) if argv is None else [str(a) for a in argv])],
        "versions": versions(),
        "environment": environment(),
        "profile": profile,
        "property_examples": property_examples,
        "hypothesis": {**PROPERTY_SETTINGS, "max_examples": property_examples},
        "numba_cache": CACHE,
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def comparable(record: Any) -> Any:
    """``record`` without the keys in :data:`VOLATILE_KEYS`, at every depth."""
    if isinstance(record, dict):
        return {k: comparable(v) for k, v in record.items() if k not in VOLATILE_KEYS}
    if isinstance(record, (list, tuple)):
        return [comparable(v) for v in record]
    return record
