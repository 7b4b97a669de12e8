"""W6: exact Weingarten tables and a t = 4 Haar integral, against haarpy.

- *table*: ``Wg(mu, d)`` for every cycle type ``mu`` of ``S_t``, ``t = 4 ... 8``, at an integer
  ``d >= t`` (exact rationals) and with ``d`` a symbol (rational functions):
  ``qnnsym.symbolic.weingarten.weingarten_table(t, d)`` against
  ``haarpy.weingarten_unitary(mu, d)`` for each ``mu``.
- *integral*: three degree-4 monomial integrals ``E[U_{i1 j1} ... U_{i4 j4} conj(U_{i'1 j'1} ...)]``
  at integer ``d``: ``haarpy.haar_integral_unitary((i, j), (i', j'), d)`` against
  ``qnnsym.symbolic.haar.haar_trace_product`` with matrix units (``tr(E_{i'i} V E_{j j'} V^dag)
  = V_{ij} conj(V_{i'j'})``, so the product of four such traces is the monomial).

Both libraries cache (``functools.lru_cache``, SymPy's cache); every timed call first clears
every cache of its own package and SymPy's, so each call computes from scratch (the clearing
is part of the timed call and costs microseconds).

Exact equality before timing: integer ``d`` values are compared as exact rationals with ``==``
(haarpy's ``fractions.Fraction`` against qnnsym's ``sympy.Rational``, both as ``(p, q)``);
symbolic tables as ``sympy.cancel(a - b) == 0`` for every entry.  The numeric agreement column
is on the values as floats (symbolic tables evaluated at ``d = t + 5``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ._util import clear_caches
from .timing import Contender, Prepared, Unavailable
from .workload import Size, Target, Workload

__all__ = ["WORKLOAD", "sizes", "contenders"]

MONOMIALS = (  # (rows i, cols j), (rows i', cols j')
    (((0, 0, 0, 0), (0, 0, 0, 0)), ((0, 0, 0, 0), (0, 0, 0, 0))),  # E |U_00|^8
    (((0, 1, 2, 3), (0, 1, 2, 3)), ((1, 0, 3, 2), (0, 1, 2, 3))),
    (((0, 0, 1, 1), (0, 1, 0, 1)), ((0, 0, 1, 1), (1, 0, 1, 0))),
)


def _label(kind: str, t: int, d) -> str:
    return f"{kind} t={t}, d={d}"


def sizes(quick: bool) -> list[Size]:
    if quick:
        grid = [("table", 4, 4, 5), ("table", 5, "symbolic", 3), ("integral", 4, 4, 3)]
    else:
        grid = [("table", t, t, 5) for t in (4, 5, 6, 7, 8)] + [("table", 8, 16, 5)]
        grid += [("table", t, "symbolic", 3) for t in (4, 5, 6, 7, 8)]
        grid += [("integral", 4, 4, 5), ("integral", 4, 8, 5)]
    return [Size(_label(k, t, d), {"kind": k, "t": t, "d": d}, r) for k, t, d, r in grid]


def _rational(x) -> tuple[int, int]:
    if isinstance(x, Fraction):
        return (x.numerator, x.denominator)
    import sympy

    r = sympy.Rational(x)
    return (int(r.p), int(r.q))


def contenders(size: Size) -> list[Contender]:
    import sympy

    from qnnsym.symbolic.symbols import d as D_SYMBOL
    from qnnsym.symbolic.weingarten import weingarten_table

    kind, t, dval = size.params["kind"], size.params["t"], size.params["d"]
    symbolic = dval == "symbolic"

    def _haarpy():
        try:
            import haarpy
        except ImportError as exc:
            raise Unavailable(f"haarpy not importable ({exc})") from None
        return haarpy

    if kind == "table":
        from qnnsym.symbolic.permutations import partitions

        mus = [tuple(mu) for mu in partitions(t)]
        d_arg_q = D_SYMBOL if symbolic else dval
        at = t + 5

        def floats(vals):
            if symbolic:
                return np.array([float(sympy.sympify(v).subs(D_SYMBOL if v.free_symbols & {D_SYMBOL} else sympy.Symbol("d"), at))
                                 for v in vals])
            return np.array([float(Fraction(*_rational(v))) for v in vals])

        def exact(vals):
            if symbolic:
                return [sympy.cancel(sympy.sympify(v).subs(sympy.Symbol("d"), D_SYMBOL)) for v in vals]
            return [_rational(v) for v in vals]

        def qnnsym_():
            def run():
                clear_caches("qnnsym.symbolic")
                tab = weingarten_table(t, d_arg_q)
                return [tab[mu] for mu in mus]

            vals = run()
            return Prepared(run, lambda: floats(vals), lambda: exact(vals))

        def haarpy_():
            hp = _haarpy()
            d_arg = sympy.Symbol("d") if symbolic else dval

            def run():
                clear_caches("haarpy")
                return [hp.weingarten_unitary(mu, d_arg) for mu in mus]

            vals = run()
            return Prepared(run, lambda: floats(vals), lambda: exact(vals))

        return [
            Contender("qnnsym", qnnsym_, "qnnsym.symbolic.weingarten.weingarten_table(t, d) (caches cleared per call)"),
            Contender("haarpy", haarpy_, "haarpy.weingarten_unitary(mu, d) for every cycle type mu (caches cleared per call)"),
        ]

    # integral
    def units(i: int, j: int):
        e = sympy.zeros(dval, dval)
        e[i, j] = 1
        return e

    def qnnsym_():
        from qnnsym.symbolic.haar import haar_trace_product

        pairs_list = [[(units(ip, i), units(j, jp)) for i, j, ip, jp in zip(*mon[0], *mon[1])] for mon in MONOMIALS]

        def run():
            clear_caches("qnnsym.symbolic")
            return [haar_trace_product(pairs, dval) for pairs in pairs_list]

        vals = run()
        return Prepared(run, lambda: np.array([float(v) for v in vals]), lambda: [_rational(v) for v in vals])

    def haarpy_():
        hp = _haarpy()

        def run():
            clear_caches("haarpy")
            return [hp.haar_integral_unitary(mon[0], mon[1], dval) for mon in MONOMIALS]

        vals = run()
        return Prepared(run, lambda: np.array([float(v) for v in vals]), lambda: [_rational(v) for v in vals])

    return [
        Contender("qnnsym", qnnsym_, "qnnsym.symbolic.haar.haar_trace_product with matrix units (exact SymPy)"),
        Contender("haarpy", haarpy_, "haarpy.haar_integral_unitary (Collins' algorithm, exact Fraction)"),
    ]


WORKLOAD = Workload(
    key="W6",
    title="exact Weingarten tables t = 4…8 and a t = 4 Haar integral, against haarpy",
    description=(
        "*table*: Wg(μ, d) for every cycle type μ of S_t, at integer d ≥ t and with d symbolic. *integral*: three "
        "degree-4 monomials E[U_{i1j1}…U_{i4j4} conj(U_{i'1j'1}…)] at integer d (qnnsym via `haar_trace_product` of matrix "
        "units). Every call clears both libraries' caches and SymPy's first. Before timing, the values are compared "
        "exactly: rationals with ==, symbolic entries by sympy.cancel(a − b) == 0; the agreement column is on the floats "
        "(symbolic tables at d = t + 5)."
    ),
    sizes=sizes,
    contenders=contenders,
    targets=(Target(_label("table", 8, 8), "haarpy", 3.0), Target(_label("table", 8, 16), "haarpy", 3.0),
             Target(_label("table", 8, "symbolic"), "haarpy", 3.0)),
)
