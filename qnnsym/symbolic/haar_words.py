"""A small non-commutative trace-polynomial algebra with Haar-conjugated letters.

Words are products of letters: abstract operators (:class:`qnnsym.symbolic.haar.Op`), their
Haar conjugates ``V_g X V_g^dag`` (:class:`Conj`; letters of one group ``g`` share one unitary,
different groups are independent) and loose ``V_g``/``V_g^dag`` letters (:class:`Haar`, for layers
that share a unitary).  Trace polynomials are dictionaries ``{tuple of words: coefficient}``.
:func:`haar_average_words` and :func:`haar_average_letters` integrate one group out with the
Weingarten calculus of :mod:`qnnsym.symbolic.haar`; :func:`to_sympy` turns a result into trace
invariants, symbolic in ``d``.  The proofs of S7–S10 are built on it.

>>> from qnnsym.symbolic.haar import Op
>>> from qnnsym.symbolic.haar_words import conj, haar_average_words, letter, to_sympy, tr
>>> A, B = Op("A"), Op("B")
>>> avg = haar_average_words(tr(conj(A, "V") * letter(B)), "V")      # E tr(V A V^dag B) = tr A tr B / d
>>> import sympy as sp; sp.simplify(to_sympy(avg))
tr(A)*tr(B)/d
"""

from __future__ import annotations

import math
import numbers
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from ..errors import InvalidInput, TooLarge
from ..validate import describe

__all__ = [
    "Conj",
    "NC",
    "letter",
    "conj",
    "commutator",
    "tr",
    "tp_add",
    "trace_product",
    "haar_average_words",
    "Haar",
    "haar",
    "haar_average_letters",
    "to_sympy",
]


@dataclass(frozen=True)
class Conj:
    """The letter ``V_g X V_g†``: the abstract operator ``op`` conjugated by the Haar unitary of
    group ``group`` (letters of one group share one unitary; different groups are independent)."""

    op: Any
    group: str

    def __post_init__(self) -> None:
        _op("op", self.op)
        _group("group", self.group)

    @property
    def name(self) -> str:
        return f"{self.group}[{self.op.name}]"


# --------------------------------------------------------------------------------------------
# validation


def _op(name: str, op: Any) -> Any:
    from qnnsym.symbolic.haar import Op

    if not isinstance(op, Op):
        raise InvalidInput(name, "an abstract operator qnnsym.symbolic.haar.Op", describe(op))
    return op


def _group(name: str, group: Any) -> str:
    if not isinstance(group, str) or not group.strip():
        raise InvalidInput(name, "a non-empty string naming the Haar unitary (e.g. 'V')", describe(group))
    return group


def _nc(name: str, p: Any) -> "NC":
    if not isinstance(p, NC):
        raise InvalidInput(name, "a non-commutative polynomial NC (from letter, conj or haar)", describe(p))
    return p


def _coefficient(name: str, c: Any) -> Any:
    import sympy as sp

    if isinstance(c, bool) or not isinstance(c, (numbers.Number, sp.Basic)):
        raise InvalidInput(name, "a number or a SymPy expression", describe(c))
    if isinstance(c, numbers.Number) and not isinstance(c, numbers.Rational):
        if not all(math.isfinite(v) for v in (complex(c).real, complex(c).imag)):
            raise InvalidInput(name, "a finite number or a SymPy expression", repr(c))
    if isinstance(c, sp.Basic) and c.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        raise InvalidInput(name, "a finite number or a SymPy expression", str(c))
    return c


_POLY_EXPECTED = "a trace polynomial: a mapping {tuple of words (tuples of Op/Conj/Haar letters): coefficient}"


def _trace_poly(name: str, poly: Any) -> Mapping:
    from qnnsym.symbolic.haar import Op

    if not isinstance(poly, Mapping):
        raise InvalidInput(name, _POLY_EXPECTED, describe(poly))
    letters = (Op, Conj, Haar)
    for key, coeff in poly.items():
        if not isinstance(key, tuple) or not all(
                isinstance(w, tuple) and all(isinstance(x, letters) for x in w) for w in key):
            raise InvalidInput(name, _POLY_EXPECTED, f"the key {key!r}"[:80])
        _coefficient(f"{name}[{key!r}]"[:60], coeff)
    return poly


def _dim(d: Any) -> Any:
    from qnnsym.symbolic.symbols import d as D
    from qnnsym.symbolic.weingarten import _dimension

    return D if d is None else _dimension("d", d)


