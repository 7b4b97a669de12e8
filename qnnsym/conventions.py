"""The conventions of qnnsym (SPEC.md section 1), stated once.

Every module that depends on a convention imports the constant from here, and the
docs print :data:`CONVENTIONS` verbatim (``qnnsym info --conventions``).

>>> from qnnsym import conventions as C
>>> C.ROTATION_FACTOR          # U_l(theta) = exp(-i * ROTATION_FACTOR * theta * H_l)
1
>>> C.QUBIT0_IS_MOST_SIGNIFICANT
True
>>> C.haar_beta(tr_a=0.0, tr_a2=4.0, d=4)   # beta(P) = d/(d^2 - 1) for a Pauli on 2 qubits
0.26666666666666666
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Convention",
    "CONVENTIONS",
    "ROTATION_FACTOR",
    "QUBIT0_IS_MOST_SIGNIFICANT",
    "PAULI_LABELS",
    "LOSS_FACTOR",
    "KERNEL_NORMALISATION",
    "haar_alpha",
    "haar_beta",
    "qubit_bit",
    "conventions_markdown",
]

#: C1. ``U_l(theta) = exp(-i * ROTATION_FACTOR * theta * H_l)``.  No hidden 1/2:
#: ``RX(theta) = exp(-i theta X / 2)`` is the generator ``H = X/2``.
ROTATION_FACTOR = 1

#: C6. Qubit 0 is the most significant bit of the computational-basis index.
QUBIT0_IS_MOST_SIGNIFICANT = True

#: C6. Pauli-string spelling: character ``k`` of ``"XZI"`` acts on qubit ``k``.
PAULI_LABELS = "IXYZ"

#: C3. ``L = LOSS_FACTOR * sum_i (yhat_i - y_i)^2``.
LOSS_FACTOR = 0.5

#: C4. ``K = J J^T`` with no ``1/m`` or ``1/p`` factor.
KERNEL_NORMALISATION = 1


@dataclass(frozen=True)
class Convention:
    """One numbered convention of SPEC.md section 1."""

    id: str
    title: str
    statement: str


CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        "C1",
        "Layers",
        "U(θ) = W_{p+1} U_p(θ_p) W_p ⋯ U_1(θ_1) W_1 with U_l(θ) = exp(−i θ H_l); the final fixed "
        "W_{p+1} is optional. No factor 1/2 is hidden: RX(θ) = exp(−iθX/2) has generator H = X/2.",
    ),
    Convention(
        "C2",
        "Predictions",
        "ŷ_i(θ) = tr(M_0 U ρ_i U†) = tr(ρ_i M(θ)) with the effective measurement M(θ) = U(θ)† M_0 U(θ).",
    ),
    Convention(
        "C3",
        "Loss and dynamics",
        "L = ½ Σ_i (ŷ_i − y_i)², residual r = ŷ − y. Gradient flow θ' = −η ∇L; gradient descent "
        "θ_{k+1} = θ_k − η_step ∇L(θ_k), reported at time t_k = k η_step / η when it approximates a flow.",
    ),
    Convention(
        "C4",
        "Tangent kernel",
        "J_il = ∂ŷ_i/∂θ_l and K = J Jᵀ (no 1/m or 1/p). Then r' = −η K r and L' = −η ‖Jᵀ r‖².",
    ),
    Convention(
        "C5",
        "Haar measure",
        "Haar measure on U(d) normalised to 1. For Hermitian A: β(A) = (tr A² − (tr A)²/d)/(d² − 1), "
        "α(A) = (d (tr A)² − tr A²)/(d (d² − 1)).",
    ),
    Convention(
        "C6",
        "Qubit order",
        "Qubit 0 is the most significant bit of the basis index. Pauli strings are spelled qubit 0 "
        "first: \"XZI\" is X on qubit 0, Z on qubit 1, I on qubit 2.",
    ),
    Convention(
        "C7",
        "Pauli measurement",
        "M_0 = γ P with P a non-identity Pauli string; γ = 1 is 'Pauli'. The measurement range is "
        "[λ_min, λ_max] and Δ = λ_max − λ_min.",
    ),
    Convention(
        "C8",
        "Over-parameterised scaling",
        "c = η Σ_l β(H_l) (= η p d/(d² − 1) for Pauli generators).",
    ),
)


def haar_beta(tr_a: float, tr_a2: float, d: int) -> float:
    """C5: ``beta(A) = (tr A^2 - (tr A)^2 / d) / (d^2 - 1)``.

    The coefficient of SWAP in ``E[V A V^dag (x) V A V^dag]``.
    """
    return (tr_a2 - tr_a * tr_a / d) / (d * d - 1)


def haar_alpha(tr_a: float, tr_a2: float, d: int) -> float:
    """C5: ``alpha(A) = (d (tr A)^2 - tr A^2) / (d (d^2 - 1))``.

    The coefficient of the identity in ``E[V A V^dag (x) V A V^dag]``.
    """
    return (d * tr_a * tr_a - tr_a2) / (d * (d * d - 1))


def qubit_bit(qubit: int, n_qubits: int) -> int:
    """C6: the bit position (0 = least significant) that holds ``qubit``.

    >>> qubit_bit(0, 3), qubit_bit(2, 3)
    (2, 0)
    """
    return n_qubits - 1 - qubit


def conventions_markdown() -> str:
    """The conventions as a Markdown list, for the docs and ``qnnsym info``."""
    lines = ["# Conventions", ""]
    for c in CONVENTIONS:
        lines.append(f"- **{c.id} ({c.title}).** {c.statement}")
    return "\n".join(lines) + "\n"
