r"""Haar integrals over U(d) through the Weingarten calculus.

Conventions
-----------
*Basis.* ``(C^d)^{(x)t}`` has basis ``|i_0, ..., i_{t-1}>`` with flat index
``sum_k i_k d^{t-1-k}`` (slot 0 most significant, as ``numpy.kron`` and convention C6).

*Permutation operators.* For ``sigma`` a permutation of ``range(t)`` (tuple of images)

.. math::  P_\sigma |i_0, \dots, i_{t-1}\rangle = |i_{\sigma^{-1}(0)}, \dots, i_{\sigma^{-1}(t-1)}\rangle,

i.e. the tensor factor in slot ``k`` moves to slot ``sigma(k)``; matrix elements
``<j|P_sigma|i> = prod_k delta(j_{sigma(k)}, i_k)``.  Then ``P_sigma P_tau = P_{sigma o tau}``
(``tau`` first, :func:`qnnsym.symbolic.permutations.compose`), ``P_sigma^dag = P_{sigma^-1}``,
``tr P_sigma = d^{#cycles(sigma)}``, and for ``t = 2`` the transposition is SWAP.

*Cycle traces.* For operators ``A_0, ..., A_{t-1}``

.. math::  \mathrm{tr}_\sigma(A) = \prod_{\text{cycles } (k\ \sigma(k)\ \sigma^2(k) \dots)}
           \mathrm{tr}(A_k A_{\sigma(k)} A_{\sigma^2(k)} \cdots),

so that ``tr(P_sigma^dag (A_0 (x) ... (x) A_{t-1})) = tr_sigma(A)``.

Formulas
--------
*Moments* (Collins--Sniady), with ``Wg`` the (pseudo-inverse for ``d < t``) Weingarten function:

.. math::  E[U_{i_1 j_1} \cdots U_{i_t j_t} \overline{U_{i'_1 j'_1} \cdots U_{i'_t j'_t}}]
   = \sum_{\sigma,\tau} \prod_k \delta(i_k, i'_{\sigma(k)})\, \delta(j_k, j'_{\tau(k)})\,
     \mathrm{Wg}(\sigma\tau^{-1}, d).

*Twirl.* :math:`\Phi(X) = E[V^{\otimes t} X V^{\dagger\otimes t}] = \sum_\tau c_\tau P_\tau` with
:math:`c_\tau = \sum_\sigma \mathrm{Wg}(\sigma^{-1}\tau, d)\, \mathrm{tr}(P_\sigma^\dagger X)`
(because ``Phi(X)`` commutes with every ``V^{(x)t}``, lies in the span of the ``P_tau``, and has
the same overlaps ``tr(P_sigma^dag .)`` as ``X``; the Gram matrix of the ``P_sigma`` is inverted by
``Wg``).  For ``d < t`` the ``P_tau`` are linearly dependent and ``c`` is the minimum-norm choice.

*Trace products.* Expanding ``tr(A V B V^dag) = sum A_{ab} V_{bc} B_{ce} conj(V_{ae})`` and using
the moment formula (``i = b, j = c, i' = a, j' = e``) gives
``sum_{sigma,tau} Wg(sigma tau^{-1}) tr_sigma(A) tr_{tau^{-1}}(B)``; renaming ``tau -> tau^{-1}``:

.. math::  E\Big[\prod_{k} \mathrm{tr}(A_k V B_k V^\dagger)\Big]
   = \sum_{\sigma,\tau \in S_t} \mathrm{Wg}(\sigma\tau, d)\, \mathrm{tr}_\sigma(A)\, \mathrm{tr}_\tau(B).

Abstract operators
------------------
:class:`Op` names an operator without a matrix.  The answer is then a polynomial in trace
invariants -- SymPy symbols named like ``tr(A**2*B)``, one per cyclic word, created once in
:mod:`qnnsym.symbolic.symbols` -- with coefficients that are fully cancelled rational functions
of ``d``.  Words are reduced with: ``tr(I) = d`` and ``I`` dropped (``kind="identity"``);
``P^2 = P`` (``kind="projector"``); and for a rank-one projector ``P = |p><p|``
(``kind="rank_one_projector"``) ``tr(P W_1 P W_2 ...) = prod_i tr(P W_i)`` and ``tr P = 1``.
Trace invariants carry no assumptions (a trace of a product of Hermitian operators may be complex).

>>> from qnnsym.symbolic.haar import Op, haar_trace_product
>>> M0, rho = Op("M0"), Op("rho", kind="rank_one_projector")
>>> haar_trace_product([(M0, rho)])                       # E yhat for a Haar-random pure input
tr(M0)/d
>>> haar_trace_product([(M0, rho), (M0, rho)])            # E yhat^2
(tr(M0)**2 + tr(M0**2))/(d*(d + 1))
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import product as iproduct
from typing import Any, Mapping, Sequence

import numpy as np
import sympy

from ..errors import InvalidInput, TooLarge
from ..validate import describe, square_matrix
from . import permutations as perm
from .weingarten import _combination, _dimension, _table
from .symbols import d as D
from .symbols import trace_symbol

__all__ = [
    "Op",
    "OP_KINDS",
    "MAX_TERMS_EXACT",
    "MAX_TERMS_NUMERIC",
    "MAX_MONOMIALS",
    "trace_invariant",
    "permutation_operator",
    "cycle_trace",
    "twirl",
    "haar_trace_product",
    "second_moment_coefficients",
]

#: Kinds of abstract operator understood by the trace reduction rules.
OP_KINDS = ("general", "projector", "rank_one_projector", "identity")

#: Work limit (estimated elementary terms) for abstract operators and exact SymPy matrices.
MAX_TERMS_EXACT = 10**6
#: Work limit (estimated elementary operations) for numpy matrices.
MAX_TERMS_NUMERIC = 10**9
#: Largest number of trace monomials an abstract answer may have (all twirl coefficients together).
MAX_MONOMIALS = 20_000

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Op:
    """An abstract operator on ``C^d``, known by name (and kind) only.

    Parameters
    ----------
    name : str
        A identifier-like name (``"A"``, ``"M0"``, ``"rho_1"``); it appears in the trace
        invariants (``tr(A**2*M0)``).
    kind : {"general", "projector", "rank_one_projector", "identity"}
        Algebraic facts used to reduce traces: ``P^2 = P`` for projectors; additionally
        ``P X P = tr(P X) P`` and ``tr P = 1`` for rank-one projectors; the identity drops out
        of products and ``tr I = d``.

    Examples
    --------
    >>> from qnnsym.symbolic.haar import Op, trace_invariant
    >>> A, B = Op("A"), Op("B")
    >>> trace_invariant(B, A, A), trace_invariant(A, Op("I", kind="identity"))
    (tr(A**2*B), tr(A))
    """

    name: str
    kind: str = "general"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise InvalidInput("name", "an identifier such as 'A', 'M0' or 'rho_1'", describe(self.name))
        if self.kind not in OP_KINDS:
            raise InvalidInput("kind", f"one of {OP_KINDS}", describe(self.kind))


# --------------------------------------------------------------------------------------------
# reduction of trace words of abstract operators


def _min_rotation(word: tuple[Op, ...]) -> tuple[Op, ...]:
    rotations = [word[i:] + word[:i] for i in range(len(word))]
    return min(rotations, key=lambda w: tuple(op.name for op in w))


def _render(word: tuple[Op, ...]) -> str:
    parts, i = [], 0
    while i < len(word):
        j = i
        while j < len(word) and word[j] == word[i]:
            j += 1
        parts.append(word[i].name if j - i == 1 else f"{word[i].name}**{j - i}")
        i = j
    return "tr(" + "*".join(parts) + ")"


def _collapse_projectors(word: list[Op]) -> list[Op]:
    changed = True
    while changed and len(word) > 1:
        changed = False
        for i in range(len(word)):
            a, b = word[i], word[(i + 1) % len(word)]
            if a == b and a.kind in ("projector", "rank_one_projector"):
                del word[(i + 1) % len(word)]
                changed = True
                break
    return word


def _split_rank_one(w: list[Op]) -> list[str]:
    """Names of the factors of ``tr(w)`` (``w`` non-empty, identities removed, projectors
    collapsed): split ``tr(P W_1 P W_2 ...) = prod tr(P W_i)`` at a rank-one projector that
    occurs at least twice (the first by name), recursively; ``tr P = 1``."""
    if len(w) == 1 and w[0].kind == "rank_one_projector":
        return []
    counts: dict[Op, int] = {}
    for op in w:
        if op.kind == "rank_one_projector":
            counts[op] = counts.get(op, 0) + 1
    repeated = sorted((op for op, n in counts.items() if n > 1), key=lambda op: op.name)
    if not repeated:
        return [_render(_min_rotation(tuple(w)))]
    p = repeated[0]
    start = w.index(p)
    w = w[start:] + w[:start]
    cuts = [i for i, op in enumerate(w) if op == p] + [len(w)]
    names: list[str] = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        names.extend(_split_rank_one(w[a:b]))  # the segment p W_i
    return names


def _reduce_word(word: Sequence[Op]) -> tuple[int, tuple[str, ...]]:
    """``tr(word) = d^k * prod(symbols)``; returns ``(k, sorted symbol names)``."""
    w = _collapse_projectors([op for op in word if op.kind != "identity"])
    if not w:
        return 1, ()
    return 0, tuple(sorted(_split_rank_one(w)))


def trace_invariant(*ops: Op) -> sympy.Expr:
    """The trace of the product ``ops[0] ops[1] ...`` as SymPy (symbols from
    :func:`qnnsym.symbolic.symbols.trace_symbol`, ``d`` for ``tr I``).

    Examples
    --------
    >>> from qnnsym.symbolic.haar import Op, trace_invariant
    >>> rho, A = Op("rho", kind="rank_one_projector"), Op("A")
    >>> trace_invariant(rho, A, rho, A, A), trace_invariant(rho, rho)
    (tr(A**2*rho)*tr(A*rho), 1)
    """
    for i, op in enumerate(ops):
        if not isinstance(op, Op):
            raise InvalidInput(f"ops[{i}]", "an Op", describe(op))
    k, names = _reduce_word(ops)
    return D**k * sympy.Mul(*[trace_symbol(n) for n in names])


# --------------------------------------------------------------------------------------------
# boundary checks


def _is_matrix(x: Any) -> bool:
    return isinstance(x, (np.ndarray, sympy.MatrixBase, list))


def _check_kinds(ops: Sequence[Op], name: str) -> None:
    kinds: dict[str, str] = {}
    for op in ops:
        if kinds.setdefault(op.name, op.kind) != op.kind:
            raise InvalidInput(
                name, "one kind per operator name", f"{op.name!r} as both {kinds[op.name]!r} and {op.kind!r}"
            )


def _explicit(
    name: str, mats: Sequence[Any], d: Any, size_of: int | None = None, labels: Sequence[str] | None = None
) -> tuple[list[Any], int, bool]:
    """Convert explicit matrices to one type; returns ``(matrices, d, exact)``."""
    exact = any(isinstance(m, sympy.MatrixBase) for m in mats)
    if d is not None:
        d = _dimension("d", d)
        if not isinstance(d, int):
            raise InvalidInput("d", "a positive integer (explicit matrices fix the dimension)", str(d))
    out = []
    for i, m in enumerate(mats):
        label = labels[i] if labels is not None else (f"{name}[{i}]" if size_of is None else name)
        if exact:
            m = sympy.Matrix(m)
            if m.rows != m.cols:
                raise InvalidInput(label, "a square matrix", f"a {m.rows}x{m.cols} SymPy matrix")
        else:
            m = square_matrix(label, m)
        n = m.shape[0]
        if d is None:
            if size_of is None:
                d = n
            else:
                root = round(n ** (1.0 / size_of)) if n > 0 else 0
                cand = [r for r in (root - 1, root, root + 1) if r >= 1 and r**size_of == n]
                if not cand:
                    raise InvalidInput(label, f"a square matrix of size d^{size_of}", f"size {n}")
                d = cand[0]
        want = d if size_of is None else d**size_of
        if n != want:
            raise InvalidInput(label, f"a {want}x{want} matrix", f"shape {tuple(m.shape)}")
        out.append(m)
    return out, d, exact


def _guard(name: str, t: int, matrix_work: int, exact: bool, detail: str) -> None:
    limit = MAX_TERMS_EXACT if exact else MAX_TERMS_NUMERIC
    n = math.factorial(t)
    terms = n * n + matrix_work
    if t > perm.MAX_TABLE_T or terms > limit:
        raise TooLarge(
            name,
            f"at most {limit:.0e} estimated terms (t!^2 = {n * n} pairs (sigma, tau) + {matrix_work} "
            f"for the matrices; t <= {perm.MAX_TABLE_T})",
            f"about {terms:.2e} terms for t = {t}{detail}; use abstract operators (Op), a smaller t, "
            "or the Monte Carlo estimator qnnsym.numeric.haar.haar_average",
        )


def _monomial_guard(name: str, t: int, n1: int, n2: int, what: str) -> None:
    if n1 * n2 > MAX_MONOMIALS:
        raise TooLarge(
            name,
            f"an answer of at most MAX_MONOMIALS = {MAX_MONOMIALS} trace monomials",
            f"up to {n1 * n2} = {n1} x {n2} ({what}) for t = {t}; repeated operators (e.g. A, A, ...) "
            "or explicit matrices give far fewer, the Monte Carlo estimator qnnsym.numeric.haar.haar_average none",
        )


# --------------------------------------------------------------------------------------------
# building blocks


def permutation_operator(sigma: Sequence[int], d: int) -> np.ndarray:
    """The ``d^t x d^t`` matrix of ``P_sigma`` (see the module conventions) as an int array.

    Examples
    --------
    >>> permutation_operator((1, 0), 2)       # SWAP
    array([[1, 0, 0, 0],
           [0, 0, 1, 0],
           [0, 1, 0, 0],
           [0, 0, 0, 1]])
    """
    if not perm.is_permutation(sigma):
        raise InvalidInput("sigma", "a permutation of range(t) as a tuple of images", describe(sigma))
    sigma = tuple(int(x) for x in sigma)
    d = _dimension("d", d)
    if not isinstance(d, int):
        raise InvalidInput("d", "a positive integer", str(d))
    t = len(sigma)
    if d ** (2 * t) > 2**26:
        raise TooLarge("d", "d^(2t) <= 2^26 matrix entries", f"d = {d}, t = {t}")
    sinv = perm._inverse(sigma)
    idx = np.indices((d,) * t).reshape(t, -1)  # idx[k, col] = i_k of basis column col
    weights = d ** np.arange(t - 1, -1, -1)
    rows = (idx[list(sinv)] * weights[:, None]).sum(axis=0)
    out = np.zeros((d**t, d**t), dtype=np.int64)
    out[rows, np.arange(d**t)] = 1
    return out


def cycle_trace(sigma: Sequence[int], ops: Sequence[Any]) -> Any:
    """``tr_sigma(A) = prod over cycles (k sigma(k) ...) of tr(A_k A_sigma(k) ...)``.

    ``ops`` are all :class:`Op` (a SymPy expression) or all explicit square matrices.

    Examples
    --------
    >>> from qnnsym.symbolic.haar import Op, cycle_trace
    >>> A, B, C = Op("A"), Op("B"), Op("C")
    >>> cycle_trace((2, 0, 1), [A, B, C])     # 0 -> 2 -> 1 -> 0
    tr(A*C*B)
    """
    if isinstance(ops, (str, bytes)) or not isinstance(ops, (list, tuple)):
        raise InvalidInput("ops", "a list of Op or of square matrices", describe(ops))
    if not perm.is_permutation(sigma) or len(sigma) != len(ops):
        raise InvalidInput("sigma", f"a permutation of range({len(ops)})", describe(sigma))
    if all(isinstance(op, Op) for op in ops):
        return sympy.Mul(*[trace_invariant(*[ops[k] for k in c]) for c in perm._cycles(sigma)])
    if any(isinstance(op, Op) for op in ops):
        raise InvalidInput("ops", "all operators abstract (Op) or all explicit matrices", "a mix of both")
    mats, _, exact = _explicit("ops", list(ops), None)
    return _CycleTracer(mats, exact)(tuple(int(x) for x in sigma))


class _CycleTracer:
    """``tr_sigma`` of explicit matrices, with each cycle's product cached."""

    def __init__(self, mats: list[Any], exact: bool):
        self.mats, self.exact, self.cache = mats, exact, {}

    def cycle(self, c: tuple[int, ...]) -> Any:
        if c not in self.cache:
            m = self.mats[c[0]]
            for k in c[1:]:
                m = m * self.mats[k] if self.exact else m @ self.mats[k]
            self.cache[c] = m.trace() if self.exact else complex(np.trace(m))
        return self.cache[c]

    def __call__(self, sigma: tuple[int, ...]) -> Any:
        out: Any = sympy.S.One if self.exact else 1.0 + 0j
        for c in perm._cycles(sigma):
            out = out * self.cycle(c)
        return sympy.expand(out) if self.exact else out


