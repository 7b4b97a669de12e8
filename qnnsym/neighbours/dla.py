r"""The dynamical Lie algebra of an ansatz and the over-parameterisation threshold (N2; Larocca et al. 2021).

For generators ``H_1, ..., H_K`` (Hermitian) the dynamical Lie algebra is the real span
:math:`i\mathfrak g` of the ``H_k`` closed under the bracket :math:`[A, B]_H = -i[A, B]` (which maps
Hermitian to Hermitian).  Every circuit :math:`V = \prod_l e^{-i\theta_l H_{k(l)}}` lies in
:math:`e^{\mathfrak g}`, so each Heisenberg-picture generator
:math:`\hat H_l = V_l^\dagger H_l V_l` (``V_l`` the circuit up to and including gate ``l``) lies in
:math:`i\mathfrak g` too, and :math:`U^\dagger \partial_l U = -i\hat H_l`.  Hence the rank of the
unitary tangent :math:`\{\hat H_l\}` is at most :math:`\dim\mathfrak g` for every ``p`` and every
:math:`\theta`, and for random :math:`\theta` it reaches :math:`\dim\mathfrak g` once ``p`` is large
enough: the over-parameterisation threshold.

Three closures:

- :func:`pauli_closure` — generators that are Pauli strings.  For strings ``P, Q``,
  :math:`-i[P, Q]` is ``0`` (they commute) or :math:`\pm 2R` with ``R`` the product string
  (:func:`pauli_bracket`), so the algebra is spanned by a set of strings and the closure is a
  breadth-first search over bit pairs ``(x, z)`` — exact integer arithmetic.
- :func:`rational_closure` — generators that are rational combinations of strings (e.g.
  :math:`\sum_i Z_iZ_{i+1}`): Gaussian elimination over :class:`fractions.Fraction` in the
  Pauli basis, exact.
- :func:`float_closure` — dense Hermitian generators: Gram–Schmidt in the Frobenius inner product,
  a new element kept when its relative residual exceeds ``rtol`` (:data:`CLOSURE_RTOL`); the smallest
  kept and the largest dropped residual are reported so the dimension is not a tolerance artefact.

Ranks (:func:`rank_profile`, over one random :math:`\theta` and every prefix ``p``):

- *tangent rank* :math:`\dim_{\mathbb R}\operatorname{span}\{\hat H_l - \operatorname{tr}\hat H_l/d\}`:
  saturates at :math:`\dim\mathfrak g` (``d^2 - 1`` for a controllable ansatz);
- *state QFIM rank* at :math:`|\psi\rangle = V|\psi_0\rangle`,
  :math:`F_{kl} = 4\,\mathrm{Re}\langle\psi_0|(\hat H_k - \langle\hat H_k\rangle)(\hat H_l - \langle\hat H_l\rangle)|\psi_0\rangle`:
  saturates at the dimension of the orbit of :math:`|\psi_0\rangle` under :math:`e^{\mathfrak g}`,
  :math:`\le\min(\dim\mathfrak g, 2d - 2)` (:func:`orbit_dimension`);
- *prediction Jacobian rank* :math:`J_{il} = i\,\mathrm{tr}(\hat H_l[M, \rho_i])` (SPEC S1): at most
  :math:`\min(m, \dim\mathfrak g)`.

Ranks come from an SVD with relative tolerance :data:`RANK_RTOL`; each reports
:math:`\sigma_r/\sigma_1` (smallest kept) and :math:`\sigma_{r+1}/\sigma_1` (largest dropped).

>>> from qnnsym.neighbours.dla import pauli_closure
>>> pauli_closure(["XI", "YI", "IX", "IY", "ZZ"]).dim      # controllable on 2 qubits: su(4)
15
>>> pauli_closure(["ZI", "IZ", "XX"]).dim                   # matchgate-like: so(4)
6
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge

__all__ = [
    "LieAlgebra",
    "RankProfile",
    "NumericalRank",
    "ANSATZ_KINDS",
    "CLOSURE_RTOL",
    "RANK_RTOL",
    "MAX_EXACT_DIM",
    "MAX_FLOAT_D",
    "pauli_bracket",
    "pauli_closure",
    "rational_closure",
    "float_closure",
    "numerical_rank",
    "ansatz_generators",
    "expected_dla_dimension",
    "periodic_ansatz",
    "heisenberg_generators",
    "rank_profile",
    "orbit_dimension",
    "saturation_point",
    "frame_deviation",
]

#: Relative residual below which :func:`float_closure` treats a bracket as already in the span.
CLOSURE_RTOL = 1e-8
#: Relative singular value (``sigma_k / sigma_1``) below which a direction does not count in a rank.
RANK_RTOL = 1e-8
#: Exact closures stop with :class:`~qnnsym.errors.TooLarge` above this dimension (``~dim^2/2`` brackets).
MAX_EXACT_DIM = 1023
#: :func:`float_closure` and the rank functions hold dense ``d x d`` matrices up to this ``d``.
MAX_FLOAT_D = 64
#: The built-in ansatz families of :func:`ansatz_generators`.
ANSATZ_KINDS = ("controllable", "commuting", "matchgate", "tfim")
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


# ----------------------------------------------------------------------------- ranks
@dataclass(frozen=True)
class NumericalRank:
    """``rank`` = number of singular values above ``rtol * sigma_1``; ``smallest_kept`` =
    ``sigma_rank / sigma_1`` and ``largest_dropped`` = ``sigma_{rank+1} / sigma_1`` (0 when none)."""

    rank: int
    smallest_kept: float
    largest_dropped: float

    @property
    def gap(self) -> float:
        """``smallest_kept / largest_dropped`` (``inf`` when nothing was dropped)."""
        return float("inf") if self.largest_dropped == 0 else self.smallest_kept / self.largest_dropped


def numerical_rank(rows: Any, *, rtol: float = RANK_RTOL) -> NumericalRank:
    r"""Rank of a real or complex matrix by SVD with a relative tolerance.

    :math:`r = \#\{k : \sigma_k > \mathrm{rtol}\,\sigma_1\}`, reported with the singular-value gap
    :math:`\sigma_r/\sigma_1` and :math:`\sigma_{r+1}/\sigma_1`.

    >>> numerical_rank([[1.0, 0.0], [0.0, 1e-14]]).rank, numerical_rank([[1.0, 2.0], [2.0, 4.0]]).rank
    (1, 1)
    """
    try:
        a = np.asarray(rows)
    except (TypeError, ValueError):
        raise InvalidInput("rows", "a finite 2-d array of numbers", validate.describe(rows)) from None
    if a.dtype.kind not in "iufc":
        raise InvalidInput("rows", "a finite 2-d array of numbers", f"an array of dtype {a.dtype}")
    a = np.asarray(a, dtype=np.complex128 if np.iscomplexobj(a) else np.float64)  # real rows: a real SVD
    if a.ndim != 2 or a.size == 0:
        raise InvalidInput("rows", "a finite non-empty 2-d array", f"shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InvalidInput("rows", "a finite non-empty 2-d array", "an array with NaN or inf entries")
    rtol = validate.positive_real("rtol", rtol)
    if rtol >= 1:
        raise InvalidInput("rtol", "a relative tolerance in (0, 1)", repr(rtol))
    s = np.linalg.svd(a, compute_uv=False)
    if s[0] == 0.0:
        return NumericalRank(0, 0.0, 0.0)
    rel = s / s[0]
    r = int(np.sum(rel > rtol))
    return NumericalRank(r, float(rel[r - 1]), float(rel[r]) if r < rel.size else 0.0)


def _hermitian_rows(h: np.ndarray) -> np.ndarray:
    """Real coordinates of Hermitian matrices (``Re``, ``Im`` flattened): the real inner product of two
    rows is the Frobenius inner product ``tr(A B)``."""
    flat = h.reshape(h.shape[0], -1)
    return np.concatenate([flat.real, flat.imag], axis=1)


def _check_model(model: Any):
    from ..model.qnn import QNN

    if not isinstance(model, QNN):
        raise InvalidInput("model", "a qnnsym.model.QNN", validate.describe(model))
    if model.dim > MAX_FLOAT_D:
        raise TooLarge("model", f"d <= MAX_FLOAT_D = {MAX_FLOAT_D} (p dense d x d generators are held)",
                       f"d = {model.dim}; compute the algebra's dimension exactly with pauli_closure / rational_closure")
    return model


def heisenberg_generators(model: Any, theta: Any) -> np.ndarray:
    r"""The Heisenberg-picture generators :math:`\hat H_l = V_l^\dagger H_l V_l`, shape ``(p, d, d)``.

    ``V_l = e^{-i\theta_l H_l} W_l \cdots e^{-i\theta_1 H_1} W_1`` is the circuit up to and including
    gate ``l`` (SPEC S1), so :math:`U^\dagger\partial_{\theta_l}U = -i\hat H_l` (a final ``W_{p+1}``
    drops out).  Built from dense matrices (the exponential by ``eigh`` of each distinct generator),
    independently of the numeric engine.

    >>> import numpy as np
    >>> from qnnsym.model import circuit
    >>> from qnnsym.model import PauliString
    >>> h = heisenberg_generators(circuit(1, [("EXP", "X"), ("EXP", "Z")], "Z"), [np.pi / 4, 0.3])
    >>> np.allclose(h[1], PauliString("Y").matrix())     # e^{iπX/4} Z e^{-iπX/4} = Y
    True
    """
    model = _check_model(model)
    theta = validate.real_vector("theta", theta, model.n_params)
    return _sweep(model, theta)[0]


def _sweep(model, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Hhat, V)``: the Heisenberg generators and the prefix unitaries ``V_1 .. V_p``, shape ``(p, d, d)`` each."""
    d = model.dim
    V = np.eye(d, dtype=np.complex128)
    cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    out = np.empty((model.n_params, d, d), dtype=np.complex128)
    vs = np.empty_like(out)
    for l, (layer, W) in enumerate(zip(model.layers, model.fixed_unitaries())):
        key = id(layer.generator)
        if key not in cache:
            H = layer.generator.matrix()
            w, Q = np.linalg.eigh(H)
            cache[key] = (H, w, Q)
        H, w, Q = cache[key]
        if W is not None:
            V = W @ V
        V = (Q * np.exp(-1j * theta[l] * w)) @ Q.conj().T @ V
        out[l] = V.conj().T @ H @ V
        vs[l] = V
    return out, vs


