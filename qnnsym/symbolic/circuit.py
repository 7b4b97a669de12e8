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

This module holds the public functions; the machinery lives in private modules:
:mod:`~qnnsym.symbolic._exact` (:func:`exact_number`), :mod:`~qnnsym.symbolic._trigpoly` (the
trigonometric normal form), :mod:`~qnnsym.symbolic._pauli_tables` (:class:`PauliSum`, Pauli
products, :func:`gate_matrix` and the gates' Pauli transfer tables) and
:mod:`~qnnsym.symbolic._heisenberg` (the model in the Pauli basis and the conjugation of ``M_0``).

>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.symbolic.circuit import predictions, effective_measurement
>>> qnn = circuit(1, [("RY", 0)], measurement="Z")
>>> effective_measurement(qnn).terms
{'X': -sin(theta_1), 'Z': cos(theta_1)}
>>> predictions(qnn, Dataset.basis_state(2))
Matrix([[cos(theta_1)]])
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import sympy as sp

from ..errors import InvalidInput, TooLarge
from ..model import QNN, Dataset, DenseHermitian, DenseUnitary, DiagonalOperator, PauliOperator
from ..model.encoding import AngleEncoding
from ..model.gates import NAMED_GATES
from ..model.pauli import PauliString
from ._exact import FLOAT_DROP as FLOAT_DROP  # re-exported: round-off threshold for float coefficients
from ._exact import _exact_matrix, _rationalize, exact_number
from ._heisenberg import _fixed_steps, _generator_terms, _heisenberg
from ._pauli_tables import (
    PauliSum,
    _commutes,
    _float_support,
    _labels,
    _measurement_support,
    _support,
    _times,
    gate_matrix,
    pauli_matrix,
)
from ._trigpoly import COS, SIN, TrigPoly
from .symbols import feature, sample_feature, theta

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


# --------------------------------------------------------------------------- symbols
def _theta(l: int) -> sp.Symbol:
    """``θ_l`` (1-based, C1)."""
    return theta(l)


def _feature(i: int | None, q: int) -> sp.Symbol:
    """Feature symbol of qubit ``q``: ``x_q`` for the generic input, ``x_{i,q}`` for sample ``i``."""
    return feature(q) if i is None else sample_feature(i, q)


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
    if sample is not None and (isinstance(sample, bool) or not isinstance(sample, (int, np.integer)) or sample < 0):
        raise InvalidInput("sample", "None or a non-negative integer (the sample index)", repr(sample))
    return tuple(_feature(sample, q) for q in range(int(n_qubits)))


# --------------------------------------------------------------------------- validation
def _require_qubits(qnn: Any, name: str = "qnn") -> QNN:
    if not isinstance(qnn, QNN):
        raise InvalidInput(name, "a qnnsym.model.QNN", type(qnn).__name__)
    if qnn.n_qubits is None:
        raise InvalidInput(
            name, "a qubit model (d = 2^n, n_qubits set) for the Pauli-basis expansion",
            f"a model on d = {qnn.dim}; use unitary() for the matrix road or qnnsym.numeric for numbers",
        )
    return qnn


# --------------------------------------------------------------------------- size estimate
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


def _check_size(qnn: QNN, max_terms: int, rationalize: Any = None) -> int:
    _rationalize(rationalize)
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
    _check_size(qnn, max_terms, rationalize)
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
    if not isinstance(features, str) or features not in ("numeric", "symbolic"):
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
    _check_size(qnn, max_terms, rationalize)
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
    _check_size(qnn, max_terms, rationalize)
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


def unitary(qnn: QNN, *, rationalize: float | None = None, max_dim: int = 16,
            max_terms: int = DEFAULT_MAX_TERMS) -> sp.Matrix:
    r"""``U(θ) = W_{p+1} U_p(θ_p) W_p ⋯ U_1(θ_1) W_1`` (C1) as a SymPy matrix (matrix road).

    Each Pauli rotation is ``cos(cθ) I - i sin(cθ) P``; entries are expanded products.  Every
    rotation can double the number of terms of an entry, so the request is refused
    (:class:`~qnnsym.errors.TooLarge`) when ``d^2 2^p > max_terms`` or ``d > max_dim``, before any
    expansion.

    >>> from qnnsym.model import circuit
    >>> unitary(circuit(1, [("RZ", 0)], measurement="Z"))
    Matrix([
    [-I*sin(theta_1/2) + cos(theta_1/2),                                 0],
    [                                 0, I*sin(theta_1/2) + cos(theta_1/2)]])
    """
    if not isinstance(qnn, QNN):
        raise InvalidInput("qnn", "a qnnsym.model.QNN", type(qnn).__name__)
    _rationalize(rationalize)
    for name, value in (("max_dim", max_dim), ("max_terms", max_terms)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InvalidInput(name, "a positive integer", repr(value))
    if qnn.dim > max_dim:
        raise TooLarge("qnn", f"a model of dimension <= max_dim = {max_dim} for the dense matrix road",
                       f"d = {qnn.dim}; use effective_measurement() (Pauli road) or qnnsym.numeric.unitary")
    est = qnn.dim**2 * 2 ** min(qnn.n_params, 256)
    if est > max_terms:
        raise TooLarge("qnn", f"at most max_terms = {max_terms} terms in the expanded matrix (estimate d^2 2^p)",
                       f"about {float(est):.2e} for d = {qnn.dim}, p = {qnn.n_params}; use effective_measurement() "
                       "(Pauli road, far fewer terms) or qnnsym.numeric.unitary for numbers")
    u = sp.eye(qnn.dim)
    for l, layer in enumerate(qnn.layers):
        if layer.fixed is not None:
            u = _fixed_matrix(layer.fixed, qnn.n_qubits, rationalize) * u
        u = (_rotation_matrix(qnn, l, rationalize) * u).applyfunc(sp.expand)
    if qnn.final is not None:
        u = (_fixed_matrix(qnn.final, qnn.n_qubits, rationalize) * u).applyfunc(sp.expand)
    return u