def _name(x: Any) -> str:
    return x.name


def _canon(word: tuple) -> tuple:
    """The least cyclic rotation of ``word`` (traces are cyclic); identity operators dropped."""
    w = tuple(x for x in word if not (hasattr(x, "kind") and x.kind == "identity"))
    if not w:
        return ()
    rots = [w[i:] + w[:i] for i in range(len(w))]
    return min(rots, key=lambda r: tuple(_name(x) for x in r))


class NC:
    """A non-commutative polynomial: ``{word (tuple of letters): coefficient}``."""

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[tuple, Any] | None = None):
        if terms is not None and not isinstance(terms, Mapping):
            raise InvalidInput("terms", "a mapping {word (tuple of letters): coefficient}", describe(terms))
        self.terms = {k: v for k, v in (terms or {}).items() if v != 0}

    def __add__(self, other: "NC") -> "NC":
        if not isinstance(other, NC):
            return NotImplemented
        out = dict(self.terms)
        for k, v in other.terms.items():
            out[k] = out.get(k, 0) + v
        return NC(out)

    def __neg__(self) -> "NC":
        return NC({k: -v for k, v in self.terms.items()})

    def __sub__(self, other: "NC") -> "NC":
        if not isinstance(other, NC):
            return NotImplemented
        return self + (-other)

    def __mul__(self, other: Any) -> "NC":
        if isinstance(other, NC):
            out: dict = {}
            for k1, v1 in self.terms.items():
                for k2, v2 in other.terms.items():
                    out[k1 + k2] = out.get(k1 + k2, 0) + v1 * v2
            return NC(out)
        _coefficient("scalar", other)
        return NC({k: v * other for k, v in self.terms.items()})

    def __rmul__(self, other: Any) -> "NC":
        _coefficient("scalar", other)
        return NC({k: other * v for k, v in self.terms.items()})


def letter(op: Any) -> NC:
    """The fixed operator ``op`` (an :class:`~qnnsym.symbolic.haar.Op`) as a polynomial."""
    return NC({(_op("op", op),): 1})


def conj(op: Any, group: str) -> NC:
    """``V_group op V_group†`` as a polynomial."""
    return NC({(Conj(op, group),): 1})


def commutator(a: NC, b: NC) -> NC:
    """``a b - b a``."""
    _nc("a", a), _nc("b", b)
    return a * b - b * a


def tr(p: NC) -> dict:
    """The trace of ``p`` as a trace polynomial ``{sorted tuple of cyclic words: coefficient}``."""
    out: dict = {}
    for w, c in _nc("p", p).terms.items():
        key = (_canon(w),)
        out[key] = out.get(key, 0) + c
    return out


def trace_product(*factors: Mapping) -> dict:
    """The product of trace polynomials (and scalars)."""
    out: dict = {(): 1}
    for i, f in enumerate(factors):
        if isinstance(f, Mapping):
            _trace_poly(f"factors[{i}]", f)
        else:
            _coefficient(f"factors[{i}]", f)
        if not isinstance(f, Mapping):
            out = {k: v * f for k, v in out.items()}
            continue
        new: dict = {}
        for k1, v1 in out.items():
            for k2, v2 in f.items():
                key = tuple(sorted(k1 + k2, key=lambda w: tuple(_name(x) for x in w)))
                new[key] = new.get(key, 0) + v1 * v2
        out = new
    return out


def tp_add(*polys: Mapping, weights: Iterable[Any] | None = None) -> dict:
    """A linear combination of trace polynomials."""
    for i, p in enumerate(polys):
        _trace_poly(f"polys[{i}]", p)
    if weights is not None and (isinstance(weights, (str, bytes)) or not isinstance(weights, Iterable)):
        raise InvalidInput("weights", f"{len(polys)} numbers or SymPy expressions", describe(weights))
    weights = list(weights) if weights is not None else [1] * len(polys)
    if len(weights) != len(polys):
        raise InvalidInput("weights", f"{len(polys)} weights (one per polynomial)", f"{len(weights)}")
    for i, w in enumerate(weights):
        _coefficient(f"weights[{i}]", w)
    out: dict = {}
    for p, w in zip(polys, weights):
        for k, v in p.items():
            out[k] = out.get(k, 0) + w * v
    return out


