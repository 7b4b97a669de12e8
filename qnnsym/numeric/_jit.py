"""The one numba decorator the engine uses: cached, no fastmath, GIL released.

``fastmath`` stays off on the verification path: it licenses reassociation and the
removal of NaN/inf checks, which would make agreement checks meaningless.

On-disk caching of compiled kernels is on by default and is switched off by the
environment variable ``QNNSYM_NUMBA_CACHE=0`` (read once, at import).  Caching changes
only where the machine code comes from, never the results: the same seed gives
bit-identical arrays with the cache on or off (``tests/robustness/test_reproducibility.py``
runs both in separate processes and compares sha256 digests).  Where numba writes its
cache is numba's own ``NUMBA_CACHE_DIR``.

>>> from qnnsym.numeric._jit import cache_enabled
>>> cache_enabled({"QNNSYM_NUMBA_CACHE": "0"}), cache_enabled({})
(False, True)
"""

from __future__ import annotations

import os
from typing import Mapping

import numba

__all__ = ["njit", "cache_enabled", "CACHE"]

_OFF = ("0", "false", "no", "off")


def cache_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``QNNSYM_NUMBA_CACHE`` (in ``environ``, default :data:`os.environ`) leaves caching on.

    ``0``, ``false``, ``no`` and ``off`` (any case) switch it off; anything else, or unset, keeps it on.
    """
    env = os.environ if environ is None else environ
    return env.get("QNNSYM_NUMBA_CACHE", "1").strip().lower() not in _OFF


#: Whether kernels are cached on disk in this process (fixed at import).
CACHE: bool = cache_enabled()


def njit(func=None, **overrides):
    """``numba.njit(cache=CACHE, fastmath=False, nogil=True, error_model="numpy")``."""
    options = {"cache": CACHE, "fastmath": False, "nogil": True, "error_model": "numpy"}
    options.update(overrides)
    if func is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(func)
