r"""The asymptotic dynamics (SPEC Theorem 4.2, S12) derived symbolically, step by named step.

Three derivations and the closed-form solutions of the one-sample flow:

(a) :func:`measurement_flow` — from the finite-``p`` gradient flow ``θ' = -η∇L`` to the induced
    dynamics of the effective measurement, ``∂M/∂θ_l = i[Ĥ_l, M]``,
    ``θ_l' = -η Σ_i r_i i tr(Ĥ_l[M, ρ_i])``, ``M' = η Σ_l tr(Ĥ_l[M, R]) [Ĥ_l, M]``, and, with
    the t = 2 frame identity ``Σ_l Ĥ_l tr(Ĥ_l X) ≈ κX`` (S10), the double-bracket flow
    ``M' = -c[M, [M, R]]``, ``c = ηκ``;
(b) :func:`residual_flow` — ``r' = -c K^asym(M) r`` with ``K^asym_ij = -tr([M, ρ_i][M, ρ_j])``;
(c) :func:`one_sample_flow` — ``m = 1``, pure ``ρ``, ``M_0 = γP``: ``K^asym_11 = 2(γ² - ŷ²)``
    and ``ŷ' = -2c(γ² - ŷ²)(ŷ - y)``; :func:`one_sample_solution` gives its closed form for
    ``|y| < γ`` (linear, terminal rate ``2c(γ² - y²)``), ``|y| = γ`` (residual ``~ 1/(4cγt)``)
    and, explicitly, ``y = 0``.

Every step says how it is closed (:class:`DerivationStep.method`):

* ``abstract`` — SymPy noncommutative symbols with named rewrites (``expand``; unitarity
  ``VV† = I``; ``[e^{-iθH}, H] = 0``; cyclicity of the trace, by rotating each word to a
  canonical form; pure-state rules ``ρ² = ρ``, ``ρWρ = tr(ρW)ρ``; ``P² = I``);
* ``explicit d = 2`` — the identity checked exactly on symbolic 2 × 2 matrices (Bloch
  parametrisation with real symbols, ``expand`` or :func:`~qnnsym.symbolic.kernel.trig_normal_form`);
* ``calculus`` — ``diff``, ``apart``, ``together``, ``cancel``, ``limit`` on scalar expressions;
* ``definition`` and ``approximation`` (the frame identity of S10, exact for a complete Pauli
  frame, which is what is checked).

>>> der = one_sample_flow()
>>> der.results["ode_rhs"]
-2*c*(gamma**2 - yhat**2)*(-y + yhat)
>>> der.verified
True
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Sequence

import sympy as sp
from sympy.physics.quantum import Dagger

from ..errors import InvalidInput
from ..validate import describe
from .kernel import trig_normal_form
from .printing import register_latex_name
from .symbols import d as _d
from .symbols import theta, trace_symbol

__all__ = [
    "DerivationStep",
    "Derivation",
    "ABSTRACT",
    "EXPLICIT_D2",
    "CALCULUS",
    "DEFINITION",
    "APPROXIMATION",
    "measurement_flow",
    "residual_flow",
    "one_sample_flow",
    "one_sample_solution",
    "asymptotic_kernel",
    "double_bracket",
]

ABSTRACT = "abstract (SymPy noncommutative algebra, named rewrites)"
EXPLICIT_D2 = "explicit d = 2 matrices (symbolic Bloch parametrisation)"
CALCULUS = "calculus on scalars (SymPy diff / apart / together / cancel / limit)"
DEFINITION = "definition"
APPROXIMATION = "approximation (S10); exact check on the complete d = 2 Pauli frame"

# ---------------------------------------------------------------------------- symbols (created once)
eta = sp.Symbol("eta", positive=True)
kappa = sp.Symbol("kappa", positive=True)
c = sp.Symbol("c", positive=True)
gamma = sp.Symbol("gamma", positive=True)
y = sp.Symbol("y", real=True)
yhat = sp.Symbol("yhat", real=True)
yhat0 = sp.Symbol("yhat_0", real=True)
t = sp.Symbol("t", nonnegative=True)
e = sp.Symbol("e", positive=True)  # |y - yhat| on the boundary case
e0 = sp.Symbol("e_0", positive=True)
r1, r2 = sp.symbols("r_1 r_2", real=True)

M = sp.Symbol("M", commutative=False, hermitian=True)
M0 = sp.Symbol("M_0", commutative=False, hermitian=True)
P = sp.Symbol("P", commutative=False, hermitian=True)
R = sp.Symbol("R", commutative=False, hermitian=True)
X = sp.Symbol("X", commutative=False)
H_l = sp.Symbol("H_l", commutative=False, hermitian=True)
Hhat = sp.Symbol("Hhat_l", commutative=False, hermitian=True)
rho = sp.Symbol("rho", commutative=False, hermitian=True)
rho_i = sp.Symbol("rho_i", commutative=False, hermitian=True)
rho_j = sp.Symbol("rho_j", commutative=False, hermitian=True)
rho_1 = sp.Symbol("rho_1", commutative=False, hermitian=True)
rho_2 = sp.Symbol("rho_2", commutative=False, hermitian=True)
A_l = sp.Symbol("A_l", commutative=False)  # the gates after layer l
B_l = sp.Symbol("B_l", commutative=False)  # W_l and the gates before it
U = sp.Symbol("U", commutative=False)
theta_l = theta("l")


# ---------------------------------------------------------------------------- display symbols
_DISPLAY_LATEX = {
    'J_il': 'J_{il}',
    "theta_l'": '\\dot{\\theta}_{l}',
    'Σ_i r_i J_il': '\\sum_{i} r_{i} J_{il}',
    'Σ_l tr(Hhat_l*[M, R])': '\\sum_{l} \\operatorname{tr}(\\hat{H}_{l} [M, R])',
    'Σ_l Hhat_l tr(Hhat_l X)': '\\sum_{l} \\hat{H}_{l} \\operatorname{tr}(\\hat{H}_{l} X)',
    "r_i'": '\\dot{r}_{i}',
    'Σ_j r_j tr(rho_i*[M, [M, rho_j]])': '\\sum_{j} r_{j} \\operatorname{tr}(\\rho_{i} [M, [M, \\rho_{j}]])',
    'K^asym_ij': 'K^{\\mathrm{asym}}_{ij}',
    'K^asym_11': 'K^{\\mathrm{asym}}_{11}',
    'K^asym(M)': 'K^{\\mathrm{asym}}(M)',
    "r'": '\\dot{r}',
    'r': 'r',
    "yhat'": '\\dot{\\hat{y}}',
    'rate': '\\mathrm{rate}',
    'terminal_rate': '\\mathrm{rate}_{\\infty}',
    "e'": '\\dot{e}',
    "u'": '\\dot{u}',
    'u': 'u',
}


@lru_cache(maxsize=None)
def _disp(name: str, commutative: bool = True) -> sp.Symbol:
    """A display-only symbol (created once), printed by :mod:`~qnnsym.symbolic.printing` as registered."""
    register_latex_name(name, _DISPLAY_LATEX[name])
    return sp.Symbol(name, commutative=commutative)


# ---------------------------------------------------------------------------- derivation objects
@dataclass(frozen=True)
class DerivationStep:
    """One named step: what it establishes (``statement``), how it is closed and whether it closed.

    Unpacks as ``(name, statement)``, the shape :func:`qnnsym.symbolic.printing.latex_steps` reads.
    """

    name: str
    statement: Any
    method: str
    verified: bool
    detail: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise InvalidInput("name", "a string", describe(self.name))
        if not isinstance(self.method, str) or not self.method.strip():
            raise InvalidInput("method", "a non-empty description of how the step is closed (e.g. flow.ABSTRACT)",
                               describe(self.method))
        if not isinstance(self.verified, bool):
            raise InvalidInput("verified", "True or False", describe(self.verified))

    def __iter__(self):
        return iter((self.name, self.statement))


@dataclass(frozen=True)
class Derivation:
    """A derivation: a title, the final statement, the assumptions, the ordered steps and results."""

    title: str
    statement: Any
    assumptions: tuple[str, ...]
    steps: tuple[DerivationStep, ...]
    results: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.steps, (str, bytes)) or not isinstance(self.steps, (tuple, list)):
            raise InvalidInput("steps", "a tuple of DerivationStep", describe(self.steps))
        for i, s in enumerate(self.steps):
            if not isinstance(s, DerivationStep):
                raise InvalidInput(f"steps[{i}]", "a DerivationStep", describe(s))

    @property
    def verified(self) -> bool:
        """True when every step closed (definitions close by definition)."""
        return all(s.verified for s in self.steps)

    def methods(self) -> dict[str, str]:
        """Step name → how it was closed."""
        return {s.name: s.method for s in self.steps}


def _eq(lhs: Any, rhs: Any) -> sp.Eq:
    return sp.Eq(lhs, rhs, evaluate=False)


def _comm(a: Any, b: Any) -> sp.Expr:
    return a * b - b * a


# ---------------------------------------------------------------------------- word rewriting
Word = tuple


def _words(expr: Any) -> list[tuple[sp.Expr, Word]]:
    """An expanded noncommutative polynomial as ``[(commutative coefficient, word)]``."""
    out = []
    for term in sp.Add.make_args(sp.expand(expr)):
        cpart, ncpart = term.args_cnc()
        word: list = []
        for f in ncpart:
            if f.is_Pow and f.exp.is_Integer and f.exp > 0:
                word += [f.base] * int(f.exp)
            else:
                word.append(f)
        out.append((sp.Mul(*cpart), tuple(word)))
    return out


def _from_words(words: Sequence[tuple[sp.Expr, Word]]) -> sp.Expr:
    return sp.Add(*[coef * sp.Mul(*w) for coef, w in words])


def _rewrite(expr: Any, rule: Callable[[Word], tuple[sp.Expr, Word] | None]) -> sp.Expr:
    """Apply ``rule`` (word → (factor, new word) or None) to every word until nothing changes."""
    out = []
    for coef, w in _words(expr):
        while True:
            hit = rule(w)
            if hit is None:
                break
            f, w = hit
            coef = coef * f
        out.append((coef, w))
    return sp.expand(_from_words(out))


def _cancel_inverses(pairs: dict) -> Callable:
    """Rule: remove an adjacent ``V V^{-1}`` (unitarity, ``V V† = V† V = I``)."""

    def rule(w: Word):
        for k in range(len(w) - 1):
            if pairs.get(w[k]) == w[k + 1]:
                return sp.Integer(1), w[:k] + w[k + 2 :]
        return None

    return rule


def _swap(a: Any, b: Any) -> Callable:
    """Rule: ``a b → b a`` (for operators known to commute)."""

    def rule(w: Word):
        for k in range(len(w) - 1):
            if w[k] == a and w[k + 1] == b:
                return sp.Integer(1), w[:k] + (b, a) + w[k + 2 :]
        return None

    return rule


def _square(op: Any, value: sp.Expr) -> Callable:
    """Rule: ``op op → value`` (``P² = I``, ``M² = γ² I``, ``ρ² = ρ`` with value ``None``)."""

    def rule(w: Word):
        for k in range(len(w) - 1):
            if w[k] == op and w[k + 1] == op:
                return (sp.Integer(1), w[: k + 1] + w[k + 2 :]) if value is None else (value, w[:k] + w[k + 2 :])
        return None

    return rule


def _name(f: Any) -> str:
    return str(f)


def _canonical_rotation(w: Word) -> Word:
    rots = [w[k:] + w[:k] for k in range(len(w))] or [w]
    return min(rots, key=lambda r: tuple(_name(f) for f in r))


def _trace_word(w: Word, known: dict | None = None) -> sp.Expr:
    """``tr`` of one word: canonical cyclic rotation, then a trace symbol (or a known value)."""
    if not w:
        return _d
    w = _canonical_rotation(w)
    name = "tr(" + "*".join(_name(f) for f in w) + ")"
    if known and name in known:
        return known[name]
    return trace_symbol(name)


def _trace(expr: Any, known: dict | None = None) -> sp.Expr:
    """Linear, cyclic trace of a noncommutative polynomial (a commutative expression in trace symbols)."""
    return sp.expand(sp.Add(*[coef * _trace_word(w, known) for coef, w in _words(expr)]))


def _pure_state_rule(state: Any, known: dict) -> Callable:
    """Rule for a pure state ``ρ = |ψ><ψ|``: ``ρ W ρ = tr(ρW) ρ`` (W a word between two ρ's)."""

    def rule(w: Word):
        idx = [k for k, f in enumerate(w) if f == state]
        if len(idx) < 2:
            return None
        a, b = idx[0], idx[1]
        inner = w[a + 1 : b]
        return _trace_word((state,) + inner, known), w[: a + 1] + w[b + 1 :]

    return rule


def _rotate_to(w: Word, f: Any) -> Word:
    return w[w.index(f) :] + w[: w.index(f)] if f in w else w


# ---------------------------------------------------------------------------- explicit d = 2 matrices
_SIGMA = (
    sp.Matrix([[1, 0], [0, 1]]),
    sp.Matrix([[0, 1], [1, 0]]),
    sp.Matrix([[0, -sp.I], [sp.I, 0]]),
    sp.Matrix([[1, 0], [0, -1]]),
)


def _bloch(prefix: str, *, trace_one: bool = False) -> sp.Matrix:
    """``a_0 I + a·σ`` with real symbols (``(I + a·σ)/2`` when ``trace_one``)."""
    a = sp.symbols(f"{prefix}_0:4", real=True)
    if trace_one:
        return (_SIGMA[0] + a[1] * _SIGMA[1] + a[2] * _SIGMA[2] + a[3] * _SIGMA[3]) / 2
    return sum((a[k] * _SIGMA[k] for k in range(4)), sp.zeros(2, 2))


def _is_zero_matrix(m: Any) -> bool:
    m = sp.Matrix(m) if isinstance(m, sp.MatrixBase) else sp.Matrix([m])
    return all(sp.expand(v) == 0 for v in m)


# ---------------------------------------------------------------------------- (a) induced flow of M
@lru_cache(maxsize=None)
def measurement_flow() -> Derivation:
    r"""Derivation (a): the gradient flow induces ``M' = -c[M, [M, R]]`` (Theorem 4.2).

    Writes ``U = A_l e^{-iθ_l H_l} B_l`` (``A_l``: the gates after layer ``l``; ``B_l``: ``W_l``
    and everything before), ``V_l = e^{-iθ_l H_l} B_l`` and ``Ĥ_l = V_l† H_l V_l`` (C1, S1).

    Returns
    -------
    Derivation
        ``results`` holds ``dM_dtheta`` (``i[Ĥ_l, M]``), ``dtheta_dt`` and ``dM_dt``.

    Examples
    --------
    >>> der = measurement_flow()
    >>> der.statement
    Eq(Derivative(M, t), -c*(M*(M*R - R*M) - (M*R - R*M)*M))
    >>> [s.method.split(" ")[0] for s in der.steps]
    ['abstract', 'abstract', 'abstract', 'calculus', 'abstract', 'approximation', 'abstract']
    """
    steps = []
    E = sp.exp(-sp.I * theta_l * H_l)
    Ed = Dagger(E)
    u = A_l * E * B_l
    ud = Dagger(u)
    m_expr = ud * M0 * u
    v, vd = E * B_l, Dagger(E * B_l)
    hhat_expr = vd * H_l * v
    inverses = {A_l: Dagger(A_l), Dagger(A_l): A_l, B_l: Dagger(B_l), Dagger(B_l): B_l, E: Ed, Ed: E}

    d_e = sp.diff(E, theta_l)
    steps.append(DerivationStep(
        "layer derivative", _eq(sp.Derivative(E, theta_l), -sp.I * E * H_l), ABSTRACT,
        sp.expand(d_e - (-sp.I * E * H_l)) == 0, "sympy.diff of exp(-iθH) with noncommutative H",
    ))

    d_m = sp.diff(m_expr, theta_l)
    diff = d_m - sp.I * (hhat_expr * m_expr - m_expr * hhat_expr)
    diff = _rewrite(diff, _cancel_inverses(inverses))
    diff = _rewrite(diff, _swap(H_l, E))
    diff = _rewrite(diff, _swap(H_l, Ed))
    steps.append(DerivationStep(
        "chain rule: dM/dθ_l = i[Ĥ_l, M]", _eq(sp.Derivative(M, theta_l), sp.I * _comm(Hhat, M)), ABSTRACT,
        diff == 0, "expand; unitarity V V† = I (A_l, B_l, e^{-iθH}); [e^{∓iθH}, H] = 0",
    ))

    lhs = _trace(rho_i * sp.I * _comm(Hhat, M))
    rhs = sp.I * _trace(Hhat * _comm(M, rho_i))
    steps.append(DerivationStep(
        "gradient (S1): dŷ_i/dθ_l = tr(ρ_i dM/dθ_l) = i tr(Ĥ_l[M, ρ_i])",
        _eq(_disp("J_il"), sp.I * trace_symbol("tr(Hhat_l*[M, rho_i])")), ABSTRACT,
        sp.expand(lhs - rhs) == 0, "linearity and cyclicity of the trace (canonical rotation of words)",
    ))

    th = theta_l
    ys = [sp.Function(f"yhat_{i}", real=True)(th) for i in (1, 2, 3)]
    targets = sp.symbols("y_1:4", real=True)
    loss = sp.Rational(1, 2) * sum((yy - tt) ** 2 for yy, tt in zip(ys, targets))
    grad = sum((yy - tt) * sp.diff(yy, th) for yy, tt in zip(ys, targets))
    steps.append(DerivationStep(
        "gradient flow (C3): θ_l' = -η Σ_i r_i dŷ_i/dθ_l = -η Σ_i r_i i tr(Ĥ_l[M, ρ_i])",
        _eq(_disp("theta_l'"), -eta * _disp("Σ_i r_i J_il")), CALCULUS,
        sp.expand(sp.diff(loss, th) - grad) == 0, "dL/dθ = Σ_i (ŷ_i - y_i) dŷ_i/dθ checked with m = 3 (sympy.diff)",
    ))

    big_r = r1 * rho_1 + r2 * rho_2
    theta_dot = -eta * sum(r * sp.I * _trace(Hhat * _comm(M, rh)) for r, rh in ((r1, rho_1), (r2, rho_2)))
    lhs = theta_dot * sp.I * _comm(Hhat, M)
    rhs = eta * _trace(Hhat * _comm(M, big_r)) * _comm(Hhat, M)
    steps.append(DerivationStep(
        "induced flow: M' = Σ_l θ_l' dM/dθ_l = η Σ_l tr(Ĥ_l[M, R]) [Ĥ_l, M], R = Σ_i r_i ρ_i",
        _eq(sp.Derivative(M, t), eta * _disp("Σ_l tr(Hhat_l*[M, R])") * _comm(Hhat, M)), ABSTRACT,
        sp.expand(lhs - rhs) == 0, "one layer, m = 2: i·i = -1 and linearity of the trace in R",
    ))

    xs = sp.symbols("x_1:4")  # complex on purpose: X = [M, R] is anti-Hermitian
    xmat = sum((xs[k] * _SIGMA[k + 1] for k in range(3)), sp.zeros(2, 2))
    frame = sum((p * (p * xmat).trace() for p in _SIGMA[1:]), sp.zeros(2, 2))
    beta = [(sp.trace(p * p) - sp.trace(p) ** 2 / 2) / (2**2 - 1) for p in _SIGMA[1:]]
    kappa_frame = sp.Add(*beta)
    steps.append(DerivationStep(
        "frame identity (S10): Σ_l Ĥ_l tr(Ĥ_l X) ≈ κ X for traceless X, κ = Σ_l β(H_l)",
        _eq(_disp("Σ_l Hhat_l tr(Hhat_l X)", commutative=False), kappa * X), APPROXIMATION,
        kappa_frame == 2 and _is_zero_matrix(frame - kappa_frame * xmat),
        "X = [M, R] is traceless; for {X, Y, Z} at d = 2: Σ_P P tr(PX) = 2X and κ = 3·(2/3) = 2, exactly",
    ))

    xc = _comm(M, R)
    lhs = eta * (kappa * xc * M - M * kappa * xc)
    rhs = (-c * _comm(M, _comm(M, R))).subs(c, eta * kappa)
    steps.append(DerivationStep(
        "double bracket: M' = η[κ[M, R], M] = -c[M, [M, R]], c = ηκ (C8)",
        _eq(sp.Derivative(M, t), -c * _comm(M, _comm(M, R))), ABSTRACT, sp.expand(lhs - rhs) == 0,
        "linearity of the commutator in its first slot; expand",
    ))
    return Derivation(
        "Theorem 4.2 (a): the induced flow of the effective measurement",
        _eq(sp.Derivative(M, t), -c * _comm(M, _comm(M, R))),
        ("U(θ) = A_l e^{-iθ_l H_l} B_l with A_l, B_l unitary, H_l Hermitian (C1)",
         "Σ_l Ĥ_l tr(Ĥ_l X) ≈ κ X on traceless X (S10; exact for a complete Pauli frame)"),
        tuple(steps),
        {"dM_dtheta": sp.I * _comm(Hhat, M), "dtheta_dt": -eta * _disp("Σ_i r_i J_il"),
         "dM_dt": -c * _comm(M, _comm(M, R))},
    )


# ---------------------------------------------------------------------------- (b) residual flow
@lru_cache(maxsize=None)
def residual_flow() -> Derivation:
    r"""Derivation (b): ``r' = -c K^asym(M) r`` with ``K^asym_ij = -tr([M, ρ_i][M, ρ_j])``.

    Examples
    --------
    >>> der = residual_flow()
    >>> der.verified, der.results["K_asym_ij"]
    (True, tr(M*M*rho_i*rho_j) + tr(M*M*rho_j*rho_i) - 2*tr(M*rho_i*M*rho_j))
    """
    steps = [DerivationStep("residual (C3): r_i' = ŷ_i' = tr(ρ_i M')", _eq(_disp("r_i'"), trace_symbol("tr(rho_i*M')")),
                            DEFINITION, True, "the targets y_i are constant")]
    big_r = r1 * rho_1 + r2 * rho_2
    lhs = _trace(rho_i * (-c) * _comm(M, _comm(M, big_r)))
    rhs = -c * sum(r * _trace(rho_i * _comm(M, _comm(M, rh))) for r, rh in ((r1, rho_1), (r2, rho_2)))
    steps.append(DerivationStep(
        "substitute M' = -c[M, [M, R]]: r_i' = -c Σ_j r_j tr(ρ_i[M, [M, ρ_j]])",
        _eq(_disp("r_i'"), -c * _disp("Σ_j r_j tr(rho_i*[M, [M, rho_j]])")), ABSTRACT,
        sp.expand(lhs - rhs) == 0, "m = 2; linearity of the double commutator and of the trace",
    ))
    k_abs = -_trace(_comm(M, rho_i) * _comm(M, rho_j))
    inner = _trace(rho_i * _comm(M, _comm(M, rho_j)))
    m2, a, b = _bloch("m"), _bloch("a", trace_one=True), _bloch("b", trace_one=True)
    explicit = (a * (m2 * (m2 * b - b * m2) - (m2 * b - b * m2) * m2)).trace() + ((m2 * a - a * m2) * (m2 * b - b * m2)).trace()
    steps.append(DerivationStep(
        "tr(ρ_i[M, [M, ρ_j]]) = -tr([M, ρ_i][M, ρ_j]) = K^asym_ij",
        _eq(trace_symbol("tr(rho_i*[M, [M, rho_j]])"), _disp("K^asym_ij")), ABSTRACT + " and " + EXPLICIT_D2,
        sp.expand(inner - k_abs) == 0 and sp.expand(explicit) == 0, "cyclicity of the trace; also exact on 2 × 2 Bloch matrices",
    ))
    alt = _trace(M * M * (rho_i * rho_j + rho_j * rho_i)) - 2 * _trace(M * rho_i * M * rho_j)
    steps.append(DerivationStep(
        "K^asym_ij = tr(M²{ρ_i, ρ_j}) - 2 tr(Mρ_iMρ_j)",
        _eq(_disp("K^asym_ij"), alt), ABSTRACT, sp.expand(alt - k_abs) == 0, "cyclicity of the trace",
    ))
    comm = m2 * a - a * m2
    steps.append(DerivationStep(
        "K^asym is a Gram matrix: K^asym_ij = <[M, ρ_i], [M, ρ_j]>_HS (so PSD)",
        _eq(Dagger(_comm(M, rho_i)), -_comm(M, rho_i)), EXPLICIT_D2, _is_zero_matrix(comm.H + comm),
        "[M, ρ]† = -[M, ρ] for Hermitian M, ρ, hence -tr(AB) = tr(A†B)",
    ))
    rs = (r1, r2)
    rh = (rho_1, rho_2)
    ok = True
    for i in range(2):
        lhs = _trace(rh[i] * (-c) * _comm(M, _comm(M, r1 * rho_1 + r2 * rho_2)))
        rhs = -c * sum(-_trace(_comm(M, rh[i]) * _comm(M, rh[j])) * rs[j] for j in range(2))
        ok = ok and sp.expand(lhs - rhs) == 0
    steps.append(DerivationStep(
        "r' = -c K^asym(M) r", _eq(_disp("r'"), -c * _disp("K^asym(M)") * _disp("r")), ABSTRACT, ok,
        "assembled for m = 2, both components",
    ))
    return Derivation(
        "Theorem 4.2 (b): the residual flow", _eq(_disp("r'"), -c * _disp("K^asym(M)") * _disp("r")),
        ("M' = -c[M, [M, R]] (derivation (a))", "ρ_i Hermitian"), tuple(steps), {"K_asym_ij": k_abs},
    )


# ---------------------------------------------------------------------------- (c) one sample
@lru_cache(maxsize=None)
def one_sample_flow() -> Derivation:
    r"""Derivation (c), S12: one pure sample and ``M_0 = γP`` give ``ŷ' = -2c(γ² - ŷ²)(ŷ - y)``.

    Returns
    -------
    Derivation
        ``results``: ``K11`` (``2(γ² - ŷ²)``), ``ode_rhs``, ``rate`` (``-d ln|ŷ - y|/dt = 2c(γ² - ŷ²)``),
        ``initial_rate`` and ``terminal_rate``.

    Examples
    --------
    >>> res = one_sample_flow().results
    >>> res["K11"], res["terminal_rate"]
    (2*gamma**2 - 2*yhat**2, 2*c*(gamma**2 - y**2))
    """
    steps = [DerivationStep("m = 1: ŷ' = r' = -c K^asym_11(M) (ŷ - y)", _eq(_disp("yhat'"), -c * _disp("K^asym_11") * (yhat - y)),
                            DEFINITION, residual_flow().verified, "derivation (b) with one sample")]
    inverses = {U: Dagger(U), Dagger(U): U}
    msq = Dagger(U) * gamma * P * U * Dagger(U) * gamma * P * U
    msq = _rewrite(msq, _cancel_inverses(inverses))
    msq = _rewrite(msq, _square(P, sp.Integer(1)))
    msq = _rewrite(msq, _cancel_inverses(inverses))
    steps.append(DerivationStep(
        "isospectrality: M² = U†(γP)UU†(γP)U = γ² I", _eq(M * M, gamma**2), ABSTRACT, sp.expand(msq - gamma**2) == 0,
        "unitarity U U† = I, then P² = I",
    ))
    known = {"tr(rho)": sp.Integer(1), "tr(M*rho)": yhat}
    k11 = sp.Integer(0)
    for coef, w in _words(-_comm(M, rho) * _comm(M, rho)):
        w = _rotate_to(w, rho)
        term = _rewrite(coef * sp.Mul(*w), _square(rho, None))
        term = _rewrite(term, _square(M, gamma**2))
        term = _rewrite(term, _pure_state_rule(rho, known))
        k11 += _trace(term, known)
    k11 = sp.expand(k11)
    a, b, al, be = sp.symbols("a b alpha beta", real=True)
    psi = sp.Matrix([sp.cos(a / 2), sp.exp(sp.I * b) * sp.sin(a / 2)])
    rho2 = psi * psi.H
    m2 = gamma * (sp.sin(al) * sp.cos(be) * _SIGMA[1] + sp.sin(al) * sp.sin(be) * _SIGMA[2] + sp.cos(al) * _SIGMA[3])
    k_explicit = -((m2 * rho2 - rho2 * m2) ** 2).trace()
    y_explicit = (rho2 * m2).trace()
    d2_ok = trig_normal_form(k_explicit - 2 * (gamma**2 - y_explicit**2)) == 0
    steps.append(DerivationStep(
        "K^asym_11 = -tr([M, ρ]²) = 2(γ² - ŷ²) = 2 Var_ρ(M)", _eq(_disp("K^asym_11"), 2 * (gamma**2 - yhat**2)),
        ABSTRACT + " and " + EXPLICIT_D2, sp.expand(k11 - 2 * (gamma**2 - yhat**2)) == 0 and d2_ok,
        "rules ρ² = ρ, M² = γ², ρWρ = tr(ρW)ρ, tr ρ = 1, tr(ρM) = ŷ; also on ψ = (cos a/2, e^{ib} sin a/2), "
        "M = γ n(α, β)·σ via trig_normal_form",
    ))
    rhs = -2 * c * (gamma**2 - yhat**2) * (yhat - y)
    steps.append(DerivationStep(
        "S12: ŷ' = -2c(γ² - ŷ²)(ŷ - y)", _eq(_disp("yhat'"), rhs), ABSTRACT,
        sp.expand(-c * k11 * (yhat - y) - rhs) == 0, "substitute K^asym_11",
    ))
    rate = sp.cancel(-rhs / (yhat - y))
    steps.append(DerivationStep(
        "instantaneous rate: -d ln|ŷ - y|/dt = -ŷ'/(ŷ - y) = 2c(γ² - ŷ²)", _eq(_disp("rate"), rate), CALCULUS,
        sp.expand(rate - 2 * c * (gamma**2 - yhat**2)) == 0, "cancel; the rate moves from 2c(γ² - ŷ(0)²) to 2c(γ² - y²)",
    ))
    return Derivation(
        "S12: the one-sample flow", _eq(_disp("yhat'"), rhs),
        ("m = 1", "ρ pure", "M_0 = γP, P a Pauli string (P² = I)"), tuple(steps),
        {"K11": k11, "ode_rhs": rhs, "rate": 2 * c * (gamma**2 - yhat**2),
         "initial_rate": 2 * c * (gamma**2 - yhat0**2), "terminal_rate": 2 * c * (gamma**2 - y**2)},
    )


def one_sample_solution(case: str = "interior") -> Derivation:
    r"""Closed-form solution of ``ŷ' = -2c(γ² - ŷ²)(ŷ - y)``, ``ŷ(0) = ŷ_0`` (S12), verified exactly.

    Parameters
    ----------
    case : {"interior", "boundary", "zero_target"}
        ``"interior"`` — ``|y| < γ``: the time to reach ``ŷ`` in closed form,
        ``t(ŷ) = Σ_k Res_k log((ŷ - r_k)/(ŷ_0 - r_k))`` over the roots ``r_k ∈ {y, γ, -γ}``, and the
        terminal rate ``2c(γ² - y²)``.  ``"boundary"`` — ``y = γ`` (``y = -γ`` is its mirror
        image): with ``e = γ - ŷ > 0``, ``e' = -2c e²(2γ - e)``, ``t(e)`` in closed form and
        ``lim_{e→0} e·t = 1/(4cγ)``, i.e. ``|r| ~ 1/(4cγt)``.  ``"zero_target"`` — ``y = 0``:
        the explicit ``ŷ(t) = ŷ_0 γ / sqrt(ŷ_0² + (γ² - ŷ_0²) e^{4cγ²t})``.

    Returns
    -------
    Derivation
        ``statement`` is the solution; ``results`` holds ``solution`` and the rate/asymptotics.

    Examples
    --------
    >>> sol = one_sample_solution("boundary")
    >>> sol.results["limit_e_times_t"], sol.verified
    (1/(4*c*gamma), True)
    """
    if not isinstance(case, str) or case not in ("interior", "boundary", "zero_target"):
        raise InvalidInput("case", "'interior', 'boundary' or 'zero_target'", describe(case))
    return _one_sample_solution(case)


@lru_cache(maxsize=None)
def _one_sample_solution(case: str) -> Derivation:
    f = one_sample_flow().results["ode_rhs"]
    if case == "zero_target":
        return _zero_target(f.subs(y, 0))
    if case == "boundary":
        return _boundary(f)
    return _interior(f)


def _partial_fraction_solution(f: sp.Expr, var: sp.Symbol, var0: sp.Symbol, roots: Sequence[sp.Expr]) -> tuple[sp.Expr, list]:
    """``t(var) = ∫_{var0}^{var} du/f(u)`` for a cubic ``f`` with simple roots, via residues ``1/f'(r)``."""
    res = [sp.cancel(1 / sp.diff(f, var).subs(var, r)) for r in roots]
    return sp.Add(*[rk * sp.log((var - r) / (var0 - r)) for rk, r in zip(res, roots)]), res


def _interior(f: sp.Expr) -> Derivation:
    roots = (y, gamma, -gamma)
    sol, res = _partial_fraction_solution(f, yhat, yhat0, roots)
    pf = sp.Add(*[rk / (yhat - r) for rk, r in zip(res, roots)])
    pf_ok = sp.cancel(sp.together(pf - 1 / f)) == 0 and sp.cancel(sp.apart(1 / f, yhat) - pf) == 0
    ode = sp.cancel(sp.together(sp.diff(sol, yhat) * f))
    rate = sp.cancel(-1 / res[0])
    steps = (
        DerivationStep("separate variables: dt = dŷ / f(ŷ)", _eq(t, sp.Integral(1 / f, (yhat, yhat0, yhat))), DEFINITION, True,
                       "f(ŷ) = -2c(γ² - ŷ²)(ŷ - y) has simple roots y, ±γ when |y| < γ"),
        DerivationStep("partial fractions: 1/f = Σ_k Res_k/(ŷ - r_k), Res_k = 1/f'(r_k)", _eq(1 / f, pf), CALCULUS, pf_ok,
                       "together, cancel; agrees with sympy.apart"),
        DerivationStep("integrate term-wise from ŷ_0", _eq(t, sol), CALCULUS, True,
                       "∫ du/(u - r) = log((ŷ - r)/(ŷ_0 - r)); ŷ stays between ŷ_0 and y"),
        DerivationStep("ODE check: (dt/dŷ)·f(ŷ) = 1", _eq(sp.Derivative(t, yhat) * f, 1), CALCULUS, ode == 1,
                       "diff, together, cancel"),
        DerivationStep("initial condition: t(ŷ_0) = 0", _eq(sp.Function("t")(yhat0), 0), CALCULUS,
                       sol.subs(yhat, yhat0) == 0, "substitute"),
        DerivationStep("terminal rate: t ≈ -log|ŷ - y| / (2c(γ² - y²)) as ŷ → y, so |ŷ - y| ~ C e^{-2c(γ² - y²) t}",
                       _eq(_disp("terminal_rate"), rate), CALCULUS, sp.expand(rate - 2 * c * (gamma**2 - y**2)) == 0,
                       "the residue at ŷ = y; the other two logarithms stay finite there (linear convergence)"),
    )
    return Derivation("S12, |y| < γ: closed form", _eq(t, sol), ("|y| < γ", "|ŷ_0| < γ", "ŷ_0 ≠ y", "c > 0"), steps,
                      {"solution": sol, "terminal_rate": rate, "residues": dict(zip(roots, res))})


def _boundary(f: sp.Expr) -> Derivation:
    g = sp.factor(sp.expand(-f.subs({y: gamma}).subs(yhat, gamma - e)))
    pf = sp.apart(1 / g, e)
    sol = sp.Integer(0)
    for term in sp.Add.make_args(pf):
        num, den = sp.fraction(sp.factor(term))
        poly = sp.Poly(den, e)
        if poly.degree() == 2:  # A / (a e²):  ∫ ds/s² = 1/e_0 - 1/e
            sol += num / poly.LC() * (1 / e0 - 1 / e)
        else:  # A / (a1 e + a0), root -a0/a1:  ∫ ds/(s - r) = log((e - r)/(e_0 - r))
            a1, a0 = poly.all_coeffs()
            sol += num / a1 * sp.log((e + a0 / a1) / (e0 + a0 / a1))
    ode = sp.cancel(sp.together(sp.diff(sol, e) * g))
    lim = sp.limit(e * sol, e, 0, "+")
    steps = (
        DerivationStep("y = γ, e = γ - ŷ > 0: e' = -ŷ' = -2c e²(2γ - e)", _eq(_disp("e'"), g), CALCULUS,
                       sp.expand(g - (-2 * c * e**2 * (2 * gamma - e))) == 0, "substitute, expand, factor"),
        DerivationStep("partial fractions of 1/e'(e)", _eq(1 / g, pf), CALCULUS, sp.cancel(sp.together(pf - 1 / g)) == 0,
                       "apart; together, cancel"),
        DerivationStep("integrate term-wise from e_0", _eq(t, sol), CALCULUS, True,
                       "∫ ds/s² = 1/e_0 - 1/e, ∫ ds/(s - r) = log((e - r)/(e_0 - r))"),
        DerivationStep("ODE check: (dt/de)·e'(e) = 1", _eq(sp.Derivative(t, e) * g, 1), CALCULUS, ode == 1,
                       "diff, together, cancel"),
        DerivationStep("initial condition: t(e_0) = 0", _eq(sp.Function("t")(e0), 0), CALCULUS,
                       sp.expand(sol.subs(e, e0)) == 0, "substitute"),
        DerivationStep("asymptotics: e·t → 1/(4cγ) as e → 0, so |r(t)| ~ 1/(4cγt) and L ~ 1/(32c²γ²t²)",
                       _eq(sp.Limit(e * t, e, 0, "+"), lim), CALCULUS, sp.cancel(lim - 1 / (4 * c * gamma)) == 0,
                       "sympy.limit; cancel"),
    )
    return Derivation("S12, |y| = γ: closed form", _eq(t, sol), ("y = γ (y = -γ by ŷ ↦ -ŷ)", "-γ < ŷ_0 < γ", "c > 0"),
                      steps, {"solution": sol, "limit_e_times_t": lim, "ode_e": g})


def _zero_target(f: sp.Expr) -> Derivation:
    sol = yhat0 * gamma / sp.sqrt(yhat0**2 + (gamma**2 - yhat0**2) * sp.exp(4 * c * gamma**2 * t))
    resid = sp.diff(sol, t) - f.subs(yhat, sol)
    closed = sp.cancel(sp.powsimp(sp.together(resid), force=False))
    u = _disp("u")
    steps = (
        DerivationStep("u = ŷ² obeys the logistic equation u' = -4c(γ² - u)u", _eq(_disp("u'"), -4 * c * (gamma**2 - u) * u),
                       CALCULUS, sp.expand(2 * yhat * f + 4 * c * (gamma**2 - yhat**2) * yhat**2) == 0, "u' = 2ŷŷ'; expand"),
        DerivationStep("explicit solution", _eq(sp.Function("yhat")(t), sol), DEFINITION, True,
                       "logistic solution, sign of ŷ_0 kept"),
        DerivationStep("ODE check: ŷ' - f(ŷ) = 0", _eq(resid, 0), CALCULUS, closed == 0,
                       "diff, substitute, together, powsimp, cancel"),
        DerivationStep("initial condition: ŷ(0) = ŷ_0", _eq(sp.Function("yhat")(0), yhat0), CALCULUS,
                       sp.cancel(sol.subs(t, 0) - yhat0) == 0, "substitute, cancel"),
    )
    return Derivation("S12, y = 0: explicit solution", _eq(sp.Function("yhat")(t), sol), ("y = 0", "0 < |ŷ_0| < γ"), steps,
                      {"solution": sol, "terminal_rate": 2 * c * gamma**2})


# ---------------------------------------------------------------------------- explicit matrices
def _sequence(name: str, value: Any) -> list:
    if isinstance(value, (str, bytes, sp.MatrixBase)) or not isinstance(value, (list, tuple)):
        raise InvalidInput(name, "a list", describe(value))
    return list(value)


def _finite_scalar(name: str, value: Any) -> sp.Expr:
    if isinstance(value, bool) or not isinstance(value, (numbers.Number, sp.Expr)):
        raise InvalidInput(name, "a finite number or SymPy expression", describe(value))
    value = sp.sympify(value)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InvalidInput(name, "a finite number or SymPy expression", str(value))
    return value


def _square_matrix(name: str, a: Any, dim: int | None = None) -> sp.Matrix:
    if not isinstance(a, sp.MatrixBase) or a.rows != a.cols or (dim is not None and a.rows != dim):
        size = f"{dim}x{dim}" if dim else "square"
        raise InvalidInput(name, f"a {size} SymPy matrix", repr(a)[:60])
    return a


def asymptotic_kernel(m: sp.Matrix, rhos: Sequence[sp.Matrix]) -> sp.Matrix:
    r"""``K^asym_ij(M) = -tr([M, ρ_i][M, ρ_j])`` for explicit SymPy matrices (entries expanded).

    >>> Z, X = sp.diag(1, -1), sp.Matrix([[0, 1], [1, 0]])
    >>> asymptotic_kernel(Z, [(sp.eye(2) + X) / 2])      # 2 Var = 2(1 - 0²)
    Matrix([[2]])
    """
    m = _square_matrix("m", m)
    rs = [_square_matrix(f"rhos[{i}]", r, m.rows) for i, r in enumerate(_sequence("rhos", rhos))]
    comms = [m * r - r * m for r in rs]
    return sp.Matrix(len(rs), len(rs), lambda i, j: sp.expand(-(comms[i] * comms[j]).trace()))


def double_bracket(m: sp.Matrix, rhos: Sequence[sp.Matrix], targets: Sequence[Any], c_value: Any = c) -> sp.Matrix:
    r"""The right-hand side ``-c[M, [M, R]]`` of Theorem 4.2 for explicit matrices.

    ``R = Σ_i r_i ρ_i`` with ``r_i = tr(ρ_i M) - y_i``.

    >>> Z, X = sp.diag(1, -1), sp.Matrix([[0, 1], [1, 0]])
    >>> double_bracket(Z, [(sp.eye(2) + X) / 2], [1], 1)    # r = -1, [Z, R] = -iY, so -[Z, -iY] = 2X
    Matrix([
    [0, 2],
    [2, 0]])
    """
    m = _square_matrix("m", m)
    rs = [_square_matrix(f"rhos[{i}]", r, m.rows) for i, r in enumerate(_sequence("rhos", rhos))]
    targets = _sequence("targets", targets)
    if len(targets) != len(rs):
        raise InvalidInput("targets", f"{len(rs)} targets (one per state)", f"{len(targets)}")
    targets = [_finite_scalar(f"targets[{i}]", y) for i, y in enumerate(targets)]
    c_value = _finite_scalar("c_value", c_value)
    big_r = sp.zeros(m.rows, m.rows)
    for r, yt in zip(rs, targets):
        big_r += (sp.expand((r * m).trace()) - sp.sympify(yt)) * r
    inner = m * big_r - big_r * m
    return (-sp.sympify(c_value) * (m * inner - inner * m)).applyfunc(sp.expand)
