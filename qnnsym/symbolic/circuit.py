r"""Exact circuits: ``U(θ)``, ``M(θ) = U† M_0 U`` and ``ŷ_i(θ)`` as SymPy expressions.

The model is the same :class:`~qnnsym.model.QNN` the numeric engine reads (C1, C2).  Two
roads are offered:

* the **matrix road** (:func:`unitary`): ``U(θ)`` as a ``d × d`` SymPy matrix, one exact
  matrix per gate; a Pauli rotation is written ``exp(-iθcP) = cos(cθ) I - i sin(cθ) P``
  (``P² = I``, no matrix exponential), a diagonal generator ``diag(exp(-iθh_k))``;
* the **Heisenberg road** (:func:`effective_measurement`, :func:`predictions`): ``M(θ)`` as a
  Pauli sum ``Σ_Q a_Q(θ) Q`` obtained by conjugating ``M_0`` back through the circuit.  For a
  rotation ``G = exp(-iθcP)`` and a Pauli string ``Q``

  .. math::

     G^\dagger Q G = \begin{cases} Q & [P, Q] = 0,\\
     \cos(2c\theta)\, Q + \sin(2c\theta)\, iPQ & \{P, Q\} = 0, \end{cases}

  (``e^{iθcP} Q = Q e^{-iθcP}`` when ``P, Q`` anticommute, so ``G†QG = e^{2iθcP}Q``) and
  ``iPQ = ±R`` is again a Pauli string.  A fixed gate ``g`` maps ``Q ↦ g†Qg = Σ_R t_{QR} R``
  with ``t_{QR} = tr(R g†Qg)/2^k`` computed exactly from the gate's exact matrix (a Clifford
  gate gives one ``±R``; ``T`` gives ``(Q ± R)/√2``-type sums).

Coefficients ``a_Q`` are kept in a canonical *trigonometric normal form*: sums of
``coeff · Π_v f_v`` with ``f_v ∈ {cos(kv), sin(kv)}``, ``k > 0``, at most one factor per
variable (products of factors in the same variable are reduced at once by the product-to-sum
formulas, see :mod:`qnnsym.symbolic.kernel`).  Two equal trig polynomials therefore have
identical normal forms, and "is zero" is decided by ``== 0``.

Exact numbers.  A float in the model (a generator coefficient ``0.5``, a label ``1.0``, a state
entry) is read exactly when it is a dyadic rational with denominator ``≤ 2^20`` or the double
nearest to ``p/q`` with ``q ≤ 1000``; any other float stays a SymPy ``Float``.  Named gates
are exact by name (``H = [[1, 1], [1, -1]]/√2``, ``T = diag(1, e^{iπ/4})``...); an ``'U'`` gate
or a :class:`~qnnsym.model.DenseUnitary` stays in floats unless ``rationalize=tol`` is given,
which runs :func:`sympy.nsimplify` with that tolerance on its entries.

>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.symbolic.circuit import predictions, effective_measurement
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")
>>> effective_measurement(qnn).terms
{'X': -sin(theta_1), 'Z': cos(theta_1)}
>>> predictions(qnn, Dataset.basis_state(2))
Matrix([[cos(theta_1)]])
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import cmp_to_key, lru_cache
from typing import Any, Iterable, Sequence

import numpy as np
import sympy as sp

from ..errors import InvalidInput, TooLarge
from ..model import QNN, Dataset, DenseHermitian, DenseUnitary, DiagonalOperator, GateSequence, PauliOperator
from ..model.encoding import AngleEncoding
from ..model.gates import NAMED_GATES, Gate
from ..model.pauli import PauliString
from .printing import register_latex_name
from .symbols import feature, theta

__all__ = [
    "PauliSum",
    "DEFAULT_MAX_TERMS",
    "exact_number",
    "gate_matrix",
    "theta_symbols",
    "feature_symbols",
    "unitary",
    "effective_measurement",
    "predictions",
    "prediction_function",
    "estimate_measurement_terms",
    "MAX_DENSE_QUBITS",
]

#: Default limit on the estimated number of (Pauli string, trig monomial) terms of ``M(θ)``.
DEFAULT_MAX_TERMS = 200_000

#: Dense fixed unitaries / dense Hermitian operators are expanded in the Pauli basis up to this size.
MAX_DENSE_QUBITS = 4

#: Float coefficients (from float gates) below this are dropped as round-off.
FLOAT_DROP = 1e-14

_PHASE = {1: sp.Integer(1), -1: sp.Integer(-1), 1j: sp.I, -1j: -sp.I}


# --------------------------------------------------------------------------- symbols
@lru_cache(maxsize=None)
def _sample_feature(i: int, q: int) -> sp.Symbol:
    """``x_{i,q}`` (printed ``x_i_q``): feature ``q`` of sample ``i`` (real).

    :mod:`qnnsym.symbolic.symbols` provides one feature symbol per qubit, ``feature(q) = x_q``
    (the generic input); a kernel between several encoded samples needs one set per sample,
    created here once each with the same assumption (real).
    """
    register_latex_name(f"x_{i}_{q}", f"x_{{{i},{q}}}")
    return sp.Symbol(f"x_{i}_{q}", real=True)


def _theta(l: int) -> sp.Symbol:
    """``θ_l`` (1-based, C1)."""
    return theta(l)


def _feature(i: int | None, q: int) -> sp.Symbol:
    """Feature symbol of qubit ``q``: ``x_q`` for the generic input, ``x_{i,q}`` for sample ``i``."""
    return feature(q) if i is None else _sample_feature(i, q)


def theta_symbols(p: int | QNN) -> tuple[sp.Symbol, ...]:
    """The real symbols ``(θ_1, ..., θ_p)`` of a model (or of ``p`` parameters).

    >>> theta_symbols(2)
    (theta_1, theta_2)
    """
    n = p.n_params if isinstance(p, QNN) else p
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidInput("p", "a QNN or a positive number of parameters", repr(p))
    return tuple(_theta(l) for l in range(1, int(n) + 1))


def feature_symbols(n_qubits: int, sample: int | None = None) -> tuple[sp.Symbol, ...]:
    """Real feature symbols ``(x_0, ..., x_{n-1})`` (one per encoded qubit), for one sample or generic.

    >>> feature_symbols(2)
    (x_0, x_1)
    """
    if isinstance(n_qubits, bool) or not isinstance(n_qubits, (int, np.integer)) or n_qubits < 1:
        raise InvalidInput("n_qubits", "a positive integer", repr(n_qubits))
    return tuple(_feature(sample, q) for q in range(int(n_qubits)))


# --------------------------------------------------------------------------- exact numbers
def exact_number(x: Any, *, rationalize: float | None = None) -> sp.Expr:
    """A number as an exact SymPy number when that is unambiguous, else a ``Float``.

    Without ``rationalize`` a float is read exactly only if it *is* a dyadic rational with
    denominator ``≤ 2^20`` or the double nearest ``p/q`` with ``q ≤ 1000``; with
    ``rationalize=tol`` :func:`sympy.nsimplify` may also return radicals within ``tol``.

    >>> exact_number(0.5), exact_number(1 / 3), exact_number(0.1234567891234), exact_number(2j)
    (1/2, 1/3, 0.123456789123400, 2*I)
    """
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, (complex, np.complexfloating)):
        re, im = exact_number(float(x.real), rationalize=rationalize), exact_number(float(x.imag), rationalize=rationalize)
        return re + sp.I * im
    if isinstance(x, (bool, int, np.integer)):
        return sp.Integer(int(x))
    x = float(x)
    if not np.isfinite(x):
        raise InvalidInput("x", "a finite number", repr(x))
    if rationalize is not None:
        return sp.nsimplify(x, [sp.sqrt(2), sp.sqrt(3)], tolerance=rationalize)
    fr = Fraction(x)
    if fr.denominator <= 2**20:
        return sp.Rational(fr.numerator, fr.denominator)
    near = fr.limit_denominator(1000)
    if float(near) == x:
        return sp.Rational(near.numerator, near.denominator)
    return sp.Float(x)


def _canon(c: Any) -> Any:
    """Canonical coefficient: ``int``/``Fraction``/``float`` when the value is such a number,
    otherwise an ``expand``-ed SymPy expression (radicals such as ``√2/2``, ``I``)."""
    if isinstance(c, sp.Basic):
        if not c.is_Number:
            c = sp.expand(c)
            if not c.is_Number:
                return c
        if c.is_Integer:
            return int(c)
        if c.is_Rational:
            return Fraction(int(c.p), int(c.q))
        return float(c)
    if isinstance(c, float) and abs(c) <= FLOAT_DROP:
        return 0
    return c


def _to_sympy(c: Any) -> sp.Expr:
    if isinstance(c, Fraction):
        return sp.Rational(c.numerator, c.denominator)
    return sp.sympify(c)


# --------------------------------------------------------------------------- trig polynomials
# A factor is ``(variable id, kind, frequency)`` with kind COS or SIN and frequency > 0 (an int,
# a Fraction or a SymPy number); a monomial is a tuple of factors sorted by variable id.
COS, SIN = 0, 1
_VAR_IDS: dict = {}
_VARS: list = []


def _vid(sym: sp.Symbol) -> int:
    """A stable small integer per symbol (the order monomials are sorted in)."""
    try:
        return _VAR_IDS[sym]
    except KeyError:
        _VAR_IDS[sym] = len(_VARS)
        _VARS.append(sym)
        return _VAR_IDS[sym]


def _freq(f: Any) -> Any:
    return _canon(sp.sympify(f)) if not isinstance(f, (int, Fraction)) else f


def _norm(sign: int, kind: int, f: Any) -> tuple | None:
    """``sign * kind(f v)`` normalised to ``f > 0``; ``(sign, None, None)`` for ``cos 0 = 1``; ``None`` for ``sin 0``."""
    if f == 0:
        return None if kind == SIN else (sign, None, None)
    if f < 0:
        return (sign, COS, -f) if kind == COS else (-sign, SIN, -f)
    return (sign, kind, f)


@lru_cache(maxsize=None)
def _factor_product(ka: int, fa: Any, kb: int, fb: Any) -> tuple:
    """Power reduction (product-to-sum) of two factors in one variable, each term times ½:

    ``cos a cos b = ½[cos(a−b) + cos(a+b)]``, ``sin a sin b = ½[cos(a−b) − cos(a+b)]``,
    ``sin a cos b = ½[sin(a+b) + sin(a−b)]``, ``cos a sin b = ½[sin(a+b) − sin(a−b)]``.
    """
    if ka == COS and kb == COS:
        out = (_norm(1, COS, fa - fb), _norm(1, COS, fa + fb))
    elif ka == SIN and kb == SIN:
        out = (_norm(1, COS, fa - fb), _norm(-1, COS, fa + fb))
    elif ka == SIN:
        out = (_norm(1, SIN, fa + fb), _norm(1, SIN, fa - fb))
    else:
        out = (_norm(1, SIN, fa + fb), _norm(1, SIN, fb - fa))
    return tuple(t for t in out if t is not None)


_INV2 = [Fraction(1, 2**s) for s in range(256)]


@lru_cache(maxsize=None)
def _factor_expr(factor: tuple) -> sp.Expr:
    v, kind, f = factor
    return (sp.cos if kind == COS else sp.sin)(_to_sympy(f) * _VARS[v])


def _mono_product(m1: tuple, m2: tuple) -> tuple[int, list]:
    """Product of two monomials, reduced per shared variable.

    Returns ``(h, [(sign, monomial), ...])``: the product is ``2^{-h} Σ sign · monomial`` where
    ``h`` is the number of shared variables (each contributes a factor ½ by power reduction).
    """
    if not m1 or not m2:
        return 0, [(1, m1 or m2)]
    parts: list = [(1, [])]
    halves = 0
    i = j = 0
    n1, n2 = len(m1), len(m2)
    while i < n1 or j < n2:
        if j >= n2 or (i < n1 and m1[i][0] < m2[j][0]):
            for _, lst in parts:
                lst.append(m1[i])
            i += 1
        elif i >= n1 or m2[j][0] < m1[i][0]:
            for _, lst in parts:
                lst.append(m2[j])
            j += 1
        else:
            v = m1[i][0]
            prods = _factor_product(m1[i][1], m1[i][2], m2[j][1], m2[j][2])
            halves += 1
            new = []
            for s, lst in parts:
                for s2, kind, f in prods:
                    new.append((s * s2, lst + [(v, kind, f)] if kind is not None else list(lst)))
            parts = new
            i += 1
            j += 1
    return halves, [(s, tuple(lst)) for s, lst in parts]


class TrigPoly:
    """A trigonometric polynomial in normal form (internal representation).

    ``terms`` maps a monomial (factors ``(variable id, COS|SIN, frequency > 0)`` sorted by
    variable id, at most one per variable) to a non-zero coefficient.
    """

    __slots__ = ("terms",)

    def __init__(self, terms: dict | None = None):
        self.terms: dict = terms if terms is not None else {}

    @classmethod
    def constant(cls, c: Any) -> "TrigPoly":
        c = _canon(c)
        return cls({} if c == 0 else {(): c})

    @classmethod
    def factor(cls, var: sp.Symbol, kind: int, freq: Any, coeff: Any = 1) -> "TrigPoly":
        """``coeff * cos(freq var)`` or ``coeff * sin(freq var)``."""
        t = _norm(1, kind, _freq(freq))
        if t is None:
            return cls()
        s, k, f = t
        return cls({(): s * coeff} if k is None else {((_vid(var), k, f),): s * coeff})

    def is_zero(self) -> bool:
        return not self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def add_into(self, other: "TrigPoly", scale: Any = 1) -> None:
        """``self += scale * other`` in place, collecting like monomials."""
        t = self.terms
        scale = _canon(scale)
        for mono, c in other.terms.items():
            new = _canon(t.get(mono, 0) + (c if scale == 1 else scale * c))
            if new == 0:
                t.pop(mono, None)
            else:
                t[mono] = new

    def __mul__(self, other: "TrigPoly") -> "TrigPoly":
        return _sum_of_products([(self, other)])[0]

    def diff(self, var: sp.Symbol) -> "TrigPoly":
        """Term-wise ``d/dvar``: ``cos(kv)' = -k sin(kv)``, ``sin(kv)' = k cos(kv)``."""
        vid = _vid(var)
        out = {}
        for mono, c in self.terms.items():
            for j, (v, kind, f) in enumerate(mono):
                if v == vid:
                    new = mono[:j] + ((v, SIN if kind == COS else COS, f),) + mono[j + 1 :]
                    out[new] = _canon(-f * c if kind == COS else f * c)
                    break
        return TrigPoly(out)

    def to_expr(self) -> sp.Expr:
        """The SymPy expression ``Σ coeff Π cos/sin(k v)``."""
        # Terms are built in SymPy's canonical argument order (number first, then factors sorted
        # by Basic.compare), which is what Mul(...) would produce, without re-running Mul.flatten.
        factors = {f for mono in self.terms for f in mono}
        order = sorted((_factor_expr(f) for f in factors), key=cmp_to_key(sp.Basic.compare))
        rank = {e: i for i, e in enumerate(order)}
        args = []
        for mono, c in self.terms.items():
            c = _to_sympy(c)
            fac = sorted((_factor_expr(f) for f in mono), key=rank.__getitem__)
            if not c.is_Number or not fac:
                args.append(sp.Mul(c, *fac))
            elif c == 1 and len(fac) == 1:
                args.append(fac[0])
            else:
                args.append(sp.Mul._from_args(tuple(fac) if c == 1 else (c, *fac), True))
        return sp.Add(*args)


def _sum_of_products(pairs: Iterable[tuple["TrigPoly", "TrigPoly"]]) -> tuple["TrigPoly", int, int]:
    """``Σ_k a_k b_k`` in normal form: expand every monomial pair, power-reduce, collect.

    With only rational coefficients the accumulation runs in Python integers (every
    coefficient scaled by a common ``D · 2^H``, divided out once at the end); otherwise in the
    coefficients' own arithmetic (floats, or SymPy for radicals).  Returns the polynomial, the
    number of raw monomial products and the number of distinct monomials before cancellation.
    """
    pairs = [(a, b) for a, b in pairs if a.terms and b.terms]
    coeffs = [c for a, b in pairs for t in (a, b) for c in t.terms.values()]
    rational = all(isinstance(c, (int, Fraction)) for c in coeffs)
    acc: dict = {}
    get = acc.get
    raw = 0
    if rational:
        den = math.lcm(*[c.denominator for c in coeffs]) if coeffs else 1
        top = max([len(m) for a, b in pairs for m in a.terms] + [0])
        for a, b in pairs:
            bi = [(m, int(c * den)) for m, c in b.terms.items()]
            for m1, c1 in a.terms.items():
                c1 = int(c1 * den)
                for m2, c2 in bi:
                    raw += 1
                    h, parts = _mono_product(m1, m2)
                    c = (c1 * c2) << (top - h)
                    for s, mono in parts:
                        acc[mono] = get(mono, 0) + (c if s > 0 else -c)
        scale = Fraction(1, den * den << top)
        out = {}
        for mono, c in acc.items():
            if c:
                c = c * scale
                out[mono] = c.numerator if c.denominator == 1 else c
        return TrigPoly(out), raw, len(acc)
    for a, b in pairs:
        for m1, c1 in a.terms.items():
            for m2, c2 in b.terms.items():
                raw += 1
                h, parts = _mono_product(m1, m2)
                c = c1 * c2 * (_INV2[h] if h < len(_INV2) else Fraction(1, 1 << h)) if h else c1 * c2
                neg = -c
                for s, mono in parts:
                    acc[mono] = get(mono, 0) + (c if s > 0 else neg)
    return _collect(acc), raw, len(acc)


def _collect(acc: dict) -> TrigPoly:
    out = {}
    for mono, c in acc.items():
        c = _canon(c)
        if c != 0:
            out[mono] = c
    return TrigPoly(out)


# --------------------------------------------------------------------------- Pauli algebra
class PauliSum:
    """A Hermitian operator ``Σ_Q a_Q Q`` over Pauli strings (labels spelled qubit 0 first, C6).

    Attributes
    ----------
    terms : dict
        Pauli label → SymPy coefficient (zero coefficients are omitted).
    n_qubits : int
    """

    def __init__(self, terms: dict, n_qubits: int):
        self.terms = {k: terms[k] for k in sorted(terms)}
        self.n_qubits = n_qubits

    def to_matrix(self) -> sp.Matrix:
        """The dense ``2^n × 2^n`` SymPy matrix ``Σ_Q a_Q Q``."""
        d = 2**self.n_qubits
        out = sp.zeros(d, d)
        for label, c in self.terms.items():
            out += c * pauli_matrix(label)
        return out

    def __repr__(self) -> str:
        return f"PauliSum({self.terms!r})"


@lru_cache(maxsize=None)
def pauli_matrix(label: str) -> sp.ImmutableMatrix:
    """The exact matrix of a Pauli string (Kronecker product, qubit 0 most significant)."""
    single = {
        "I": sp.eye(2),
        "X": sp.Matrix([[0, 1], [1, 0]]),
        "Y": sp.Matrix([[0, -sp.I], [sp.I, 0]]),
        "Z": sp.Matrix([[1, 0], [0, -1]]),
    }
    out = sp.Matrix([[1]])
    for ch in label:
        out = sp.kronecker_product(out, single[ch])
    return sp.ImmutableMatrix(out)


def _times(a: str, b: str) -> tuple[sp.Expr, str]:
    """``a b = phase * c`` for Pauli labels (exact phase)."""
    ph, c = PauliString(a) * PauliString(b)
    return _PHASE[complex(ph) if complex(ph).imag else int(ph.real)], c.label


@lru_cache(maxsize=None)
def _commutes(a: str, b: str) -> bool:
    return PauliString(a).commutes_with(PauliString(b))


@lru_cache(maxsize=None)
def gate_matrix(name: str) -> sp.ImmutableMatrix:
    """Exact SymPy matrix of a named gate (:data:`qnnsym.model.gates.NAMED_GATES`).

    >>> gate_matrix("T")
    Matrix([
    [1,           0],
    [0, exp(I*pi/4)]])
    """
    s = 1 / sp.sqrt(2)
    mats = {
        "I": sp.eye(2),
        "H": sp.Matrix([[s, s], [s, -s]]),
        "X": sp.Matrix([[0, 1], [1, 0]]),
        "Y": sp.Matrix([[0, -sp.I], [sp.I, 0]]),
        "Z": sp.Matrix([[1, 0], [0, -1]]),
        "S": sp.diag(1, sp.I),
        "T": sp.diag(1, sp.exp(sp.I * sp.pi / 4)),
        "CNOT": sp.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]),
        "CZ": sp.diag(1, 1, 1, -1),
        "SWAP": sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]),
    }
    key = str(name).upper()
    if key not in mats:
        raise InvalidInput("name", f"one of {sorted(mats)}", repr(name))
    return sp.ImmutableMatrix(mats[key])


def _labels(k: int) -> list[str]:
    return ["".join(t) for t in itertools.product("IXYZ", repeat=k)]


def _exact_table(u: sp.Matrix, k: int) -> dict[str, list[tuple[str, sp.Expr]]]:
    """``Q ↦ u†Qu = Σ_R t_QR R`` with ``t_QR = tr(R u†Qu)/2^k`` in exact arithmetic.

    Entries are put in radical form first (``expand_complex``: ``e^{iπ/4} = (1+i)/√2``).
    """
    u = u.applyfunc(lambda e: sp.expand_complex(e))
    ud = u.H
    table = {}
    for q in _labels(k):
        a = (ud * pauli_matrix(q) * u).applyfunc(sp.expand)
        row = []
        for r in _labels(k):
            t = sp.expand(sp.expand_complex((pauli_matrix(r) * a).trace() / 2**k))
            if sp.im(t) != 0:
                raise InvalidInput("gate", "a unitary (so that u†Qu has real Pauli coefficients)", f"coefficient {t}")
            if t != 0:
                row.append((r, t))
        table[q] = row
    return table


@lru_cache(maxsize=None)
def _pauli_stack(k: int) -> np.ndarray:
    """All ``4^k`` Pauli matrices in :func:`_labels` order, shape ``(4^k, 2^k, 2^k)``."""
    return np.array([PauliString(q).matrix() for q in _labels(k)])


def _pauli_coefficients(a: np.ndarray, k: int) -> np.ndarray:
    """Float Pauli coefficients ``tr(Q A)/2^k`` of a batch of matrices ``a`` (``(..., 2^k, 2^k)``).

    Uses ``tr(QA) = Σ_b i^{n_Y} (-1)^{|b ∧ z|} A[b, b ⊕ x]`` (C6 bit masks), ``O(4^k 2^k)`` per matrix.
    """
    d = 2**k
    b = np.arange(d)
    parity = np.array([bin(v).count("1") & 1 for v in range(d)])
    out = np.empty(a.shape[:-2] + (4**k,), dtype=np.complex128)
    for j, q in enumerate(_labels(k)):
        p = PauliString(q)
        phase = (1j**p.n_y) * (1 - 2 * parity[b & p.z_mask])
        out[..., j] = np.sum(phase * a[..., b, b ^ p.x_mask], axis=-1) / d
    return out


def _float_table(u: np.ndarray, k: int) -> dict[str, list[tuple[str, sp.Expr]]]:
    """``Q ↦ u†Qu = Σ_R t_QR R`` in floats (the Pauli transfer matrix of ``u``), for float gates."""
    conj = np.einsum("ba,qbc,cd->qad", u.conj(), _pauli_stack(k), u)
    coeffs = _pauli_coefficients(conj, k).real
    labels = _labels(k)
    return {q: [(labels[j], exact_number(float(t))) for j, t in enumerate(row) if abs(t) > FLOAT_DROP]
            for q, row in zip(labels, coeffs)}


@lru_cache(maxsize=None)
def _named_table(name: str) -> dict:
    m = gate_matrix(name)
    return _exact_table(m, int(np.log2(m.shape[0])))


def _gate_table(gate: Gate, rationalize: float | None, cache: dict) -> dict:
    if gate.name in NAMED_GATES:
        return _named_table(gate.name)
    key = (id(gate), rationalize)
    if key not in cache:
        k = len(gate.qubits)
        if rationalize is None:
            cache[key] = _float_table(np.asarray(gate.matrix), k)
        else:
            cache[key] = _exact_table(_exact_matrix(gate.matrix, rationalize), k)
    return cache[key]


# --------------------------------------------------------------------------- model → exact pieces
def _pauli_decomposition(mat: sp.Matrix, n: int) -> dict[str, sp.Expr]:
    """Exact ``A = Σ_Q (tr(QA)/2^n) Q``."""
    out = {}
    for q in _labels(n):
        t = sp.expand((pauli_matrix(q) * mat).trace() / 2**n)
        if t != 0:
            out[q] = t
    return out


def _exact_matrix(a: np.ndarray, rationalize: float | None) -> sp.Matrix:
    a = np.asarray(a)
    return sp.Matrix(a.shape[0], a.shape[1], [exact_number(complex(z), rationalize=rationalize) for z in a.ravel()])


def _diagonal_decomposition(h: Sequence, n: int) -> dict[str, sp.Expr]:
    """``diag(h) = Σ_S h_S Z_S`` with ``h_S = 2^{-n} Σ_b h_b (-1)^{|b ∧ S|}`` (exact)."""
    out = {}
    d = 2**n
    for label in ("".join(t) for t in itertools.product("IZ", repeat=n)):
        z = PauliString(label).z_mask
        t = sp.Rational(1, d) * sp.Add(*[h[b] * (-1) ** bin(b & z).count("1") for b in range(d)])
        if t != 0:
            out[label] = t
    return out


def _generator_terms(qnn: QNN, l: int, rationalize: float | None) -> list[tuple[str, sp.Expr]]:
    """The generator ``H_l`` as mutually commuting Pauli strings ``[(P, c)]``: ``exp(-iθH) = Π exp(-iθcP)``."""
    gen = qnn.layers[l].generator
    n = qnn.n_qubits
    where = f"qnn.layers[{l}].generator"
    if isinstance(gen, PauliOperator):
        return [] if gen.pauli.is_identity else [(gen.pauli.label, exact_number(gen.coeff, rationalize=rationalize))]
    if isinstance(gen, DiagonalOperator):
        h = [exact_number(v, rationalize=rationalize) for v in gen.diagonal]
        terms = _diagonal_decomposition(h, n)
    else:
        mat = _exact_matrix(gen.matrix(), rationalize)
        if any(e.has(sp.Float) for e in mat):
            raise InvalidInput(
                where,
                "a dense Hermitian generator with exact entries (or pass rationalize=tol), so that exp(-iθH) has an exact form",
                "float entries; use the numeric engine (qnnsym.numeric.jacobian) for this model",
            )
        terms = _pauli_decomposition(mat, n)
        labels = [q for q in terms if set(q) != {"I"}]
        if any(not _commutes(a, b) for a, b in itertools.combinations(labels, 2)):
            raise InvalidInput(
                where,
                "a dense Hermitian generator whose Pauli strings commute (exact eigenvalues Σ ±h_S)",
                "non-commuting Pauli components; use the numeric engine (qnnsym.numeric.jacobian)",
            )
    return [(q, c) for q, c in terms.items() if set(q) != {"I"}]


def _measurement_terms(qnn: QNN, rationalize: float | None) -> dict[str, sp.Expr]:
    m0 = qnn.measurement
    if isinstance(m0, PauliOperator):
        return {m0.pauli.label: exact_number(m0.coeff, rationalize=rationalize)}
    if isinstance(m0, DiagonalOperator):
        return _diagonal_decomposition([exact_number(v, rationalize=rationalize) for v in m0.diagonal], qnn.n_qubits)
    return _pauli_decomposition(_exact_matrix(m0.matrix(), rationalize), qnn.n_qubits)


def _require_qubits(qnn: Any, name: str = "qnn") -> QNN:
    if not isinstance(qnn, QNN):
        raise InvalidInput(name, "a qnnsym.model.QNN", type(qnn).__name__)
    if qnn.n_qubits is None:
        raise InvalidInput(
            name, "a qubit model (d = 2^n, n_qubits set) for the Pauli-basis expansion",
            f"a model on d = {qnn.dim}; use unitary() for the matrix road or qnnsym.numeric for numbers",
        )
    return qnn


def _fixed_steps(fixed: Any) -> list:
    """The fixed unitary ``W`` as gates in Heisenberg order (last gate first)."""
    if fixed is None:
        return []
    if isinstance(fixed, GateSequence):
        return list(reversed(fixed.gates))
    return [fixed]  # DenseUnitary


# --------------------------------------------------------------------------- size estimate
def _float_support(u: np.ndarray, k: int) -> dict[str, list[str]]:
    return {q: [r for r, _ in row] for q, row in _float_table(u, k).items()}


def estimate_measurement_terms(qnn: QNN) -> tuple[int, list[int]]:
    """Upper estimate of the size of ``M(θ)`` before any exact work.

    Propagates only *which* Pauli strings occur (gate supports from float Pauli transfer
    matrices) with a count of trig monomials per string: a non-commuting rotation doubles a
    count, a fixed gate spreads it over its image (``≤ 4^k`` strings), and a count never
    exceeds ``Π_l 3^{r_l}`` (``r_l`` commuting strings in ``H_l``).

    Returns
    -------
    total : int
        Estimated number of (Pauli string, monomial) terms of ``M(θ)``.
    per_string_cap : list of int
        The monomial cap after each layer (Heisenberg order), for reports.

    >>> from qnnsym.model import hardware_efficient_ansatz
    >>> estimate_measurement_terms(hardware_efficient_ansatz(2, 2))[0]
    11
    """
    qnn = _require_qubits(qnn)
    n = qnn.n_qubits
    dense = [l.fixed for l in qnn.layers] + [qnn.final] + [l.generator for l in qnn.layers] + [qnn.measurement]
    if n > MAX_DENSE_QUBITS and any(isinstance(x, (DenseUnitary, DenseHermitian)) for x in dense):
        raise TooLarge(
            "qnn", f"dense fixed unitaries or dense Hermitian operators on at most {MAX_DENSE_QUBITS} qubits "
            "(they mix all 4^n Pauli strings)",
            f"{n} qubits; use the numeric engine (qnnsym.numeric.predict / qnnsym.numeric.jacobian)",
        )
    counts = {q: 1 for q in _measurement_support(qnn)}
    cap = 1
    caps = []
    support_cache: dict = {}

    def through(fixed: Any) -> None:
        nonlocal counts
        for g in _fixed_steps(fixed):
            if isinstance(g, DenseUnitary):
                # a dense (e.g. Haar) unitary spreads every non-identity string over all 4^n - 1 of
                # them: assume so (an upper bound) instead of computing its transfer matrix
                qubits = tuple(range(n))
                sup = {q: ([q] if set(q) == {"I"} else [r for r in _labels(n) if set(r) != {"I"}]) for q in counts}
            else:
                key = g.name if g.name in NAMED_GATES else id(g)
                if key not in support_cache:
                    support_cache[key] = _float_support(np.asarray(g.matrix), len(g.qubits))
                sup, qubits = support_cache[key], g.qubits
            new: dict = {}
            for q, c in counts.items():
                local = "".join(q[j] for j in qubits)
                for r in sup[local]:
                    lab = list(q)
                    for j, ch in zip(qubits, r):
                        lab[j] = ch
                    key2 = "".join(lab)
                    new[key2] = min(new.get(key2, 0) + c, cap)
            counts = new

    through(qnn.final)
    for l in reversed(range(qnn.n_params)):
        gen = qnn.layers[l].generator
        if isinstance(gen, PauliOperator):
            strings = [] if gen.pauli.is_identity else [gen.pauli.label]
        else:
            strings = [q for q in _support(gen.matrix(), n) if set(q) != {"I"}]
        cap *= 3 ** len(strings) if len(strings) < 20 else 10**9
        for s in strings:
            new = {}
            for q, c in counts.items():
                new[q] = min(new.get(q, 0) + c, cap)
                if not _commutes(s, q):
                    r = _times(s, q)[1]
                    new[r] = min(new.get(r, 0) + c, cap)
            counts = new
        caps.append(cap)
        through(qnn.layers[l].fixed)
    return int(sum(counts.values())), caps


def _support(a: np.ndarray, n: int) -> list[str]:
    """Pauli strings with a non-zero coefficient in the (float) matrix ``a``."""
    coeffs = _pauli_coefficients(np.asarray(a, dtype=np.complex128), n)
    return [q for q, t in zip(_labels(n), coeffs) if abs(t) > FLOAT_DROP]


def _measurement_support(qnn: QNN) -> list[str]:
    m0 = qnn.measurement
    return [m0.pauli.label] if isinstance(m0, PauliOperator) else _support(m0.matrix(), qnn.n_qubits)


def _check_size(qnn: QNN, max_terms: int) -> int:
    if isinstance(max_terms, bool) or not isinstance(max_terms, (int, np.integer)) or max_terms < 1:
        raise InvalidInput("max_terms", "a positive integer", repr(max_terms))
    est, _ = estimate_measurement_terms(qnn)
    if est > max_terms:
        raise TooLarge(
            "qnn",
            f"an exact expansion of at most max_terms = {max_terms} (Pauli string, trig monomial) terms",
            f"an estimated {est} terms for M(θ) (d = {qnn.dim}, p = {qnn.n_params}); raise max_terms, "
            "or use the numeric engine (qnnsym.numeric.predict / qnnsym.numeric.jacobian)",
        )
    return est


# --------------------------------------------------------------------------- Heisenberg road
def _heisenberg(qnn: QNN, *, rationalize: float | None = None, steps: list | None = None) -> dict[str, TrigPoly]:
    """``M(θ)`` as ``{Pauli label: TrigPoly}`` by conjugating ``M_0`` back through the circuit."""
    n = qnn.n_qubits
    op = {q: TrigPoly.constant(c) for q, c in _measurement_terms(qnn, rationalize).items()}
    table_cache: dict = {}

    def through(fixed: Any, where: str) -> None:
        nonlocal op
        for g in _fixed_steps(fixed):
            if isinstance(g, DenseUnitary):
                key = ("dense", id(g), rationalize)
                if key not in table_cache:
                    table_cache[key] = (
                        _float_table(np.asarray(g.matrix), n) if rationalize is None
                        else _exact_table(_exact_matrix(g.matrix, rationalize), n)
                    )
                table, qubits = table_cache[key], tuple(range(n))
            else:
                table, qubits = _gate_table(g, rationalize, table_cache), g.qubits
            new: dict[str, TrigPoly] = {}
            for q, a in op.items():
                local = "".join(q[j] for j in qubits)
                for r, t in table[local]:
                    lab = list(q)
                    for j, ch in zip(qubits, r):
                        lab[j] = ch
                    new.setdefault("".join(lab), TrigPoly()).add_into(a, t)
            op = {q: a for q, a in new.items() if not a.is_zero()}
            if steps is not None:
                name = "dense W" if isinstance(g, DenseUnitary) else f"{g.name}{g.qubits}"
                steps.append((f"conjugate by fixed {name} ({where})", _summary(op)))

    through(qnn.final, "W_{p+1}")
    for l in reversed(range(qnn.n_params)):
        th = _theta(l + 1)
        for p_label, c in _generator_terms(qnn, l, rationalize):
            cos_f, sin_f = TrigPoly.factor(th, COS, 2 * c), TrigPoly.factor(th, SIN, 2 * c)
            new: dict[str, TrigPoly] = {}
            for q, a in op.items():
                if _commutes(p_label, q):
                    new.setdefault(q, TrigPoly()).add_into(a)
                    continue
                phase, r = _times(p_label, q)
                sign = sp.I * phase  # iPQ = (i phase) R with i*phase = ±1
                new.setdefault(q, TrigPoly()).add_into(a * cos_f)
                new.setdefault(r, TrigPoly()).add_into(a * sin_f, sign)
            op = {q: a for q, a in new.items() if not a.is_zero()}
        if steps is not None:
            steps.append((f"conjugate by exp(-i θ_{l + 1} H_{l + 1}) (Pauli rule)", _summary(op)))
        through(qnn.layers[l].fixed, f"W_{l + 1}")
    return op


def _summary(op: dict[str, TrigPoly]) -> str:
    return f"{len(op)} Pauli strings, {sum(len(a) for a in op.values())} trig monomials"


def effective_measurement(qnn: QNN, *, rationalize: float | None = None, max_terms: int = DEFAULT_MAX_TERMS) -> PauliSum:
    r"""``M(θ) = U(θ)† M_0 U(θ)`` (C2) as an exact Pauli sum in the real symbols ``θ_l``.

    Parameters
    ----------
    qnn : QNN
        A qubit model (``d = 2^n``).
    rationalize : float or None
        Tolerance for :func:`sympy.nsimplify` on float gates; ``None`` keeps them as floats.
    max_terms : int
        Refuse (:class:`~qnnsym.errors.TooLarge`) when the estimate of
        :func:`estimate_measurement_terms` exceeds it.

    Returns
    -------
    PauliSum
        ``Σ_Q a_Q(θ) Q`` with each ``a_Q`` in trigonometric normal form.

    Examples
    --------
    >>> from qnnsym.model import circuit
    >>> qnn = circuit(2, [("RX", 0), ("CNOT", 0, 1), ("RZ", 1)], measurement="ZI")
    >>> effective_measurement(qnn).terms     # θ_2 (RZ on the other qubit) has dropped out
    {'YI': sin(theta_1), 'ZI': cos(theta_1)}
    """
    qnn = _require_qubits(qnn)
    _check_size(qnn, max_terms)
    op = _heisenberg(qnn, rationalize=rationalize)
    return PauliSum({q: a.to_expr() for q, a in op.items()}, qnn.n_qubits)


# --------------------------------------------------------------------------- predictions
def _bloch(encoding: AngleEncoding, letter: str, x: sp.Symbol) -> TrigPoly:
    """``tr(ρ(x) σ)`` on one qubit: RY gives ``(sin a, 0, cos a)``, RX ``(0, -sin a, cos a)``, ``a = scale x``."""
    k = exact_number(encoding.scale)
    if letter == "I":
        return TrigPoly.constant(1)
    if letter == "Z":
        return TrigPoly.factor(x, COS, k)
    if (letter == "X") == (encoding.rotation == "RY"):
        return TrigPoly.factor(x, SIN, k, 1 if letter == "X" else -1)
    return TrigPoly()


def _encoded_trace(encoding: AngleEncoding, label: str, xs: Sequence[sp.Symbol]) -> TrigPoly:
    """``tr(ρ(x) Q) = Π_q tr(ρ_q(x_q) Q_q)`` for a product (angle-encoded) state."""
    out = TrigPoly.constant(1)
    for ch, x in zip(label, xs):
        out = out * _bloch(encoding, ch, x)
        if out.is_zero():
            break
    return out


def _state_trace(rho_entry, label: str, n: int) -> sp.Expr:
    """``tr(ρ Q) = Σ_c ρ[c, c⊕x] i^{n_Y} (-1)^{|c ∧ z|}``."""
    p = PauliString(label)
    base = sp.I**p.n_y
    total = sp.Integer(0)
    for c in range(2**n):
        e = rho_entry(c, c ^ p.x_mask)
        if e != 0:
            total += e * (-1) ** bin(c & p.z_mask).count("1")
    return sp.expand(base * total)


def _sample_traces(data: Dataset, i: int, labels: Iterable[str], n: int, rationalize: float | None) -> dict[str, sp.Expr]:
    """``tr(ρ_i Q)`` for each label: exact when every entry of ``ρ_i`` reads exactly, else floats."""
    if data.kind == "pure":
        psi = [exact_number(complex(z), rationalize=rationalize) for z in data.states[i]]
        exact = not any(z.has(sp.Float) for z in psi)
        if exact:
            def entry(a: int, b: int) -> sp.Expr:
                return psi[a] * sp.conjugate(psi[b])
    else:
        rho = data.states[i]
        vals = [[exact_number(complex(z), rationalize=rationalize) for z in row] for row in rho]
        exact = not any(z.has(sp.Float) for row in vals for z in row)
        if exact:
            def entry(a: int, b: int) -> sp.Expr:
                return vals[a][b]
    out = {}
    if exact:
        for q in labels:
            out[q] = _state_trace(entry, q, n)
    else:
        rho_np = data.density_matrices()[i]
        for q in labels:
            out[q] = exact_number(float(np.real(np.trace(rho_np @ PauliString(q).matrix()))))
    return out


def _check_features(data: Dataset, qnn: QNN, features: str) -> None:
    if features not in ("numeric", "symbolic"):
        raise InvalidInput("features", "'numeric' or 'symbolic'", repr(features))
    if features == "symbolic":
        enc = data.encoding
        if not isinstance(enc, AngleEncoding) or data.features is None:
            raise InvalidInput("features", "'numeric' for a dataset without an AngleEncoding", "'symbolic'")
        if enc.n_qubits != qnn.n_qubits:
            raise InvalidInput("data.encoding", f"an encoding on {qnn.n_qubits} qubits", f"one on {enc.n_qubits}")


def _prediction_polys(
    qnn: QNN, data: Dataset, *, features: str = "numeric", rationalize: float | None = None,
    steps: list | None = None,
) -> list[TrigPoly]:
    """``ŷ_i`` as trig polynomials (features symbolic per sample when ``features="symbolic"``)."""
    if not isinstance(data, Dataset):
        raise InvalidInput("data", "a qnnsym.model.Dataset", type(data).__name__)
    if data.dim != qnn.dim:
        raise InvalidInput("data", f"inputs of dimension {qnn.dim} (the model's)", f"dimension {data.dim}")
    _check_features(data, qnn, features)
    op = _heisenberg(qnn, rationalize=rationalize, steps=steps)
    n = qnn.n_qubits
    out = []
    for i in range(data.m):
        y = TrigPoly()
        if features == "symbolic":
            xs = feature_symbols(n, sample=i)
            for q, a in op.items():
                y.add_into(a * _encoded_trace(data.encoding, q, xs))
        else:
            tr = _sample_traces(data, i, op.keys(), n, rationalize)
            for q, a in op.items():
                if tr[q] != 0:
                    y.add_into(a, tr[q])
        out.append(y)
    if steps is not None:
        steps.append(("trace against the inputs: ŷ_i = Σ_Q a_Q(θ) tr(ρ_i Q)", sp.Matrix([y.to_expr() for y in out])))
    return out


def predictions(
    qnn: QNN, data: Dataset, *, features: str = "numeric", rationalize: float | None = None,
    max_terms: int = DEFAULT_MAX_TERMS,
) -> sp.Matrix:
    r"""The predictions ``ŷ_i(θ) = tr(ρ_i M(θ))`` (C2) as an exact ``m × 1`` SymPy matrix.

    Parameters
    ----------
    qnn : QNN
    data : Dataset
    features : {"numeric", "symbolic"}
        ``"symbolic"`` (angle-encoded datasets only) replaces sample ``i``'s features by real
        symbols ``x_{i,q}`` and uses ``tr(ρ(x) Q) = Π_q tr(ρ_q(x_q) Q_q)``.
    rationalize, max_terms :
        As in :func:`effective_measurement`.

    Examples
    --------
    >>> import numpy as np
    >>> from qnnsym.model import circuit, AngleEncoding
    >>> qnn = circuit(1, [("RY", 0)], measurement="Z")
    >>> data = AngleEncoding(1).dataset(np.array([[0.3]]), [1.0])
    >>> predictions(qnn, data, features="symbolic")
    Matrix([[-sin(theta_1)*sin(x_0_0) + cos(theta_1)*cos(x_0_0)]])
    """
    qnn = _require_qubits(qnn)
    _check_size(qnn, max_terms)
    return sp.Matrix([y.to_expr() for y in _prediction_polys(qnn, data, features=features, rationalize=rationalize)])


def prediction_function(
    qnn: QNN, encoding: AngleEncoding, *, rationalize: float | None = None, max_terms: int = DEFAULT_MAX_TERMS
) -> sp.Expr:
    r"""``ŷ(θ, x) = tr(ρ(x) M(θ))`` for an angle-encoded input with feature symbols ``x_q``.

    >>> from qnnsym.model import circuit, AngleEncoding
    >>> prediction_function(circuit(1, [("RX", 0)], measurement="Z"), AngleEncoding(1))
    cos(theta_1)*cos(x_0)
    """
    qnn = _require_qubits(qnn)
    if not isinstance(encoding, AngleEncoding):
        raise InvalidInput("encoding", "a qnnsym.model.AngleEncoding", type(encoding).__name__)
    if encoding.n_qubits != qnn.n_qubits:
        raise InvalidInput("encoding", f"an encoding on {qnn.n_qubits} qubits", f"one on {encoding.n_qubits}")
    _check_size(qnn, max_terms)
    op = _heisenberg(qnn, rationalize=rationalize)
    xs = feature_symbols(qnn.n_qubits)
    y = TrigPoly()
    for q, a in op.items():
        y.add_into(a * _encoded_trace(encoding, q, xs))
    return y.to_expr()


# --------------------------------------------------------------------------- matrix road
def _embed(local: sp.Matrix, qubits: tuple[int, ...], n: int) -> sp.Matrix:
    """``2^n × 2^n`` matrix of a local gate (first listed qubit most significant, C6)."""
    d = 2**n
    k = len(qubits)
    bits = [n - 1 - q for q in qubits]
    out = sp.zeros(d, d)
    for a in range(d):
        for b in range(d):
            if any(((a >> t) & 1) != ((b >> t) & 1) for t in range(n) if t not in bits):
                continue
            ia = sum(((a >> bits[j]) & 1) << (k - 1 - j) for j in range(k))
            ib = sum(((b >> bits[j]) & 1) << (k - 1 - j) for j in range(k))
            out[a, b] = local[ia, ib]
    return out


def _fixed_matrix(fixed: Any, n: int | None, rationalize: float | None) -> sp.Matrix:
    if isinstance(fixed, DenseUnitary):
        return _exact_matrix(fixed.matrix, rationalize)
    u = sp.eye(fixed.dim)
    for g in fixed.gates:
        local = gate_matrix(g.name) if g.name in NAMED_GATES else _exact_matrix(g.matrix, rationalize)
        u = _embed(local, g.qubits, n) * u
    return u


def _rotation_matrix(qnn: QNN, l: int, rationalize: float | None) -> sp.Matrix:
    th = _theta(l + 1)
    gen = qnn.layers[l].generator
    d = qnn.dim
    if isinstance(gen, DiagonalOperator):
        return sp.diag(*[sp.exp(-sp.I * th * exact_number(h, rationalize=rationalize)) for h in gen.diagonal])
    if qnn.n_qubits is None:
        raise InvalidInput(f"qnn.layers[{l}].generator", "a diagonal generator on a non-qubit dimension", type(gen).__name__)
    out = sp.eye(d)
    for label, c in _generator_terms(qnn, l, rationalize):
        out = (sp.cos(c * th) * sp.eye(d) - sp.I * sp.sin(c * th) * pauli_matrix(label)) * out
    return out


def unitary(qnn: QNN, *, rationalize: float | None = None, max_dim: int = 16) -> sp.Matrix:
    r"""``U(θ) = W_{p+1} U_p(θ_p) W_p ⋯ U_1(θ_1) W_1`` (C1) as a SymPy matrix (matrix road).

    Each Pauli rotation is ``cos(cθ) I - i sin(cθ) P``; entries are expanded products.

    >>> from qnnsym.model import circuit
    >>> unitary(circuit(1, [("RZ", 0)], measurement="Z"))
    Matrix([
    [-I*sin(theta_1/2) + cos(theta_1/2),                                 0],
    [                                 0, I*sin(theta_1/2) + cos(theta_1/2)]])
    """
    if not isinstance(qnn, QNN):
        raise InvalidInput("qnn", "a qnnsym.model.QNN", type(qnn).__name__)
    if qnn.dim > max_dim:
        raise TooLarge("qnn", f"a model of dimension <= max_dim = {max_dim} for the dense matrix road",
                       f"d = {qnn.dim}; use effective_measurement() (Pauli road) or qnnsym.numeric.unitary")
    u = sp.eye(qnn.dim)
    for l, layer in enumerate(qnn.layers):
        if layer.fixed is not None:
            u = _fixed_matrix(layer.fixed, qnn.n_qubits, rationalize) * u
        u = (_rotation_matrix(qnn, l, rationalize) * u).applyfunc(sp.expand)
    if qnn.final is not None:
        u = (_fixed_matrix(qnn.final, qnn.n_qubits, rationalize) * u).applyfunc(sp.expand)
    return u