@lru_cache(maxsize=None)
def _twirl_cached(ops: tuple, d: Any, subs: tuple) -> tuple:
    """``twirl(list(ops), t, d)`` from the Weingarten machinery, coefficients in permutation order."""
    from qnnsym.symbolic import permutations as perm
    from qnnsym.symbolic.haar import twirl

    t = len(ops)
    c = twirl(list(ops), t, d)
    out = []
    for tau in perm.all_permutations(t):
        v = c[tau]
        if subs:
            v = v.subs(dict(subs))
        out.append((tau, v))
    return tuple(out)


def haar_average_words(poly: Mapping, group: str, d: Any = None, *, subs: Mapping | None = None) -> dict:
    """Average the trace polynomial ``poly`` over the Haar unitary of ``group``.

    Every letter ``Conj(X, group)`` is a slot; the ``t`` slots of a term are twirled together
    (:func:`qnnsym.symbolic.haar.twirl` with the abstract operators ``X_k``; ``subs`` is applied to
    the twirl coefficients, e.g. ``{tr(e0*e1): 0}`` for orthogonal projectors) and ``P_τ`` is
    contracted into the words (module docstring).  Letters of other groups stay letters.
    """
    from qnnsym.symbolic import permutations as perm
    from qnnsym.symbolic.symbols import d as D

    _trace_poly("poly", poly)
    _group("group", group)
    dd = _dim(d)
    if subs is not None and not isinstance(subs, Mapping):
        raise InvalidInput("subs", "a mapping {SymPy expression: value} or None", describe(subs))
    subs_t = tuple(sorted(((k, v) for k, v in (subs or {}).items()), key=lambda kv: str(kv[0])))
    acc: dict = defaultdict(lambda: defaultdict(int))
    for words, coeff in poly.items():
        carried, slot_ops, blocks, nxt = [], [], [], []
        for w in words:
            pos = [i for i, x in enumerate(w) if isinstance(x, Conj) and x.group == group]
            if not pos:
                carried.append(w)
                continue
            base = len(slot_ops)
            r = len(pos)
            for a, q in enumerate(pos):
                slot_ops.append(w[q].op)
                q2 = pos[(a + 1) % r]
                blocks.append(w[q + 1:q2] if q2 > q else w[q + 1:] + w[:q2])
                nxt.append(base + (a + 1) % r)
        t = len(slot_ops)
        if t == 0:
            acc[tuple(words)][coeff] += 1
            continue
        for tau, c_tau in _twirl_cached(tuple(slot_ops), dd, subs_t):
            if c_tau == 0:
                continue
            tinv = perm._inverse(tau)
            phi = [tinv[nxt[k]] for k in range(t)]
            seen = [False] * t
            new_words = list(carried)
            for k in range(t):
                if seen[k]:
                    continue
                w: tuple = ()
                j = k
                while not seen[j]:
                    seen[j] = True
                    w = w + tuple(blocks[j])
                    j = phi[j]
                new_words.append(_canon(w))
            key = tuple(sorted(new_words, key=lambda x: tuple(_name(y) for y in x)))
            acc[key][coeff * c_tau] += 1
    out: dict = {}
    import sympy as sp

    for key, counter in acc.items():
        out[key] = sp.Add(*[n * c for c, n in counter.items()])
    return out


@dataclass(frozen=True)
class Haar:
    """The letter ``V`` (``dagger=False``) or ``V†`` of the Haar unitary of ``group``, for words in
    which ``V`` and ``V†`` do not come in conjugating pairs (shared unitaries between layers)."""

    group: str
    dagger: bool = False

    def __post_init__(self) -> None:
        _group("group", self.group)
        if not isinstance(self.dagger, bool):
            raise InvalidInput("dagger", "True or False", describe(self.dagger))

    @property
    def name(self) -> str:
        return f"<{self.group}{'†' if self.dagger else ''}>"


def haar(group: str, dagger: bool = False) -> NC:
    """The loose letter ``V_group`` (or ``V_group†`` with ``dagger``) as a polynomial."""
    return NC({(Haar(group, dagger),): 1})


