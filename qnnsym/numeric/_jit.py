"""The one numba decorator the engine uses: cached, no fastmath, GIL released.

``fastmath`` stays off on the verification path: it licenses reassociation and the
removal of NaN/inf checks, which would make agreement checks meaningless.
"""

from __future__ import annotations

import numba

__all__ = ["njit"]


def njit(func=None, **overrides):
    """``numba.njit(cache=True, fastmath=False, nogil=True, error_model="numpy")``."""
    options = {"cache": True, "fastmath": False, "nogil": True, "error_model": "numpy"}
    options.update(overrides)
    if func is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(func)
