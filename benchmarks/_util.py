"""Small helpers shared by the workload modules."""

from __future__ import annotations

import sys
from typing import Any, Callable

import numpy as np

from .timing import Prepared

__all__ = ["remembering", "clear_caches"]


def remembering(run: Callable[[], Any], check: Callable[[Any], np.ndarray] | None = None) -> Prepared:
    """A :class:`Prepared` whose agreement check reuses the output of the last timed call
    (for contenders whose one call takes seconds, so the check costs no extra call)."""
    last: list[Any] = []

    def timed():
        out = run()
        last[:] = [out]
        return out

    def value():
        if not last:
            timed()
        return last[0] if check is None else check(last[0])

    return Prepared(timed, value)


def clear_caches(*packages: str) -> int:
    """Clear every ``functools`` cache of the loaded modules of ``packages`` and SymPy's cache,
    so the next call computes from scratch; returns the number of caches cleared."""
    n = 0
    for name, mod in list(sys.modules.items()):
        if mod is None or not any(name == p or name.startswith(p + ".") for p in packages):
            continue
        for obj in list(vars(mod).values()):
            clear = getattr(obj, "cache_clear", None)
            if callable(clear) and getattr(obj, "__module__", None) == name:
                clear()
                n += 1
    from sympy.core.cache import clear_cache

    clear_cache()
    return n