def _classes(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Group equal values: ``(class id per item, distinct values)``."""
    ids: dict[Any, int] = {}
    cls = np.array([ids.setdefault(v, len(ids)) for v in values], dtype=np.int64)
    return cls, list(ids)


def _abstract_overlaps(ops: Sequence[Op]) -> list[tuple[int, tuple[str, ...]]]:
    """``tr_sigma(ops)`` for every sigma as ``(power of d, sorted trace-symbol names)``."""
    out = []
    for sigma in perm.all_permutations(len(ops)):
        k, names = 0, []
        for c in perm._cycles(sigma):
            kc, nc = _reduce_word([ops[i] for i in c])
            k += kc
            names.extend(nc)
        out.append((k, tuple(sorted(names))))
    return out


def _wg_values(t: int, dd: Any) -> list[Any]:
    table = _table(t, dd)
    return [table[mu] for mu in perm.partitions(t)]


def _collect(
    t: int, dd: Any, weights: Mapping[tuple[tuple[str, ...], perm.Partition, int], int], cache: dict | None = None
) -> sympy.Expr:
    """``sum w * d^k * Wg(mu) * prod(symbols)`` with one cancelled coefficient per monomial."""
    by_mono: dict[tuple[str, ...], dict[tuple[perm.Partition, int], int]] = {}
    for (names, mu, k), w in weights.items():
        slot = by_mono.setdefault(names, {})
        slot[(mu, k)] = slot.get((mu, k), 0) + w
    groups: dict[sympy.Expr, list[sympy.Expr]] = {}
    for names, ws in sorted(by_mono.items()):
        key = (t, dd, tuple(sorted(ws.items())))
        coeff = cache.get(key) if cache is not None else None
        if coeff is None:
            if isinstance(dd, int):
                table = _table(t, dd)
                coeff = sum((w * dd**k * table[mu] for (mu, k), w in ws.items()), sympy.S.Zero)
            else:
                coeff = _combination(t, ws)
                if dd != D:
                    coeff = coeff.subs(D, dd)
            if cache is not None:
                cache[key] = coeff
        groups.setdefault(coeff, []).append(sympy.Mul(*[trace_symbol(n) for n in names]))
    # one product per distinct coefficient: cheap for big answers, the usual form for small ones
    return sympy.Add(*[c * sympy.Add(*monos) for c, monos in groups.items() if c != 0])


def _pair_weights(t: int, a: list, b: list, mult_index: np.ndarray) -> dict:
    """Count, for monomials ``a[i] * b[j]``, the cycle types ``classes[mult_index[i, j]]``."""
    _, _, classes = perm.multiplication_table(t)
    ia, va = _classes(a)
    ib, vb = _classes(b)
    ncls = len(perm.partitions(t))
    keys = (ia[:, None] * len(vb) + ib[None, :]) * ncls + classes[mult_index]
    uniq, counts = np.unique(keys.ravel(), return_counts=True)
    parts = perm.partitions(t)
    weights: dict = {}
    for key, cnt in zip(uniq.tolist(), counts.tolist()):
        pair, c = divmod(key, ncls)
        i, j = divmod(pair, len(vb))
        (ka, na), (kb, nb) = va[i], vb[j]
        mono = (tuple(sorted(na + nb)), parts[c], ka + kb)
        weights[mono] = weights.get(mono, 0) + cnt
    return weights


# --------------------------------------------------------------------------------------------
# public integrals


def twirl(X: Any, t: int, d: Any = None) -> dict[perm.Permutation, Any]:
    r"""The t-fold twirl :math:`E_V[V^{\otimes t} X V^{\dagger \otimes t}] = \sum_\tau c_\tau P_\tau`.

    :math:`c_\tau = \sum_\sigma \mathrm{Wg}(\sigma^{-1}\tau, d)\, \mathrm{tr}(P_\sigma^\dagger X)`,
    with ``P_sigma`` as in the module conventions.

    Parameters
    ----------
    X : matrix, sequence of t factors, or mapping
        * an explicit ``d^t x d^t`` matrix (numpy: complex results; SymPy: exact);
        * a sequence of ``t`` factors, ``X = X_0 (x) ... (x) X_{t-1}``: all :class:`Op`
          (abstract; the answer is in trace invariants) or all explicit ``d x d`` matrices;
        * a mapping ``sigma -> tr(P_sigma^dag X)`` for every ``sigma`` in ``S_t`` (abstract
          coefficients, any SymPy expressions).
    t : int
        Number of tensor copies, ``1 <= t <= 6``.
    d : int or sympy.Expr, optional
        Dimension; inferred from explicit matrices, defaults to the symbol ``d`` otherwise.

    Returns
    -------
    dict
        ``{tau: c_tau}`` over all permutations of ``range(t)`` (lexicographic order).  For
        ``d < t`` the ``P_tau`` are linearly dependent; the coefficients are the minimum-norm
        ones (pseudo-inverse Weingarten function) and the operator is still exact.

    Raises
    ------
    qnnsym.errors.InvalidInput
        Wrong matrix size, mixed abstract/explicit factors, missing permutations.
    qnnsym.errors.TooLarge
        When ``t!^2 + t! d^t`` exceeds :data:`MAX_TERMS_EXACT` (exact) /
        :data:`MAX_TERMS_NUMERIC` (numpy), or ``t > 6``.

    Examples
    --------
    >>> from qnnsym.symbolic.haar import Op, twirl
    >>> A = Op("A")
    >>> c = twirl([A, A], 2)
    >>> c[(0, 1)]          # alpha(A), coefficient of I (x) I
    tr(A)**2/((d - 1)*(d + 1)) - tr(A**2)/(d*(d - 1)*(d + 1))
    >>> import sympy
    >>> twirl(sympy.diag(1, 0, 0, 0), 2)        # |00><00| on two qubits
    {(0, 1): 1/6, (1, 0): 1/6}
    """
    if isinstance(t, bool) or not isinstance(t, int) or t < 1:
        raise InvalidInput("t", "a positive integer", describe(t))
    perms = perm.all_permutations(t) if t <= perm.MAX_TABLE_T else ()
    if isinstance(X, Mapping):
        _guard("X", t, 0, True, "")
        missing = [s for s in perms if s not in X]
        if missing or len(X) != len(perms):
            raise InvalidInput("X", f"a mapping with exactly the {len(perms)} permutations of range({t}) as keys",
                               f"{len(X)} keys, missing e.g. {missing[:1]}")
        dd = D if d is None else _dimension("d", d)
        b = [sympy.sympify(X[s]) for s in perms]
        return _twirl_values(t, dd, b, exact=True)
    if isinstance(X, (list, tuple)) and len(X) == t and all(isinstance(x, Op) for x in X):
        _guard("X", t, 0, True, "")
        _check_kinds(X, "X")
        dd = D if d is None else _dimension("d", d)
        return _twirl_abstract(t, dd, _abstract_overlaps(X))
    if isinstance(X, (list, tuple)) and len(X) == t and all(_is_matrix(x) and np.ndim(x) == 2 for x in X):
        mats, dd, exact = _explicit("X", list(X), d)
        _guard("X", t, math.factorial(t) * t * dd**3, exact, f", d = {dd}")
        tracer = _CycleTracer(mats, exact)
        return _twirl_values(t, dd, [tracer(s) for s in perms], exact)
    if _is_matrix(X) or hasattr(X, "shape"):
        (m,), dd, exact = _explicit("X", [X], d, size_of=t)
        _guard("X", t, math.factorial(t) * dd**t, exact, f", d = {dd}")
        return _twirl_values(t, dd, [_overlap(m, s, dd, exact) for s in perms], exact)
    raise InvalidInput(
        "X",
        f"a d^{t} x d^{t} matrix, a sequence of {t} Op or {t} d x d matrices, or a mapping sigma -> tr(P_sigma^dag X)",
        describe(X),
    )


def _overlap(m: Any, sigma: perm.Permutation, d: int, exact: bool) -> Any:
    """``tr(P_sigma^dag X) = sum_c X[(c_{sigma^-1(0)}, ...), (c_0, ...)]``."""
    t = len(sigma)
    sinv = perm._inverse(sigma)
    if not exact:
        letters = "abcdefghijklmnopqrstuvwxyz"
        sub = "".join(letters[sinv[k]] for k in range(t)) + letters[:t]
        return complex(np.einsum(sub + "->", m.reshape((d,) * (2 * t))))
    w = [d ** (t - 1 - k) for k in range(t)]
    total = []
    for c in iproduct(range(d), repeat=t):
        row = sum(c[sinv[k]] * w[k] for k in range(t))
        col = sum(c[k] * w[k] for k in range(t))
        total.append(m[row, col])
    return sympy.Add(*total)


def _twirl_values(t: int, dd: Any, b: list[Any], exact: bool) -> dict[perm.Permutation, Any]:
    mult, inv, classes = perm.multiplication_table(t)
    perms = perm.all_permutations(t)
    vals = _wg_values(t, dd)
    cls = classes[mult[inv[:, None], np.arange(len(perms))[None, :]]]  # cls[s, u]: type of s^-1 u
    if not exact:
        W = np.array([float(v) for v in vals])[cls]
        c = W.T @ np.array(b, dtype=complex)
        return {u: complex(c[j]) for j, u in enumerate(perms)}
    out = {}
    ib, vb = _classes(b)
    ncls = len(vals)
    for j, u in enumerate(perms):
        keys, counts = np.unique(ib * ncls + cls[:, j], return_counts=True)
        acc: dict[int, Any] = {}
        for key, n in zip(keys.tolist(), counts.tolist()):
            i, c = divmod(key, ncls)
            acc[i] = acc.get(i, 0) + n * vals[c]
        terms = [sympy.cancel(w) * vb[i] if not isinstance(dd, int) else w * vb[i] for i, w in acc.items()]
        out[u] = sympy.expand(sympy.Add(*terms)) if isinstance(dd, int) else sympy.Add(*terms)
    return out


def _twirl_abstract(t: int, dd: Any, b: list[tuple[int, tuple[str, ...]]]) -> dict[perm.Permutation, sympy.Expr]:
    mult, inv, classes = perm.multiplication_table(t)
    perms = perm.all_permutations(t)
    parts = perm.partitions(t)
    ib, vb = _classes(b)
    _monomial_guard("X", t, len(perms), len(vb), "t! coefficients x distinct overlaps tr(P_sigma^dag X)")
    ncls = len(parts)
    out: dict[perm.Permutation, sympy.Expr] = {}
    cache: dict = {}
    for j, u in enumerate(perms):
        cls = classes[mult[inv, j]]
        keys, counts = np.unique(ib * ncls + cls, return_counts=True)
        weights: dict = {}
        for key, n in zip(keys.tolist(), counts.tolist()):
            i, c = divmod(key, ncls)
            k, names = vb[i]
            weights[(names, parts[c], k)] = weights.get((names, parts[c], k), 0) + n
        out[u] = _collect(t, dd, weights, cache)
    return out


def haar_trace_product(pairs: Sequence[tuple[Any, Any]], d: Any = None) -> Any:
    r"""``E_V[prod_k tr(A_k V B_k V^dag)]`` over Haar-random ``V`` in U(d).

    .. math::  \sum_{\sigma,\tau \in S_t} \mathrm{Wg}(\sigma\tau, d)\,
               \mathrm{tr}_\sigma(A)\, \mathrm{tr}_\tau(B),
       \qquad \mathrm{tr}_\sigma(A) = \prod_{(k\,\sigma(k)\,\dots)} \mathrm{tr}(A_k A_{\sigma(k)} \cdots)

    (derivation in the module docstring; equivalently
    ``sum Wg(sigma tau^-1) tr_sigma(A) tr_{tau^-1}(B)``).

    Parameters
    ----------
    pairs : sequence of (A_k, B_k)
        Either all :class:`Op` (abstract; the result is a polynomial in trace invariants
        with coefficients rational in ``d``) or all explicit ``d x d`` matrices (numpy:
        complex result; any SymPy matrix: exact SymPy result).
    d : int or sympy.Expr, optional
        Dimension; defaults to the symbol ``d`` for abstract operators and is read from the
        matrices otherwise.

    Raises
    ------
    qnnsym.errors.InvalidInput
        Malformed pairs, mixed abstract/explicit operators, matrices of different sizes.
    qnnsym.errors.TooLarge
        When the estimated work ``t!^2 + 2 t! t d^3`` exceeds the limit, or ``t > 6``.

    Examples
    --------
    >>> from qnnsym.symbolic.haar import Op, haar_trace_product
    >>> A, B = Op("A"), Op("B")
    >>> haar_trace_product([(A, B)])
    tr(A)*tr(B)/d
    >>> import sympy
    >>> X, Z = sympy.Matrix([[0, 1], [1, 0]]), sympy.diag(1, -1)
    >>> haar_trace_product([(Z, X), (Z, X)])        # E tr(Z V X V^dag)^2 = 4/3
    4/3
    """
    if not isinstance(pairs, (list, tuple)) or not all(
        isinstance(p, (list, tuple)) and len(p) == 2 for p in pairs
    ):
        raise InvalidInput("pairs", "a sequence of (A, B) pairs", describe(pairs))
    t = len(pairs)
    if t == 0:
        return sympy.S.One
    ops = [x for p in pairs for x in p]
    if all(isinstance(x, Op) for x in ops):
        _check_kinds(ops, "pairs")
        _guard("pairs", t, 0, True, "")
        dd = D if d is None else _dimension("d", d)
        a = _abstract_overlaps([p[0] for p in pairs])
        b = _abstract_overlaps([p[1] for p in pairs])
        _monomial_guard("pairs", t, len(set(a)), len(set(b)), "distinct tr_sigma(A) x distinct tr_tau(B)")
        mult, _, _ = perm.multiplication_table(t)
        return _collect(t, dd, _pair_weights(t, a, b, mult), {})
    if any(isinstance(x, Op) for x in ops):
        raise InvalidInput("pairs", "all operators abstract (Op) or all explicit matrices", "a mix of both")
    labels = [f"pairs[{i // 2}][{i % 2}]" for i in range(len(ops))]
    mats, dd, exact = _explicit("pairs", ops, d, labels=labels)
    _guard("pairs", t, 2 * math.factorial(t) * t * dd**3, exact, f", d = {dd}")
    perms = perm.all_permutations(t)
    ta, tb = _CycleTracer(mats[0::2], exact), _CycleTracer(mats[1::2], exact)
    a, b = [ta(s) for s in perms], [tb(s) for s in perms]
    mult, _, classes = perm.multiplication_table(t)
    vals = _wg_values(t, dd)
    if not exact:
        W = np.array([float(v) for v in vals])[classes[mult]]
        return complex(np.array(a) @ W @ np.array(b))
    ia, va = _classes(a)
    ib, vb = _classes(b)
    ncls = len(vals)
    keys = (ia[:, None] * len(vb) + ib[None, :]) * ncls + classes[mult]
    uniq, counts = np.unique(keys.ravel(), return_counts=True)
    total = []
    for key, n in zip(uniq.tolist(), counts.tolist()):
        pair, c = divmod(key, ncls)
        i, j = divmod(pair, len(vb))
        total.append(n * vals[c] * va[i] * vb[j])
    return sympy.expand(sympy.Add(*total))


def second_moment_coefficients(A: Any, d: Any = None) -> tuple[Any, Any]:
    r"""``(alpha(A), beta(A))`` with :math:`E[VAV^\dagger \otimes VAV^\dagger] = \alpha\, I \otimes I + \beta\, \mathrm{SWAP}`.

    Obtained from :func:`twirl` with ``t = 2`` and ``X = A (x) A`` (SPEC S7, convention C5):
    ``alpha = (d (tr A)^2 - tr A^2)/(d (d^2 - 1))``, ``beta = (tr A^2 - (tr A)^2/d)/(d^2 - 1)``.

    Parameters
    ----------
    A : Op or matrix
        An abstract operator (answer in ``tr(A)``, ``tr(A**2)`` and ``d``) or an explicit
        square matrix (numpy: complex numbers; SymPy: exact).
    d : int or sympy.Expr, optional
        As in :func:`twirl`.

    Examples
    --------
    >>> from qnnsym.symbolic.haar import Op, second_moment_coefficients
    >>> import sympy
    >>> second_moment_coefficients(sympy.diag(1, -1, 1, -1))       # a 2-qubit Pauli: (-1/15, 4/15)
    (-1/15, 4/15)
    """
    if not isinstance(A, Op) and not (_is_matrix(A) and np.ndim(A) == 2):
        raise InvalidInput("A", "an Op or a square matrix", describe(A))
    if not isinstance(A, Op):
        _explicit("A", [A], d)  # names A (not twirl's X) when the matrix is malformed
    c = twirl([A, A], 2, d)
    return c[(0, 1)], c[(1, 0)]
