r"""Exact and floating-point closures of dynamical Lie algebras (the algebra half of N2).

Re-exported by :mod:`qnnsym.neighbours.dla`, which documents the mathematics; see
:func:`pauli_bracket`, :func:`pauli_closure`, :func:`rational_closure` and :func:`float_closure`.

>>> from qnnsym.neighbours._lie import rational_closure
>>> rational_closure([{"ZI": 1, "IZ": 1}, "XX"]).dim     # a uniform field: 4 of so(4)'s 6 dimensions
4
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge

__all__ = ["LieAlgebra", "CLOSURE_RTOL", "MAX_EXACT_DIM", "MAX_FLOAT_D", "pauli_bracket", "pauli_closure",
           "rational_closure", "float_closure"]

#: Relative residual below which :func:`float_closure` treats a bracket as already in the span.
CLOSURE_RTOL = 1e-8
#: Exact closures stop with :class:`~qnnsym.errors.TooLarge` above this dimension (``~dim^2/2`` brackets).
MAX_EXACT_DIM = 1023
#: :func:`float_closure` and the rank functions hold dense ``d x d`` matrices up to this ``d``.
MAX_FLOAT_D = 64
_MAX_QUBITS = 62  # bit masks and labels; the closures' own limits are on the dimension


# ----------------------------------------------------------------------------- Pauli strings as bit pairs
def _label_bits(label: str) -> tuple[int, int]:
    """``(x, z)`` with bit ``q`` for qubit ``q`` (internal order; only the closures use it)."""
    x = z = 0
    for q, c in enumerate(label):
        if c in "XY":
            x |= 1 << q
        if c in "ZY":
            z |= 1 << q
    return x, z


def _bits_label(x: int, z: int, n: int) -> str:
    return "".join("IXZY"[((x >> q) & 1) | (((z >> q) & 1) << 1)] for q in range(n))


def _bracket_bits(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, tuple[int, int]]:
    r"""``-i[P_a, P_b] = c P_r`` with ``c in {0, 2, -2}``.

    ``P = i^{|x & z|} X^x Z^z`` and ``X^{x1} Z^{z1} X^{x2} Z^{z2} = (-1)^{|z1 & x2|} X^{x1^x2} Z^{z1^z2}``,
    so ``P_a P_b = i^k P_r`` with ``k = |x_a&z_a| + |x_b&z_b| - |x_r&z_r| + 2|z_a&x_b|``; the strings
    anticommute iff ``|x_a&z_b| + |z_a&x_b|`` is odd, and then ``-i[P_a, P_b] = -2i i^k P_r = -2 i^{k+1} P_r``.
    """
    (xa, za), (xb, zb) = a, b
    if (bin(xa & zb).count("1") + bin(za & xb).count("1")) % 2 == 0:
        return 0, (0, 0)
    xr, zr = xa ^ xb, za ^ zb
    k = (bin(xa & za).count("1") + bin(xb & zb).count("1") - bin(xr & zr).count("1") + 2 * bin(za & xb).count("1")) % 4
    return (2 if k == 1 else -2), (xr, zr)


def _as_label(name: str, value: Any, n: int | None) -> str:
    from ..model.operators import PauliOperator
    from ..model.pauli import PauliString

    if isinstance(value, PauliOperator):
        value = value.pauli
    if isinstance(value, PauliString):
        value = value.label
    if not isinstance(value, str):
        raise InvalidInput(name, "a Pauli label such as 'XZI' (or a PauliString)", validate.describe(value))
    label = value.upper()
    if not label or any(c not in "IXYZ" for c in label):
        raise InvalidInput(name, "a non-empty string over I, X, Y, Z (qubit 0 first)", repr(value))
    if len(label) > _MAX_QUBITS:
        raise InvalidInput(name, f"a label on at most {_MAX_QUBITS} qubits", f"{len(label)} qubits")
    if n is not None and len(label) != n:
        raise InvalidInput(name, f"a label on {n} qubits (as the first generator)", f"{len(label)} qubits ({label!r})")
    return label


def pauli_bracket(p: Any, q: Any) -> tuple[int, str]:
    r"""The bracket of two Pauli strings: :math:`-i[P, Q] = c\,R` with ``c`` in ``{0, 2, -2}``.

    Parameters
    ----------
    p, q : str or PauliString
        Labels on the same number of qubits (C6 spelling: character ``k`` acts on qubit ``k``).

    Returns
    -------
    (c, R) : (int, str)
        ``c = 0`` (and ``R`` the identity label) when ``P`` and ``Q`` commute; otherwise ``R`` is the
        product string (``PQ = \pm i R``) and ``c = \pm 2``.

    >>> pauli_bracket("X", "Y")        # -i[X, Y] = -i (2iZ) = 2Z
    (2, 'Z')
    >>> pauli_bracket("XX", "ZZ")      # they commute
    (0, 'II')
    """
    p = _as_label("p", p, None)
    q = _as_label("q", q, len(p))
    c, (x, z) = _bracket_bits(_label_bits(p), _label_bits(q))
    return c, _bits_label(x, z, len(p))


# ----------------------------------------------------------------------------- the algebra
@dataclass(frozen=True)
class LieAlgebra:
    r"""A dynamical Lie algebra :math:`i\mathfrak g` (real span of Hermitian operators).

    Attributes
    ----------
    dim : int
        :math:`\dim_{\mathbb R}\mathfrak g`.
    n_qubits : int or None
        Register size (``None`` for a float closure of a non-qubit dimension).
    method : str
        ``"pauli"`` (exact, strings), ``"rational"`` (exact, Fraction elimination) or ``"float"``.
    basis : tuple
        ``"pauli"``: the spanning strings (labels, sorted); ``"rational"``: a reduced row-echelon
        basis, each element a ``{label: Fraction}`` dict; ``"float"``: ``()`` (see ``matrices``).
    gap : tuple of float or None
        ``"float"`` only: (smallest kept, largest dropped) relative Gram–Schmidt residual.
    """

    dim: int
    n_qubits: int | None
    method: str
    basis: tuple
    gap: tuple | None = None
    _matrices: Any = None

    def __post_init__(self) -> None:
        validate.nonnegative_int("dim", self.dim)
        if self.n_qubits is not None:
            validate.positive_int("n_qubits", self.n_qubits, maximum=_MAX_QUBITS)
        validate.member("method", self.method, ("pauli", "rational", "float"))
        if not isinstance(self.basis, tuple) or (self.method != "float" and len(self.basis) != self.dim):
            raise InvalidInput("basis", f"a tuple of {self.dim} basis elements (labels or {{label: Fraction}} dicts; "
                               "() for a float closure)", validate.describe(self.basis))
        if self.method == "float" and (self._matrices is None or np.shape(self._matrices)[0] != self.dim):
            raise InvalidInput("_matrices", f"the {self.dim} orthonormal basis matrices of a float closure",
                               validate.describe(self._matrices))

    def matrices(self) -> np.ndarray:
        """The basis as dense Hermitian matrices, shape ``(dim, d, d)`` (orthonormal in Frobenius
        norm for ``"float"``; Pauli strings and their rational combinations otherwise)."""
        if self._matrices is not None:
            return np.array(self._matrices)
        if self.n_qubits is None or 2**self.n_qubits > MAX_FLOAT_D:
            raise TooLarge("n_qubits", f"2^n <= {MAX_FLOAT_D} for dense matrices",
                           f"n_qubits = {self.n_qubits}; use the labels in `basis` instead")
        from ..model.pauli import PauliString

        terms = [{b: Fraction(1)} for b in self.basis] if self.method == "pauli" else list(self.basis)
        out = np.zeros((self.dim, 2**self.n_qubits, 2**self.n_qubits), dtype=np.complex128)
        for k, t in enumerate(terms):
            for label, c in t.items():
                out[k] += float(c) * PauliString(label).matrix()
        return out


def _strings_input(generators: Any, what: str) -> list:
    if isinstance(generators, (str, bytes, Mapping)) or not isinstance(generators, (list, tuple)) or not generators:
        raise InvalidInput("generators", f"a non-empty list of {what}", validate.describe(generators))
    return list(generators)


def _too_large(dim: int, max_dim: int) -> TooLarge:
    return TooLarge("generators", f"a closure of dimension <= max_dim = {max_dim} (about dim^2/2 exact brackets)",
                    f"dimension > {dim - 1} reached; use float_closure on dense matrices (d <= {MAX_FLOAT_D}) "
                    "or raise max_dim")


def pauli_closure(generators: Sequence[Any], *, max_dim: int = MAX_EXACT_DIM) -> LieAlgebra:
    r"""Exact dynamical Lie algebra of Pauli-string generators.

    Since :math:`-i[P, Q] \in \{0, \pm 2R\}` (:func:`pauli_bracket`), the algebra generated by
    strings is spanned by the strings reachable by nested brackets; a breadth-first search over bit
    pairs ``(x, z)`` finds them (identity and repeated strings are dropped: the identity is central
    and contributes nothing to a unitary's tangent up to a phase).

    Parameters
    ----------
    generators : list of str or PauliString
        Strings on a common number of qubits.
    max_dim : int
        Stop with :class:`~qnnsym.errors.TooLarge` beyond this dimension.

    >>> pauli_closure(["ZI", "IZ", "ZZ"]).dim          # commuting: abelian, the span itself
    3
    >>> pauli_closure(["X", "Y"]).basis
    ('X', 'Y', 'Z')
    """
    gens = _strings_input(generators, "Pauli labels")
    max_dim = validate.positive_int("max_dim", max_dim)
    first = _as_label("generators[0]", gens[0], None)
    n = len(first)
    labels = [first] + [_as_label(f"generators[{i}]", g, n) for i, g in enumerate(gens[1:], start=1)]
    elems: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = {(0, 0)}
    for lab in labels:
        b = _label_bits(lab)
        if b not in seen:
            seen.add(b)
            elems.append(b)
    if len(elems) > max_dim:
        raise _too_large(len(elems), max_dim)
    i = 0
    while i < len(elems):
        a = elems[i]
        for j in range(i):
            c, r = _bracket_bits(a, elems[j])
            if c and r not in seen:
                seen.add(r)
                elems.append(r)
                if len(elems) > max_dim:
                    raise _too_large(len(elems), max_dim)
        i += 1
    basis = tuple(sorted(_bits_label(x, z, n) for x, z in elems))
    return LieAlgebra(dim=len(basis), n_qubits=n, method="pauli", basis=basis)


def _as_sum(name: str, value: Any, n: int | None) -> tuple[dict[tuple[int, int], Fraction], int]:
    """A rational combination of strings as ``{(x, z): Fraction}`` (identity and zero terms dropped),
    and the number of qubits."""
    import numbers

    if not isinstance(value, Mapping):
        value = {_as_label(name, value, n): 1}
    if not value:
        raise InvalidInput(name, "a non-empty {label: rational coefficient} mapping", "{}")
    out: dict[tuple[int, int], Fraction] = {}
    for label, coeff in value.items():
        lab = _as_label(f"{name} label", label, n)
        n = len(lab)
        if isinstance(coeff, bool) or not isinstance(coeff, (numbers.Rational, float, np.floating)):
            raise InvalidInput(f"{name}[{lab!r}]", "a rational coefficient (int, Fraction or finite float)",
                               validate.describe(coeff))
        if isinstance(coeff, (float, np.floating)) and not np.isfinite(coeff):
            raise InvalidInput(f"{name}[{lab!r}]", "a finite coefficient", repr(coeff))
        key = _label_bits(lab)
        out[key] = out.get(key, Fraction(0)) + Fraction(coeff)
    return {k: v for k, v in out.items() if v != 0 and k != (0, 0)}, n


def _bracket_sum(a: dict, b: dict) -> dict:
    out: dict[tuple[int, int], Fraction] = {}
    for ka, ca in a.items():
        for kb, cb in b.items():
            c, r = _bracket_bits(ka, kb)
            if c:
                out[r] = out.get(r, Fraction(0)) + c * ca * cb
    return {k: v for k, v in out.items() if v != 0}


class _Echelon:
    """A reduced row-echelon basis over the rationals (pivot -> vector with coefficient 1 there)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], dict] = {}

    def reduce(self, v: dict) -> dict:
        v = dict(v)
        for p in [k for k in v if k in self.rows]:
            c = v.get(p)
            if c:
                for k, w in self.rows[p].items():
                    nv = v.get(k, Fraction(0)) - c * w
                    if nv:
                        v[k] = nv
                    else:
                        v.pop(k, None)
        return v

    def add(self, v: dict) -> dict | None:
        v = self.reduce(v)
        if not v:
            return None
        p = min(v)
        inv = 1 / v[p]
        v = {k: c * inv for k, c in v.items()}
        for q, row in self.rows.items():
            c = row.get(p)
            if c:
                for k, w in v.items():
                    nv = row.get(k, Fraction(0)) - c * w
                    if nv:
                        row[k] = nv
                    else:
                        row.pop(k, None)
        self.rows[p] = v
        return v