@dataclass(frozen=True)
class RankProfile:
    """Ranks against the number of layers ``p`` (prefixes of one circuit at one random ``theta``).

    Attributes
    ----------
    ps : ndarray of int
        The prefix lengths.
    tangent, qfim, jacobian : list of NumericalRank
        Unitary tangent rank, state QFIM rank and prediction-Jacobian rank (``jacobian`` empty
        without data) at each ``p``.
    """

    ps: np.ndarray
    tangent: list
    qfim: list
    jacobian: list

    def ranks(self, which: str = "tangent") -> np.ndarray:
        """The integer ranks of ``which`` in ``("tangent", "qfim", "jacobian")``."""
        which = validate.member("which", which, ("tangent", "qfim", "jacobian"))
        return np.array([r.rank for r in getattr(self, which)], dtype=np.int64)

    def worst_gap(self, which: str = "tangent") -> float:
        """The smallest ``smallest_kept / largest_dropped`` over the profile (``inf``: nothing dropped)."""
        return float(min(r.gap for r in getattr(self, validate.member("which", which, ("tangent", "qfim", "jacobian")))))


def rank_profile(model: Any, theta: Any, *, state: Any = None, data: Any = None, ps: Any = None,
                 rtol: float = RANK_RTOL) -> RankProfile:
    r"""Tangent, QFIM and Jacobian ranks of the prefixes ``p in ps`` of ``model`` at ``theta``.

    For a prefix of ``p`` layers (the first ``p`` angles), :math:`\hat H_1..\hat H_p` are the first
    ``p`` Heisenberg generators of the whole circuit, so the tangent rank is non-decreasing in ``p``
    and bounded by :math:`\dim\mathfrak g`, where it saturates.  The state QFIM at
    :math:`V_p|\psi_0\rangle` has rank :math:`\mathrm{rank}\{(\hat H_l - \langle\hat H_l\rangle)|\psi_0\rangle\}`
    (real span), which saturates at :func:`orbit_dimension` :math:`\le\dim\mathfrak g`.  The prediction
    Jacobian :math:`J_{il} = i\,\mathrm{tr}(\hat H_l[M_p, \rho_i])`, :math:`M_p = V_p^\dagger M_0 V_p`
    (the prefix's own measurement; a final fixed unitary is ignored) has rank at most
    :math:`\min(m, \dim\mathfrak g)`.

    Parameters
    ----------
    model : QNN
        ``d <= MAX_FLOAT_D``.
    theta : array, shape (model.n_params,)
    state : array, shape (d,), optional
        :math:`|\psi_0\rangle` for the QFIM (default ``|0...0>``).
    data : Dataset, optional
        Inputs for the prediction Jacobian (skipped when ``None``).
    ps : sequence of int, optional
        Prefix lengths in ``1..p`` (default all).
    rtol : float
        Relative SVD tolerance (:data:`RANK_RTOL`).

    >>> import numpy as np
    >>> from qnnsym.neighbours.dla import periodic_ansatz, rank_profile
    >>> qnn = periodic_ansatz("controllable", 1, 6)
    >>> prof = rank_profile(qnn, np.random.default_rng(0).uniform(0, 2 * np.pi, 6))
    >>> prof.ranks("tangent").tolist(), prof.ranks("qfim").tolist()
    ([1, 2, 3, 3, 3, 3], [1, 2, 2, 2, 2, 2])
    """
    model = _check_model(model)
    d, p = model.dim, model.n_params
    rtol = validate.positive_real("rtol", rtol)
    if state is None:
        psi0 = np.zeros(d, dtype=np.complex128)
        psi0[0] = 1.0
    else:
        psi0 = validate.state_vector("state", state, d)
    ps_arr = _prefixes(ps, p)
    if data is not None:
        from ..model.dataset import Dataset

        if not isinstance(data, Dataset):
            raise InvalidInput("data", "a qnnsym.model.Dataset or None", validate.describe(data))
        if data.states.shape[-1] != d:
            raise InvalidInput("data", f"inputs of dimension {d}", f"dimension {data.states.shape[-1]}")
    theta = validate.real_vector("theta", theta, p)
    H, Vs = _sweep(model, theta)
    rows = _hermitian_rows(_traceless(H))
    phi = np.einsum("lab,b->la", H, psi0)
    phi = phi - np.outer(phi @ psi0.conj(), psi0)
    qrows = np.concatenate([phi.real, phi.imag], axis=1)
    tangent, qfim, jac = [], [], []
    rhos = None
    if data is not None:
        st = data.states
        rhos = np.einsum("ia,ib->iab", st, st.conj()) if st.ndim == 2 else st
        M0 = model.measurement_matrix()
    for q in ps_arr:
        tangent.append(numerical_rank(rows[:q], rtol=rtol))
        qfim.append(numerical_rank(qrows[:q], rtol=rtol))
        if rhos is not None:
            V = Vs[q - 1]
            M = V.conj().T @ M0 @ V
            comm = np.einsum("ab,ibc->iac", M, rhos) - np.einsum("iab,bc->iac", rhos, M)
            J = np.real(1j * np.einsum("lab,iba->il", H[:q], comm))
            jac.append(numerical_rank(J, rtol=rtol))
    return RankProfile(ps=ps_arr, tangent=tangent, qfim=qfim, jacobian=jac)