def haar_average_letters(poly: Mapping, group: str, d: Any = None) -> dict:
    """Average over the Haar unitary ``V`` of ``group`` appearing as separate letters ``V``, ``V†``.

    Collins–Śniady: ``E[Π_k V_{i_k j_k} Π_k conj(V_{i'_k j'_k})] = Σ_{σ,τ} Π_k δ(i_k, i'_{σ(k)})
    δ(j_k, j'_{τ(k)}) Wg(στ⁻¹, d)`` (the convention of :mod:`qnnsym.symbolic.weingarten`), with a
    ``V†`` letter read as ``(V†)_{rs} = conj(V_{sr})``.  Cut every word at its Haar letters into
    blocks (``b_L`` = the fixed letters after Haar letter ``L``).  The column of block ``b_L`` is the
    row of the next Haar letter ``L'``: if ``L' = V_k`` it is joined to ``b`` after ``V†_{σ(k)}``; if
    ``L' = V†_k`` to ``b`` after ``V_{τ⁻¹(k)}``.  Each cycle of blocks is one trace.
    """
    from qnnsym.symbolic import permutations as perm
    from qnnsym.symbolic.symbols import d as D
    from qnnsym.symbolic.weingarten import weingarten_table

    _trace_poly("poly", poly)
    _group("group", group)
    dd = _dim(d)
    acc: dict = defaultdict(lambda: defaultdict(int))
    for words, coeff in poly.items():
        carried, blocks, succ_letter = [], {}, {}
        vs, vds = [], []  # letter ids of V and V† occurrences
        lid = 0
        for w in words:
            pos = [i for i, x in enumerate(w) if isinstance(x, Haar) and x.group == group]
            if not pos:
                carried.append(w)
                continue
            ids = list(range(lid, lid + len(pos)))
            lid += len(pos)
            for a, q in enumerate(pos):
                (vds if w[q].dagger else vs).append(ids[a])
                q2 = pos[(a + 1) % len(pos)]
                blocks[ids[a]] = w[q + 1:q2] if q2 > q else w[q + 1:] + w[:q2]
                succ_letter[ids[a]] = ids[(a + 1) % len(pos)]
        t = len(vs)
        if t == 0:
            acc[tuple(words)][coeff] += 1
            continue
        if len(vds) != t:
            continue  # unequal numbers of V and V†: the average vanishes (phase invariance)
        if t > perm.MAX_TABLE_T:
            n = math.factorial(t)
            raise TooLarge("poly", f"at most {perm.MAX_TABLE_T} letters V (and as many V†) of group {group!r} in a "
                           f"term (t!^2 pairs of permutations)",
                           f"t = {t} ({n * n} pairs); use qnnsym.numeric.haar.haar_average (Monte Carlo) instead")
        kind = {L: ("v", k) for k, L in enumerate(vs)}
        kind.update({L: ("vd", k) for k, L in enumerate(vds)})
        table = weingarten_table(t, dd)
        for sig in perm.all_permutations(t):
            for tau in perm.all_permutations(t):
                wg = table[perm._cycle_type(perm._compose(sig, perm._inverse(tau)))]
                if wg == 0:
                    continue
                tinv = perm._inverse(tau)
                nxt = {}
                for L in blocks:
                    typ, k = kind[succ_letter[L]]
                    nxt[L] = vds[sig[k]] if typ == "v" else vs[tinv[k]]
                seen, new_words = set(), list(carried)
                for L in blocks:
                    if L in seen:
                        continue
                    wd: tuple = ()
                    j = L
                    while j not in seen:
                        seen.add(j)
                        wd = wd + tuple(blocks[j])
                        j = nxt[j]
                    new_words.append(_canon(wd))
                key = tuple(sorted(new_words, key=lambda x: tuple(_name(y) for y in x)))
                acc[key][coeff * wg] += 1
    import sympy as sp

    return {key: sp.Add(*[n * c for c, n in counter.items()]) for key, counter in acc.items()}


def to_sympy(poly: Mapping, d: Any = None) -> Any:
    """A trace polynomial without Haar letters as SymPy (trace invariants of
    :func:`qnnsym.symbolic.haar.trace_invariant`; the empty word is ``tr I = d``, the symbol unless
    an explicit ``d`` is given)."""
    import sympy as sp

    from qnnsym.symbolic.haar import trace_invariant
    from qnnsym.symbolic.symbols import d as D

    _trace_poly("poly", poly)
    if d is not None:
        _dim(d)
    terms = []
    for words, coeff in poly.items():
        factors = []
        for w in words:
            if any(isinstance(x, (Conj, Haar)) for x in w):
                raise InvalidInput("poly", "a trace polynomial without Haar letters (average them first)",
                                   f"the word {tuple(_name(x) for x in w)}")
            factors.append(trace_invariant(*w))
        terms.append(coeff * sp.Mul(*factors))
    out = sp.Add(*terms)
    return out if d is None or d == D else out.subs(D, d)

