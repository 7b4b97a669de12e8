"""The SymPy engine of qnnsym (never imports numba or :mod:`qnnsym.numeric`).

Submodules load on first use, so ``import qnnsym.symbolic`` is cheap:

- :mod:`~qnnsym.symbolic.symbols` -- every SymPy symbol, created once with its assumptions.
- :mod:`~qnnsym.symbolic.permutations` -- permutations of ``range(t)`` and partitions.
- :mod:`~qnnsym.symbolic.weingarten` -- the unitary Weingarten function, exact.
- :mod:`~qnnsym.symbolic.haar` -- Haar integrals: twirls and trace products.

Names re-exported here load their module lazily.  ``qnnsym.symbolic.weingarten`` is the
*module*; the function is ``qnnsym.symbolic.weingarten.weingarten``.

>>> import qnnsym.symbolic as qs
>>> qs.weingarten_table(2, 2)
{(2,): -1/6, (1, 1): 1/3}
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "weingarten_table",
    "gram_matrix",
    "weingarten_matrix",
    "Op",
    "trace_invariant",
    "twirl",
    "haar_trace_product",
    "second_moment_coefficients",
    "permutation_operator",
]

_LAZY = {
    "weingarten_table": "weingarten",
    "gram_matrix": "weingarten",
    "weingarten_matrix": "weingarten",
    "Op": "haar",
    "trace_invariant": "haar",
    "twirl": "haar",
    "haar_trace_product": "haar",
    "second_moment_coefficients": "haar",
    "permutation_operator": "haar",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