def orbit_dimension(algebra: Any, state: Any = None, *, rtol: float = RANK_RTOL) -> NumericalRank:
    r"""Dimension of the orbit :math:`\{e^{X}|\psi_0\rangle : X\in\mathfrak g\}` (real manifold, up to
    phase): the real rank of :math:`\{(B_a - \langle B_a\rangle)|\psi_0\rangle\}` over a basis ``B_a`` of
    :math:`i\mathfrak g` — the value at which the state QFIM rank saturates.

    >>> from qnnsym.neighbours.dla import orbit_dimension, pauli_closure
    >>> orbit_dimension(pauli_closure(["XI", "YI", "IX", "IY", "ZZ"])).rank     # CP^3: 2d - 2 = 6
    6
    """
    if not isinstance(algebra, LieAlgebra):
        raise InvalidInput("algebra", "a LieAlgebra (from pauli_closure, rational_closure or float_closure)",
                           validate.describe(algebra))
    B = algebra.matrices()
    if B.shape[0] == 0:
        return NumericalRank(0, 0.0, 0.0)
    d = B.shape[1]
    if state is None:
        psi0 = np.zeros(d, dtype=np.complex128)
        psi0[0] = 1.0
    else:
        psi0 = validate.state_vector("state", state, d)
    phi = np.einsum("lab,b->la", B, psi0)
    phi = phi - np.outer(phi @ psi0.conj(), psi0)
    rows = np.concatenate([phi.real, phi.imag], axis=1)
    if not np.any(rows):
        return NumericalRank(0, 0.0, 0.0)
    return numerical_rank(rows, rtol=rtol)


