"""Builders for the two model families of SPEC.md section 2.

1. :func:`dense_haar_model` — the paper's dense model: i.i.d. Haar ``W_l`` on U(d),
   generators with eigenvalues ``+-1`` (a Pauli string, or ``diag(+-1)``), ``M_0 = gamma P``.
2. :func:`circuit` / :func:`hardware_efficient_ansatz` — qubit circuits of Pauli
   rotations and fixed gates.

>>> from qnnsym.model.builders import circuit
>>> qnn = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RZ", 1)], measurement="ZI")
>>> [l.name for l in qnn.layers], qnn.layers[1].fixed.gates[0].name
(['RY(q0)', 'RZ(q1)'], 'CNOT')
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from .. import validate
from ..errors import InvalidInput, TooLarge
from ..sampling import as_rng, haar_unitaries
from .gates import NAMED_GATES, DenseUnitary, Gate, GateSequence
from .operators import DiagonalOperator, HermitianOperator, PauliOperator, as_operator
from .pauli import PauliString, all_pauli_strings
from .qnn import QNN, Layer

__all__ = ["dense_haar_model", "hardware_efficient_ansatz", "circuit", "pm1_diagonal", "ROTATIONS"]

#: One-qubit rotations and their generator letter: ``R_P(theta) = exp(-i theta P / 2)`` (C1).
ROTATIONS = {"RX": "X", "RY": "Y", "RZ": "Z"}

#: :func:`dense_haar_model` holds ``p + 1`` dense ``d x d`` unitaries (and the engine a product of them).
DENSE_MODEL_MAX_BYTES = 2 * 2**30


def pm1_diagonal(d: int) -> np.ndarray:
    """``(+1, ..., +1, -1, ..., -1)`` with ``ceil(d/2)`` plus signs (traceless for even ``d``)."""
    return np.r_[np.ones((d + 1) // 2), -np.ones(d // 2)]


def _is_power_of_two(d: int) -> bool:
    return d >= 2 and d & (d - 1) == 0


def dense_haar_model(
    d: int,
    p: int,
    seed: int | None = None,
    *,
    rng: np.random.Generator | None = None,
    gamma: float = 1.0,
    generator: str = "diagonal",
    measurement: Any = None,
    final_unitary: bool = False,
) -> QNN:
    """The paper's dense QNN: ``U = [W_{p+1}] prod_l exp(-i theta_l H_l) W_l`` with i.i.d. Haar ``W_l``.

    Parameters
    ----------
    d, p : int
        Dimension (``d >= 2``) and number of parametrised layers.
    seed, rng :
        Randomness (explicit, required).
    gamma : float
        Scale of the measurement ``M_0 = gamma P`` (C7).
    generator : {"diagonal", "pauli"}
        ``"diagonal"``: ``H_l = diag(+1,...,+1,-1,...,-1)`` (eigenvalues ``+-1``; traceless for
        even ``d``).  ``"pauli"``: an independent uniformly random non-identity Pauli string per
        layer (``d`` must be a power of two).  With Haar ``W_l`` the two give the same
        distribution of ``U`` for even ``d``; the diagonal one is cheaper.
    measurement : operator, label or matrix, optional
        ``P`` (before scaling by ``gamma``).  Default: ``Z`` on qubit 0 when ``d = 2^n``,
        otherwise ``diag(+-1)``.
    final_unitary : bool
        Append a Haar ``W_{p+1}``.
    """
    d = validate.positive_int("d", d)
    if d < 2:
        raise InvalidInput("d", "a dimension >= 2", str(d))
    p = validate.positive_int("p", p)
    need = (p + 1) * d * d * 16
    if need > DENSE_MODEL_MAX_BYTES:
        raise TooLarge("d", f"(p + 1) d^2 complex entries within DENSE_MODEL_MAX_BYTES = {DENSE_MODEL_MAX_BYTES} bytes",
                       f"d = {d}, p = {p} ({need:.3g} bytes); use a circuit model (circuit, hardware_efficient_ansatz) for large registers")
    gamma = _check_gamma(gamma)
    final_unitary = validate.flag("final_unitary", final_unitary)
    generator = validate.member("generator", generator, ("diagonal", "pauli"))
    gen = as_rng(seed, rng)
    qubits = _is_power_of_two(d)
    n_qubits = int(np.log2(d)) if qubits else None

    if generator == "diagonal":
        h = DiagonalOperator(pm1_diagonal(d))
        generators: list[HermitianOperator] = [h] * p
    elif generator == "pauli":
        if not qubits:
            raise InvalidInput("generator", "'diagonal' when d is not a power of two", f"'pauli' with d = {d}")
        pool = all_pauli_strings(n_qubits)
        idx = gen.integers(0, len(pool), size=p)
        generators = [PauliOperator(pool[int(i)]) for i in idx]
    else:
        raise InvalidInput("generator", "'diagonal' or 'pauli'", repr(generator))

    if measurement is None:
        base = PauliOperator(PauliString("Z" + "I" * (n_qubits - 1))) if qubits else DiagonalOperator(pm1_diagonal(d))
    else:
        base = as_operator("measurement", measurement, d)
    m0 = _scaled(base, gamma)

    ws = haar_unitaries(d, p + (1 if final_unitary else 0), rng=gen)
    layers = tuple(Layer(generators[l], DenseUnitary(ws[l]), name=f"L{l + 1}") for l in range(p))
    final = DenseUnitary(ws[p]) if final_unitary else None
    return QNN(layers, m0, final=final, n_qubits=n_qubits, name=f"dense(d={d}, p={p})",
               meta={"family": "dense", "generator": generator, "gamma": gamma})


def _check_gamma(gamma: Any) -> float:
    gamma = validate.finite_real("gamma", gamma)
    if gamma == 0:
        raise InvalidInput("gamma", "a non-zero measurement scale", "0")
    return gamma


def _scaled(op: HermitianOperator, gamma: float) -> HermitianOperator:
    if gamma == 1.0:
        return op
    with np.errstate(over="ignore"):
        scaled_norm = abs(gamma) * op.norm
    if not np.isfinite(scaled_norm):
        raise InvalidInput("gamma", f"a scale with gamma * ||M|| finite in float64 (||M|| = {op.norm:.3g})", repr(gamma))
    if isinstance(op, PauliOperator):
        return PauliOperator(op.pauli, op.coeff * gamma)
    if isinstance(op, DiagonalOperator):
        return DiagonalOperator(gamma * np.asarray(op.diagonal))
    from .operators import DenseHermitian

    return DenseHermitian(gamma * op.matrix())


def _rotation_generator(name: str, args: Sequence[Any], n_qubits: int) -> tuple[HermitianOperator, str]:
    key = name.upper()
    if key in ROTATIONS:
        if len(args) != 1:
            raise InvalidInput(key, "one qubit index", repr(tuple(args)))
        q = validate.nonnegative_int(f"{key} qubit", args[0])
        if q >= n_qubits:
            raise InvalidInput(f"{key} qubit", f"a qubit index in 0..{n_qubits - 1}", str(q))
        label = "".join(ROTATIONS[key] if i == q else "I" for i in range(n_qubits))
        return PauliOperator(PauliString(label), 0.5), f"{key}(q{q})"
    if key in ("PAULIROT", "EXP"):
        if len(args) != 1 or not isinstance(args[0], str) or len(args[0]) != n_qubits:
            raise InvalidInput(key, f"a Pauli label of length {n_qubits}", repr(tuple(args)))
        pauli = PauliString(args[0])
        if pauli.is_identity:
            raise InvalidInput(key, "a non-identity Pauli label", repr(args[0]))
        coeff = 0.5 if key == "PAULIROT" else 1.0
        return PauliOperator(pauli, coeff), f"{key}({pauli.label})"
    if key == "GEN":
        op = as_operator("GEN generator", args[0] if args else None, 2**n_qubits)
        return op, "GEN"
    raise KeyError(key)


def circuit(n_qubits: int, gates: Iterable[Sequence[Any]], measurement: Any, *, gamma: float = 1.0, name: str = "circuit") -> QNN:
    """A qubit circuit from a list of gate tuples, first gate acting first.

    Parametrised gates (one parameter each, in order of appearance):

    - ``("RX", q)``, ``("RY", q)``, ``("RZ", q)`` — generator ``P_q / 2``;
    - ``("PAULIROT", "XZI")`` — generator ``P / 2`` on the whole register;
    - ``("EXP", "XZI")`` — generator ``P`` (eigenvalues ``+-1``);
    - ``("GEN", operator)`` — any Hermitian generator on the whole register.

    Fixed gates: ``("H", q)``, ``("X", q)``, ``("Y", q)``, ``("Z", q)``, ``("S", q)``,
    ``("T", q)``, ``("CNOT", control, target)``, ``("CZ", a, b)``, ``("SWAP", a, b)``, and
    ``("U", qubits, matrix)`` for any unitary on the listed qubits.  Fixed gates between two
    rotations form the next layer's ``W_l``; those after the last rotation form ``W_{p+1}``.
    """
    n = validate.positive_int("n_qubits", n_qubits)
    name = validate.text("name", name)
    gamma = _check_gamma(gamma)
    if isinstance(gates, (str, bytes)) or not isinstance(gates, Iterable):
        raise InvalidInput("gates", "a list of gate tuples such as [('RY', 0), ('CNOT', 0, 1)]", validate.describe(gates))
    pending: list[Gate] = []
    layers: list[Layer] = []
    for i, spec in enumerate(gates):
        if isinstance(spec, str):
            spec = (spec,)
        if not isinstance(spec, (tuple, list)) or not spec or not isinstance(spec[0], str):
            raise InvalidInput(f"gates[{i}]", "a tuple such as ('RY', 0) or ('CNOT', 0, 1)", validate.describe(spec))
        key, args = spec[0].upper(), tuple(spec[1:])
        try:
            gen, label = _rotation_generator(key, args, n)
        except KeyError:
            pending.append(_fixed_gate(i, key, args, n))
            continue
        fixed = GateSequence(n, tuple(pending)) if pending else None
        layers.append(Layer(gen, fixed, name=label))
        pending = []
    if not layers:
        raise InvalidInput("gates", "at least one parametrised gate (RX, RY, RZ, PAULIROT, EXP, GEN)", "none")
    final = GateSequence(n, tuple(pending)) if pending else None
    m0 = _scaled(as_operator("measurement", measurement, 2**n), gamma)
    return QNN(tuple(layers), m0, final=final, n_qubits=n, name=name, meta={"family": "circuit"})


def _fixed_gate(i: int, key: str, args: tuple[Any, ...], n: int) -> Gate:
    if key == "U":
        if len(args) != 2:
            raise InvalidInput(f"gates[{i}]", "('U', qubits, matrix)", f"{len(args)} arguments")
        try:
            gate = Gate("U", args[0], args[1])
        except InvalidInput as exc:
            raise InvalidInput(f"gates[{i}] (U {exc.argument})", exc.expected, exc.got) from None
    elif key in NAMED_GATES:
        try:
            gate = Gate.named(key, *args)
        except InvalidInput as exc:
            raise InvalidInput(f"gates[{i}] ({key})", exc.expected, exc.got) from None
    else:
        raise InvalidInput(
            f"gates[{i}]", f"a rotation in {sorted(ROTATIONS) + ['EXP', 'GEN', 'PAULIROT']} or a fixed gate in {sorted(NAMED_GATES) + ['U']}", repr(key)
        )
    if max(gate.qubits) >= n:
        raise InvalidInput(f"gates[{i}] ({key})", f"qubit indices in 0..{n - 1}", repr(gate.qubits))
    return gate


def hardware_efficient_ansatz(
    n_qubits: int,
    n_layers: int,
    *,
    rotations: Sequence[str] = ("RY", "RZ"),
    entangler: str = "CNOT",
    measurement: Any = None,
    gamma: float = 1.0,
) -> QNN:
    """Hardware-efficient ansatz: per layer, each rotation in ``rotations`` on qubits ``0..n-1``
    (all qubits for the first rotation, then all for the next), then ``entangler`` on
    ``(q, q+1)`` for ``q = 0..n-2``.  Parameter ``l*len(rotations)*n + r*n + q`` is
    rotation ``r`` on qubit ``q`` in layer ``l``.  Measurement: ``Z`` on qubit 0 by default.
    """
    n = validate.positive_int("n_qubits", n_qubits)
    n_layers = validate.positive_int("n_layers", n_layers)
    if isinstance(rotations, str) or not isinstance(rotations, (tuple, list)) or not rotations:
        raise InvalidInput("rotations", f"a non-empty sequence of names among {sorted(ROTATIONS)}", validate.describe(rotations))
    for r in rotations:
        if not isinstance(r, str) or r.upper() not in ROTATIONS:
            raise InvalidInput("rotations", f"names among {sorted(ROTATIONS)}", repr(r))
    if not isinstance(entangler, str) or entangler.upper() not in ("CNOT", "CZ"):
        raise InvalidInput("entangler", "'CNOT' or 'CZ'", repr(entangler))
    gates: list[tuple[Any, ...]] = []
    for _ in range(n_layers):
        for r in rotations:
            gates.extend((r.upper(), q) for q in range(n))
        gates.extend((entangler.upper(), q, q + 1) for q in range(n - 1))
    if measurement is None:
        measurement = "Z" + "I" * (n - 1)
    return circuit(n, gates, measurement, gamma=gamma, name=f"hea(n={n}, L={n_layers})")
