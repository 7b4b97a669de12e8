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
from typing import Any

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge
from ._lie import (
    _MAX_QUBITS,
    CLOSURE_RTOL,
    MAX_EXACT_DIM,
    MAX_FLOAT_D,
    LieAlgebra,
    _traceless,
    float_closure,
    pauli_bracket,
    pauli_closure,
    rational_closure,
)

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

#: Relative singular value (``sigma_k / sigma_1``) below which a direction does not count in a rank.
RANK_RTOL = 1e-8
#: The built-in ansatz families of :func:`ansatz_generators`.
ANSATZ_KINDS = ("controllable", "commuting", "matchgate", "tfim")


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
    """``(Hhat, V)``: the Heisenberg generators ``V_l† H_l V_l`` and the prefix unitaries
    ``V_l = U_l W_l ⋯ U_1 W_1``, shape ``(p, d, d)`` each (the layers of the dense reference, C1)."""
    from ..numeric.reference import layer_unitaries

    V = np.eye(model.dim, dtype=np.complex128)
    out = np.empty((model.n_params, model.dim, model.dim), dtype=np.complex128)
    vs = np.empty_like(out)
    for l, (step, H) in enumerate(zip(layer_unitaries(model, theta), model.generator_matrices())):
        V = step @ V
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