def saturation_point(ps: Any, ranks: Any, target: Any) -> int | None:
    """The first ``p`` with ``rank == target`` (``None`` if never reached).

    >>> saturation_point([1, 2, 3, 4], [1, 2, 3, 3], 3)
    3
    """
    ps = validate.real_vector("ps", ps)
    if ps.size == 0:
        raise InvalidInput("ps", "a non-empty vector of layer counts", "an empty vector")
    ranks = validate.real_vector("ranks", ranks, ps.shape[0])
    target = validate.nonnegative_int("target", target)
    hit = np.flatnonzero(ranks == target)
    return int(ps[hit[0]]) if hit.size else None


def frame_deviation(model: Any, theta: Any, *, ps: Any = None) -> np.ndarray:
    r"""How far the S10 frame is from :math:`\kappa` times the identity, for each prefix ``p``.

    S10 needs :math:`F_p(X) = \sum_{l\le p}\hat H_l\,\mathrm{tr}(\hat H_l X) pprox \kappa_p X` on traceless
    Hermitian ``X`` (:math:`\kappa_p = \sum_{l\le p}eta(H_l)`, C8).  Returns
    :math:`\delta_p = \max_\lambda|\lambda/\kappa_p - 1|` over the eigenvalues of :math:`F_p` on the
    :math:`(d^2-1)`-dimensional traceless space (the non-zero ones from the Gram matrix of the traceless
    :math:`\hat H_l`, the rest zero).  Below the threshold (rank of :math:`\{\hat H_l\}` :math:`< d^2 - 1`)
    :math:`F_p` has a zero mode, so :math:`\delta_p \ge 1`: the S10 approximation fails outright.

    >>> import numpy as np
    >>> from qnnsym.model import dense_haar_model
    >>> qnn = dense_haar_model(2, 40, seed=1)
    >>> dev = frame_deviation(qnn, np.zeros(40), ps=[2, 40])
    >>> bool(dev[0] >= 1.0 > dev[1])
    True
    """
    from ..conventions import haar_beta

    model = _check_model(model)
    d, p = model.dim, model.n_params
    ps_arr = _prefixes(ps, p)
    rows = _hermitian_rows(_traceless(heisenberg_generators(model, theta)))
    betas = np.cumsum([haar_beta(l.generator.trace(), l.generator.trace_sq(), d) for l in model.layers])
    out = np.empty(ps_arr.size)
    for k, q in enumerate(ps_arr):
        lam = np.linalg.eigvalsh(rows[:q] @ rows[:q].T)[::-1][: d * d - 1]
        lam = np.r_[lam, np.zeros(d * d - 1 - lam.size)]
        out[k] = float(np.max(np.abs(lam / betas[q - 1] - 1.0)))
    return out