def rational_closure(generators: Sequence[Any], *, max_dim: int = MAX_EXACT_DIM) -> LieAlgebra:
    r"""Exact dynamical Lie algebra of rational combinations of Pauli strings.

    Each generator is a string (coefficient 1) or a mapping ``{label: coefficient}`` with rational
    coefficients (``int``, :class:`~fractions.Fraction`, or a float taken at its exact binary
    value).  Brackets expand bilinearly through :func:`pauli_bracket`; every bracket of two kept
    elements is reduced against a row-echelon basis over :class:`~fractions.Fraction` and kept when
    it does not vanish, until all pairwise brackets lie in the span (exact: no tolerance).

    >>> zz = {"ZZI": 1, "IZZ": 1}
    >>> x = {"XII": 1, "IXI": 1, "IIX": 1}
    >>> rational_closure([zz, x]).dim            # transverse-field Ising chain, uniform couplings
    9
    >>> rational_closure(["ZI", "IZ", "XX"]).dim == 6
    True
    """
    gens = _strings_input(generators, "Pauli labels or {label: rational} mappings")
    max_dim = validate.positive_int("max_dim", max_dim)
    first, n0 = _as_sum("generators[0]", gens[0], None)
    sums = [first] + [_as_sum(f"generators[{i}]", g, n0)[0] for i, g in enumerate(gens[1:], start=1)]
    ech, elems = _Echelon(), []
    for s in sums:
        v = ech.add(s)
        if v is not None:
            elems.append(v)
    i = 0
    while i < len(elems):
        for j in range(i):
            v = ech.add(_bracket_sum(elems[i], elems[j]))
            if v is not None:
                elems.append(v)
                if len(elems) > max_dim:
                    raise _too_large(len(elems), max_dim)
        i += 1
    basis = tuple({_bits_label(x, z, n0): c for (x, z), c in sorted(row.items())} for _, row in sorted(ech.rows.items()))
    return LieAlgebra(dim=len(basis), n_qubits=n0, method="rational", basis=basis)


