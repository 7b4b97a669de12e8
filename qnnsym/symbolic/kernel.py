r"""Exact Jacobian ``J_il = ∂ŷ_i/∂θ_l`` and tangent kernel ``K = J Jᵀ`` (C4) as SymPy matrices.

Road (each step is named and recorded, no open-ended ``simplify()``):

1. **Heisenberg expansion** of ``M(θ) = Σ_Q a_Q(θ) Q`` through the circuit
   (:mod:`qnnsym.symbolic.circuit`: Pauli rule for rotations, exact Pauli transfer tables
   for fixed gates);
2. **trace** against the inputs, ``ŷ_i = Σ_Q a_Q(θ) tr(ρ_i Q)`` (a product of Bloch
   components for angle-encoded inputs with feature symbols);
3. **term-wise derivative**: ``∂_θ cos(kθ) = -k sin(kθ)``, ``∂_θ sin(kθ) = k cos(kθ)``.  A
   parameter that cannot affect the output never enters ``ŷ`` and its column is exactly ``0``;
4. **expand products** ``J_il J_jl`` monomial by monomial, summed over ``l``;
5. **power reduction** in each angle (product-to-sum):
   ``cos a cos b = ½[cos(a−b) + cos(a+b)]``, ``sin a sin b = ½[cos(a−b) − cos(a+b)]``,
   ``sin a cos b = ½[sin(a+b) + sin(a−b)]`` (so ``cos²θ = ½ + ½cos 2θ``);
6. **collect** like monomials.

The result is a trigonometric polynomial in normal form (``Σ c Π_v cos/sin(k_v v)``, one factor
per variable), with exact coefficients whenever the gates are exact.  The same normal form is
available for any SymPy expression through :func:`trig_normal_form`, which the tests use to
compare with ``sympy.diff`` and with the matrix road ``tr(ρ U†M_0U)``.

Before any expansion the cost is estimated (:func:`estimate_kernel_terms`) and a hopeless
request is refused with :class:`~qnnsym.errors.TooLarge`, naming the numeric alternative
``qnnsym.numeric.jacobian`` / ``qnnsym.numeric.tangent_kernel``.

>>> from qnnsym.model import circuit, Dataset
>>> from qnnsym.symbolic.kernel import jacobian, tangent_kernel
>>> qnn = circuit(1, [("RY", 0), ("RZ", 0)], measurement="Z")
>>> jacobian(qnn, Dataset.basis_state(2))          # RZ right before a Z measurement drops out
Matrix([[-sin(theta_1), 0]])
>>> tangent_kernel(qnn, Dataset.basis_state(2))     # sin² θ reduced to (1 - cos 2θ)/2
Matrix([[1/2 - cos(2*theta_1)/2]])
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable

import sympy as sp

from ..errors import InvalidInput, TooLarge
from ..validate import describe
from ..model import QNN, Dataset
from ._trigpoly import COS, SIN, TrigPoly, _sum_of_products
from .circuit import (
    DEFAULT_MAX_TERMS,
    _check_features,
    _check_size,
    _prediction_polys,
    _require_qubits,
    estimate_measurement_terms,
    feature_symbols,
    theta_symbols,
)

__all__ = [
    "DEFAULT_MAX_WORK",
    "KernelDerivation",
    "derive_tangent_kernel",
    "estimate_kernel_terms",
    "jacobian",
    "tangent_kernel",
    "trig_normal_form",
]

#: Default limit on the estimated number of monomial products needed for ``K``.
DEFAULT_MAX_WORK = 2_000_000

Step = tuple[str, Any]


# --------------------------------------------------------------------------- normal form of any expression
def _trig_args(expr: sp.Expr) -> list:
    return [a for a in expr.atoms(sp.cos, sp.sin)]


def _linear(arg: sp.Expr, variables: set, expr: sp.Expr) -> tuple[sp.Symbol, sp.Expr]:
    k, v = arg.as_coeff_Mul()
    if v in variables and k.is_Number:
        return v, k
    raise InvalidInput(
        "expr", "a polynomial in cos/sin of number multiples of the variables (a trigonometric polynomial)",
        f"the argument {arg} in {str(expr)[:80]}",
    )


def _to_trigpoly(expr: sp.Expr, variables: set) -> TrigPoly:
    out = TrigPoly()
    for term in sp.Add.make_args(expr):
        coeff: list = []
        poly = TrigPoly.constant(1)
        for f in sp.Mul.make_args(term):
            base, e = f.as_base_exp()
            if isinstance(base, (sp.cos, sp.sin)) and base.args[0].free_symbols & variables:
                if not (e.is_Integer and e > 0):
                    raise InvalidInput("expr", "non-negative integer powers of cos/sin", str(f))
                var, k = _linear(base.args[0], variables, expr)
                kind = COS if isinstance(base, sp.cos) else SIN
                for _ in range(int(e)):
                    poly = poly * TrigPoly.factor(var, kind, k)
            elif f.free_symbols & variables:
                raise InvalidInput("expr", "a trigonometric polynomial in the variables", f"the factor {f}")
            else:
                coeff.append(f)
        out.add_into(poly, sp.Mul(*coeff))
    return out


def trig_normal_form(expr: Any, variables: Iterable[sp.Symbol] | None = None, *, steps: list | None = None) -> sp.Expr:
    r"""The trigonometric normal form ``Σ c Π_v cos/sin(k_v v)`` of a trig polynomial.

    Named rewrites, in order (each appended to ``steps`` when a list is given):
    ``rewrite(cos)`` (only if ``exp(iφ)`` occurs: ``e^{iφ} = cos φ + i sin φ``), ``expand_trig``
    (only if an argument is a sum of angles), ``expand`` (distribute products), power reduction
    (product-to-sum in each variable) and collection of like monomials.  Two trig polynomials are
    equal iff their normal forms are identical, so the difference of two results is decided with
    ``== 0``.

    Parameters
    ----------
    expr : SymPy expression (or matrix, entry-wise)
    variables : iterable of Symbol, optional
        The angles; default: every symbol occurring inside a cos/sin.

    Examples
    --------
    >>> t = sp.Symbol("t", real=True)
    >>> trig_normal_form(sp.cos(t)**2 - sp.sin(t)**2 - sp.cos(2*t))
    0
    >>> trig_normal_form(sp.sin(t / 2)**2)
    1/2 - cos(t)/2
    """
    if steps is not None and not isinstance(steps, list):
        raise InvalidInput("steps", "a list (the named rewrites are appended to it) or None", describe(steps))
    if variables is not None:
        if isinstance(variables, (str, bytes, sp.Basic)) or not isinstance(variables, Iterable):
            raise InvalidInput("variables", "an iterable of SymPy symbols or None", describe(variables))
        variables = list(variables)
        bad = [v for v in variables if not isinstance(v, sp.Symbol)]
        if bad:
            raise InvalidInput("variables", "an iterable of SymPy symbols or None", f"{bad[0]!r} ({type(bad[0]).__name__})")
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: trig_normal_form(e, variables))
    if isinstance(expr, bool) or not isinstance(expr, (sp.Basic, int, float, complex)):
        raise InvalidInput("expr", "a SymPy expression or matrix (a trigonometric polynomial)", describe(expr))
    expr = sp.sympify(expr)
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InvalidInput("expr", "a finite trigonometric polynomial", f"{expr} (not finite)")
    if expr.has(sp.exp):
        expr = expr.rewrite(sp.cos)
        if steps is not None:
            steps.append(("rewrite exp(iφ) = cos φ + i sin φ", expr))
    if any(a.args[0].is_Add for a in _trig_args(expr)):
        expr = sp.expand_trig(expr)
        if steps is not None:
            steps.append(("expand_trig (angle-addition formulas)", expr))
    expr = sp.expand(expr)
    if steps is not None:
        steps.append(("expand (distribute products)", expr))
    if variables is None:
        variables = set().union(*[a.args[0].free_symbols for a in _trig_args(expr)]) if _trig_args(expr) else set()
    out = _to_trigpoly(expr, set(variables)).to_expr()
    if steps is not None:
        steps.append(("power reduction (product-to-sum per angle) and collect", out))
    return out


# --------------------------------------------------------------------------- estimate
def estimate_kernel_terms(qnn: QNN, data: Dataset, *, features: str = "numeric") -> dict[str, int]:
    r"""Cheap estimate of the expansion, computed before any exact work.

    ``n_y`` — monomials per prediction: the (Pauli, monomial) count of ``M(θ)`` from
    :func:`~qnnsym.symbolic.circuit.estimate_measurement_terms`, capped by ``Π_l 3^{r_l}``
    when the inputs are numbers.  ``work`` — monomial products for ``K``:
    ``m(m+1)/2 · p · n_y²``.

    >>> from qnnsym.model import hardware_efficient_ansatz, Dataset
    >>> estimate_kernel_terms(hardware_efficient_ansatz(2, 2), Dataset.basis_state(4))
    {'measurement_terms': 11, 'prediction_terms': 11, 'work': 968}
    """
    qnn = _require_qubits(qnn)
    if not isinstance(data, Dataset):
        raise InvalidInput("data", "a qnnsym.model.Dataset", type(data).__name__)
    _check_features(data, qnn, features)
    total, caps = estimate_measurement_terms(qnn)
    n_y = total if features == "symbolic" else min(total, caps[-1] if caps else 1)
    work = data.m * (data.m + 1) // 2 * qnn.n_params * n_y * n_y
    return {"measurement_terms": total, "prediction_terms": n_y, "work": work}


def _check_work(qnn: QNN, data: Dataset, features: str, max_work: int) -> dict[str, int]:
    if isinstance(max_work, bool) or not isinstance(max_work, int) or max_work < 1:
        raise InvalidInput("max_work", "a positive integer", repr(max_work))
    est = estimate_kernel_terms(qnn, data, features=features)
    if est["work"] > max_work:
        raise TooLarge(
            "qnn",
            f"a tangent kernel whose estimated work is at most max_work = {max_work} monomial products",
            f"an estimated {est['work']} (m = {data.m}, p = {qnn.n_params}, about {est['prediction_terms']} "
            "monomials per prediction); raise max_work, or use the numeric engine "
            "(qnnsym.numeric.jacobian / qnnsym.numeric.tangent_kernel)",
        )
    return est


# --------------------------------------------------------------------------- derivation
@dataclass
class KernelDerivation:
    """Everything :func:`derive_tangent_kernel` computed, for proofs and docs.

    Attributes
    ----------
    theta, features : tuple of Symbol
        ``θ_1..θ_p`` and (symbolic features only) ``x_{i,q}`` in sample-major order.
    predictions : Matrix (m × 1)
    jacobian : Matrix (m × p)
    kernel : Matrix (m × m) or None
    dropped : tuple of int
        1-based indices ``l`` whose column of ``J`` is identically zero.
    steps : list of (name, expression or summary)
    estimate : dict
    seconds : float
    """

    theta: tuple
    features: tuple
    predictions: sp.Matrix
    jacobian: sp.Matrix
    kernel: sp.Matrix | None
    dropped: tuple
    steps: list = field(default_factory=list)
    estimate: dict = field(default_factory=dict)
    seconds: float = 0.0


def derive_tangent_kernel(
    qnn: QNN,
    data: Dataset,
    *,
    features: str = "numeric",
    rationalize: float | None = None,
    kernel: bool = True,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_work: int = DEFAULT_MAX_WORK,
) -> KernelDerivation:
    r"""Predictions, Jacobian and (optionally) tangent kernel with the recorded derivation steps.

    Parameters
    ----------
    qnn : QNN
        A qubit model (``d = 2^n``).
    data : Dataset
    features : {"numeric", "symbolic"}
        ``"symbolic"`` (angle-encoded data): sample ``i``'s features become real symbols ``x_{i,q}``.
    rationalize : float or None
        ``nsimplify`` tolerance for float gates (``None``: keep floats).
    kernel : bool
        Also form ``K = J Jᵀ``.
    max_terms, max_work : int
        Limits on the estimated size of ``M(θ)`` and on the monomial products for ``K``;
        exceeding either raises :class:`~qnnsym.errors.TooLarge` before any expansion.

    Returns
    -------
    KernelDerivation

    Examples
    --------
    >>> from qnnsym.model import circuit, Dataset
    >>> der = derive_tangent_kernel(circuit(1, [("RX", 0), ("RY", 0)], measurement="Z"), Dataset.basis_state(2))
    >>> der.jacobian
    Matrix([[-sin(theta_1)*cos(theta_2), -sin(theta_2)*cos(theta_1)]])
    >>> der.kernel[0, 0]
    -cos(2*theta_1)*cos(2*theta_2)/2 + 1/2
    >>> [name for name, _ in der.steps][-3:]
    ['expand products J_il J_jl (summed over l)', 'power reduction (product-to-sum per angle)', 'collect like monomials: K = J J^T']
    """
    qnn = _require_qubits(qnn)
    if not isinstance(data, Dataset):
        raise InvalidInput("data", "a qnnsym.model.Dataset", type(data).__name__)
    if not isinstance(kernel, bool):
        raise InvalidInput("kernel", "True or False", describe(kernel))
    _check_features(data, qnn, features)
    _check_size(qnn, max_terms, rationalize)
    est = _check_work(qnn, data, features, max_work) if kernel else estimate_kernel_terms(qnn, data, features=features)
    t0 = time.perf_counter()
    steps: list[Step] = []
    ys = _prediction_polys(qnn, data, features=features, rationalize=rationalize, steps=steps)
    thetas = theta_symbols(qnn)
    jac = [[y.diff(th) for th in thetas] for y in ys]
    J = sp.Matrix([[e.to_expr() for e in row] for row in jac])
    steps.append(("differentiate term-wise: d cos(kθ) = -k sin(kθ) dθ, d sin(kθ) = k cos(kθ) dθ", J))
    dropped = tuple(l + 1 for l in range(qnn.n_params) if all(row[l].is_zero() for row in jac))
    steps.append(("drop-out: parameters whose column is identically 0", f"θ_l for l in {list(dropped)}"))
    K = None
    if kernel:
        m = data.m
        entries: dict = {}
        raw = reduced = 0
        for i in range(m):
            for j in range(i, m):
                poly, r1, r2 = _sum_of_products(zip(jac[i], jac[j]))
                raw += r1
                reduced += r2
                entries[(i, j)] = entries[(j, i)] = poly.to_expr()
        summary = f"{raw} monomial products for the {m * (m + 1) // 2} entries i <= j"
        steps.append(("expand products J_il J_jl (summed over l)", summary))
        steps.append(("power reduction (product-to-sum per angle)", f"{reduced} distinct monomials before cancellation"))
        K = sp.Matrix(m, m, lambda i, j: entries[(i, j)])
        steps.append(("collect like monomials: K = J J^T", K))
    feats = tuple(s for i in range(data.m) for s in feature_symbols(qnn.n_qubits, sample=i)) if features == "symbolic" else ()
    return KernelDerivation(
        theta=thetas, features=feats, predictions=sp.Matrix([y.to_expr() for y in ys]), jacobian=J, kernel=K,
        dropped=dropped, steps=steps, estimate=est, seconds=time.perf_counter() - t0,
    )


def jacobian(
    qnn: QNN, data: Dataset, *, features: str = "numeric", rationalize: float | None = None,
    max_terms: int = DEFAULT_MAX_TERMS,
) -> sp.Matrix:
    r"""The exact Jacobian ``J_il = ∂ŷ_i/∂θ_l`` (C4), an ``m × p`` SymPy matrix.

    See :func:`derive_tangent_kernel` for the parameters and the recorded steps.

    >>> from qnnsym.model import circuit, Dataset
    >>> qnn = circuit(2, [("RY", 0), ("CNOT", 0, 1), ("RX", 0)], measurement="ZZ")
    >>> jacobian(qnn, Dataset.basis_state(4))     # CNOT maps ZZ to IZ, which commutes with RY(q0)
    Matrix([[0, -sin(theta_2)]])
    """
    return derive_tangent_kernel(
        qnn, data, features=features, rationalize=rationalize, kernel=False, max_terms=max_terms
    ).jacobian


def tangent_kernel(
    qnn: QNN, data: Dataset, *, features: str = "numeric", rationalize: float | None = None,
    max_terms: int = DEFAULT_MAX_TERMS, max_work: int = DEFAULT_MAX_WORK,
) -> sp.Matrix:
    r"""The exact tangent kernel ``K = J Jᵀ`` (C4, no ``1/m`` or ``1/p``), an ``m × m`` SymPy matrix.

    Each entry is a trigonometric polynomial in normal form (products reduced by power
    reduction per angle, like monomials collected).  See :func:`derive_tangent_kernel`.

    >>> from qnnsym.model import circuit, Dataset
    >>> tangent_kernel(circuit(1, [("RX", 0), ("RZ", 0)], measurement="Y"), Dataset.basis_state(2))
    Matrix([[cos(2*theta_1)*cos(2*theta_2)/2 + 1/2]])
    """
    return derive_tangent_kernel(
        qnn, data, features=features, rationalize=rationalize, kernel=True, max_terms=max_terms, max_work=max_work
    ).kernel