def _prefixes(ps: Any, p: int) -> np.ndarray:
    if ps is None:
        return np.arange(1, p + 1)
    if isinstance(ps, (str, bytes)) or not isinstance(ps, (list, tuple, np.ndarray)) or len(ps) == 0:
        raise InvalidInput("ps", f"a non-empty sequence of prefix lengths in 1..{p}", validate.describe(ps))
    return np.array([validate.positive_int(f"ps[{i}]", q, maximum=p) for i, q in enumerate(ps)], dtype=np.int64)


# ----------------------------------------------------------------------------- ansätze
def ansatz_generators(kind: str, n_qubits: int) -> list[dict[str, Fraction]]:
    r"""The generator set of a built-in ansatz family, as exact ``{label: Fraction}`` sums.

    - ``"controllable"``: :math:`\{X_i, Y_i\}_{i} \cup \{Z_iZ_{i+1}\}_{i<n-1}` — :math:`\mathfrak{su}(2^n)`,
      dimension :math:`4^n - 1`;
    - ``"commuting"``: :math:`\{Z_i\} \cup \{Z_iZ_{i+1}\}` — abelian, dimension :math:`2n - 1`;
    - ``"matchgate"``: :math:`\{Z_i\} \cup \{X_iX_{i+1}\}` — quadratic Majorana operators under
      Jordan–Wigner, a path through all ``2n`` Majoranas: :math:`\mathfrak{so}(2n)`, dimension
      :math:`n(2n - 1)`;
    - ``"tfim"``: the two uniform sums :math:`\sum_i Z_iZ_{i+1}` and :math:`\sum_i X_i` (open
      transverse-field Ising chain; a reflection-symmetric subalgebra of the matchgate one, no
      closed form is claimed here).

    >>> [sorted(g) for g in ansatz_generators("commuting", 2)]
    [['ZI'], ['IZ'], ['ZZ']]
    """
    kind = validate.member("kind", kind, ANSATZ_KINDS)
    n = validate.positive_int("n_qubits", n_qubits, maximum=_MAX_QUBITS)

    def one(pos: dict[int, str]) -> str:
        return "".join(pos.get(q, "I") for q in range(n))

    singles = {"controllable": "XY", "commuting": "Z", "matchgate": "Z"}
    pairs = {"controllable": "ZZ", "commuting": "ZZ", "matchgate": "XX"}
    if kind == "tfim":
        zz = {one({i: "Z", i + 1: "Z"}): Fraction(1) for i in range(n - 1)}
        x = {one({i: "X"}): Fraction(1) for i in range(n)}
        return [zz, x] if zz else [x]
    gens = [{one({i: a}): Fraction(1)} for a in singles[kind] for i in range(n)]
    gens += [{one({i: pairs[kind][0], i + 1: pairs[kind][1]}): Fraction(1)} for i in range(n - 1)]
    return gens