def _hermitian_stack(name: str, matrices: Any) -> np.ndarray:
    arr = validate.complex_array(name, matrices, (None, None, None))
    k, d, d2 = arr.shape
    if k == 0 or d != d2 or d < 2:
        raise InvalidInput(name, "a non-empty stack of square d x d matrices (d >= 2)", f"shape {arr.shape}")
    if d > MAX_FLOAT_D:
        raise TooLarge(name, f"d <= MAX_FLOAT_D = {MAX_FLOAT_D} (dense closures hold up to d^2 - 1 matrices of d^2 entries)",
                       f"d = {d}; for Pauli generators use pauli_closure / rational_closure")
    for i in range(k):
        validate.hermitian_matrix(f"{name}[{i}]", arr[i])
    return 0.5 * (arr + arr.conj().transpose(0, 2, 1))


def _traceless(a: np.ndarray) -> np.ndarray:
    d = a.shape[-1]
    return a - (np.trace(a, axis1=-2, axis2=-1)[..., None, None] / d) * np.eye(d)


def float_closure(matrices: Any, *, rtol: float = CLOSURE_RTOL) -> LieAlgebra:
    r"""Dynamical Lie algebra of dense Hermitian generators, in floating point.

    The traceless parts of the generators are orthonormalised (Frobenius inner product
    :math:`\mathrm{Re}\,\mathrm{tr}(A^\dagger B)`, Gram–Schmidt applied twice); then each bracket
    :math:`-i[A, B]` of two (unit) basis elements is orthogonalised against the basis and kept when its
    residual exceeds ``rtol`` (relative to :math:`\|A\|\|B\| = 1`, not to the bracket's own norm, which
    may be pure round-off), until no bracket adds a direction.  The result's
    ``gap`` is (smallest kept, largest dropped) relative residual: a dimension is trustworthy when
    the two are many orders of magnitude apart.

    Parameters
    ----------
    matrices : array, shape (K, d, d)
        Hermitian generators (``d <= MAX_FLOAT_D``).
    rtol : float
        Relative residual threshold (:data:`CLOSURE_RTOL`).

    >>> import numpy as np
    >>> from qnnsym.model import PauliString
    >>> a = float_closure(np.array([PauliString(s).matrix() for s in ("XI", "YI", "IX", "IY", "ZZ")]))
    >>> a.dim, a.gap[0] > 1e-3 > 1e-12 > a.gap[1]
    (15, True)
    """
    gens = _traceless(_hermitian_stack("matrices", matrices))
    rtol = validate.positive_real("rtol", rtol)
    if rtol >= 1:
        raise InvalidInput("rtol", "a relative tolerance in (0, 1)", repr(rtol))
    d = gens.shape[1]
    cap = d * d - 1
    basis: list[np.ndarray] = []
    flat = np.zeros((cap, 2 * d * d))  # real coordinates (Re, Im) of the basis: the Frobenius inner product
    kept, dropped = [np.inf], [0.0]

    def add(m: np.ndarray, scale: float) -> bool:
        # residual relative to ``scale`` (the generator's norm, or ||a|| ||b|| = 1 for a bracket of two
        # basis elements), not to ||m||: a bracket that vanishes up to round-off has a random direction
        v = np.concatenate([m.real.ravel(), m.imag.ravel()]) / scale
        B = flat[: len(basis)]
        for _ in range(2):  # classical Gram–Schmidt, twice
            v = v - B.T @ (B @ v)
        res = float(np.linalg.norm(v))
        if res <= rtol or len(basis) >= cap:
            dropped.append(res)
            return False
        kept.append(res)
        v = v / res
        flat[len(basis)] = v
        basis.append((v[: d * d] + 1j * v[d * d:]).reshape(d, d))
        return True

    for g in gens:
        norm = float(np.linalg.norm(g))
        if norm > 0.0:
            add(g, norm)
    i = 0
    while i < len(basis):
        for j in range(i):
            a, b = basis[i], basis[j]
            add(-1j * (a @ b - b @ a), 1.0)
        i += 1
    mats = np.array(basis) if basis else np.zeros((0, d, d), dtype=np.complex128)
    n = int(np.log2(d)) if d & (d - 1) == 0 else None
    return LieAlgebra(dim=len(basis), n_qubits=n, method="float", basis=(), gap=(min(kept), max(dropped)), _matrices=mats)