def expected_dla_dimension(kind: str, n_qubits: int) -> int | None:
    r"""The textbook dimension of a built-in family's algebra: :math:`4^n - 1` (controllable),
    :math:`2n - 1` (commuting), :math:`n(2n - 1)` (matchgate); ``None`` for ``"tfim"`` (no closed form
    is claimed; the exact closure gives the number).

    >>> [expected_dla_dimension(k, 3) for k in ANSATZ_KINDS]
    [63, 5, 15, None]
    """
    kind = validate.member("kind", kind, ANSATZ_KINDS)
    n = validate.positive_int("n_qubits", n_qubits, maximum=_MAX_QUBITS)
    return {"controllable": 4**n - 1, "commuting": 2 * n - 1, "matchgate": n * (2 * n - 1), "tfim": None}[kind]


def periodic_ansatz(kind: str, n_qubits: int, p: int, *, measurement: Any = None) -> Any:
    r"""A periodic circuit of ``p`` rotations :math:`e^{-i\theta_l G_{l \bmod K}}` cycling through the
    ``K`` generators of :func:`ansatz_generators` (no fixed gates), as a :class:`~qnnsym.model.QNN`.

    Single strings become ``("EXP", label)`` gates (generator ``P``); sums become ``("GEN", H)``
    with the dense sum.  The measurement defaults to ``Z`` on qubit 0.  The first ``p'`` layers of
    the ``p``-layer circuit are the ``p'``-layer circuit.

    >>> qnn = periodic_ansatz("matchgate", 2, 5)
    >>> [l.name for l in qnn.layers]
    ['EXP(ZI)', 'EXP(IZ)', 'EXP(XX)', 'EXP(ZI)', 'EXP(IZ)']
    """
    from ..model import DenseHermitian, PauliString, circuit

    gens = ansatz_generators(kind, n_qubits)
    n = int(n_qubits)
    p = validate.positive_int("p", p)
    if 2**n > MAX_FLOAT_D and any(len(g) > 1 for g in gens):
        raise TooLarge("n_qubits", f"2^n <= {MAX_FLOAT_D} for the dense sum generators of {kind!r}", f"n_qubits = {n}")
    gates = []
    dense = {}
    for l in range(p):
        g = gens[l % len(gens)]
        if len(g) == 1 and next(iter(g.values())) == 1:
            gates.append(("EXP", next(iter(g))))
        else:
            k = l % len(gens)
            if k not in dense:
                dense[k] = DenseHermitian(sum(float(c) * PauliString(lab).matrix() for lab, c in g.items()))
            gates.append(("GEN", dense[k]))
    if measurement is None:
        measurement = "Z" + "I" * (n - 1)
    return circuit(n, gates, measurement, name=f"{kind}(n={n}, p={p})")


from ._dla_figure import FIGURE  # noqa: E402  (the figure reads the functions above)

__all__ += ["FIGURE"]
