r"""LaTeX for the symbolic engine's objects, through SymPy's LaTeX printer.

* :func:`latex` — any of: a SymPy expression or matrix, a
  :class:`~qnnsym.symbolic.circuit.PauliSum`, a list of derivation steps, a
  :class:`~qnnsym.symbolic.flow.Derivation`, a :class:`~qnnsym.symbolic.kernel.KernelDerivation`;
* :func:`latex_pauli_sum` — ``Σ_Q a_Q Q`` with Pauli strings written ``X_0 Z_1`` (C6);
* :func:`latex_steps` — an ``aligned`` block, one numbered step name per line followed by its
  statement (``lhs &= rhs`` for an equation);
* :func:`latex_derivation` — title, assumptions, statement and steps (with how each closed).

Symbols are printed by SymPy's rules (``theta_1`` → ``\theta_{1}``, ``Hhat_l`` → ``\hat{H}_{l}``),
trace symbols ``tr(A*B)`` as ``\operatorname{tr}(A B)``, and display symbols registered with
:func:`register_latex_name` by their registered LaTeX.

>>> import sympy as sp
>>> from qnnsym.symbolic.symbols import theta
>>> latex_steps([("expand", sp.Eq(sp.sin(theta(1))**2, (1 - sp.cos(2*theta(1)))/2, evaluate=False))])
'\\begin{aligned}\n&\\text{(1) expand}\\\\\n&\\qquad \\sin^{2}{\\left(\\theta_{1} \\right)} = \\frac{1}{2} - \\frac{\\cos{\\left(2 \\theta_{1} \\right)}}{2}\n\\end{aligned}'
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import sympy as sp

from ..errors import InvalidInput

__all__ = [
    "LATEX_NAMES",
    "register_latex_name",
    "latex",
    "latex_pauli_sum",
    "latex_steps",
    "latex_derivation",
]

#: Symbol name → LaTeX for display symbols (filled by :func:`register_latex_name`).
LATEX_NAMES: dict[str, str] = {}

_UNICODE = {
    "θ": r"\theta", "η": r"\eta", "κ": r"\kappa", "γ": r"\gamma", "ρ": r"\rho", "β": r"\beta",
    "α": r"\alpha", "Σ": r"\Sigma", "∇": r"\nabla", "∂": r"\partial", "≈": r"\approx", "→": r"\to",
    "↦": r"\mapsto", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "·": r"\cdot", "×": r"\times", "∓": r"\mp",
    "±": r"\pm", "⊗": r"\otimes", "†": r"^\dagger", "²": r"^2", "ŷ": r"\hat{y}", "Ĥ": r"\hat{H}",
    "∫": r"\int", "∈": r"\in", "−": "-", "~": r"\sim", "⋯": r"\cdots",
}
_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "#": r"\#", "%": r"\%", "&": r"\&", "$": r"\$", "_": r"\_",
                 "{": r"\{", "}": r"\}", "^": r"\^{}"}


def register_latex_name(name: str, tex: str) -> None:
    r"""Print the symbol called ``name`` as ``tex`` from now on.

    >>> register_latex_name("K^asym_ij", r"K^{\mathrm{asym}}_{ij}")
    >>> latex(sp.Symbol("K^asym_ij"))
    'K^{\\mathrm{asym}}_{ij}'
    """
    if not isinstance(name, str) or not isinstance(tex, str):
        raise InvalidInput("name", "two strings (symbol name, LaTeX)", f"{type(name).__name__}, {type(tex).__name__}")
    LATEX_NAMES[name] = tex


def _text(s: str) -> str:
    r"""Plain text for ``\text{...}``: LaTeX specials escaped, Greek and math characters as inline math."""
    out = []
    for ch in s:
        if ch in _UNICODE:
            out.append(f"${_UNICODE[ch]}$")
        elif ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        else:
            out.append(ch)
    return "".join(out).replace("$$", "")


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_']*|\*|[^A-Za-z*]")


def _trace_name(name: str) -> str:
    r"""``tr(Hhat_l*[M, rho_i])`` → ``\operatorname{tr}(\hat{H}_{l} [M, \rho_{i}])``."""
    inner = name[3:-1]
    parts = []
    for tok in _TOKEN.findall(inner):
        if tok == "*":
            parts.append(" ")
        elif tok[0].isalpha():
            parts.append(sp.latex(sp.Symbol(tok.rstrip("'"))) + ("'" * (len(tok) - len(tok.rstrip("'")))))
        else:
            parts.append(tok)
    return r"\operatorname{tr}(" + "".join(parts) + ")"


def _symbol_names(obj: Any) -> dict:
    names = {}
    atoms = obj.atoms(sp.Symbol) if isinstance(obj, (sp.Basic, sp.MatrixBase)) else set()
    for s in atoms:
        if s.name in LATEX_NAMES:
            names[s] = LATEX_NAMES[s.name]
        elif s.name.startswith("tr(") and s.name.endswith(")"):
            names[s] = _trace_name(s.name)
    return names


def _sympy_latex(obj: Any) -> str:
    return sp.latex(obj, symbol_names=_symbol_names(obj))


def latex_pauli_sum(pauli_sum: Any) -> str:
    r"""``Σ_Q a_Q Q`` with each string as a product of qubit-indexed letters (``X_{0} Z_{1}``, C6).

    >>> from qnnsym.model import circuit
    >>> from qnnsym.symbolic.circuit import effective_measurement
    >>> latex_pauli_sum(effective_measurement(circuit(1, [("RY", 0)], measurement="Z")))
    '- \\sin{\\left(\\theta_{1} \\right)} X_{0} + \\cos{\\left(\\theta_{1} \\right)} Z_{0}'
    """
    terms = getattr(pauli_sum, "terms", None)
    if not isinstance(terms, dict):
        raise InvalidInput("pauli_sum", "a PauliSum (an object with a dict .terms)", type(pauli_sum).__name__)
    pieces = []
    for label, coeff in terms.items():
        ops = " ".join(f"{ch}_{{{q}}}" for q, ch in enumerate(label) if ch != "I") or "I"
        coeff = sp.sympify(coeff)
        if coeff == 1:
            body = ops
        elif coeff == -1:
            body = "- " + ops
        else:
            tex = _sympy_latex(coeff)
            body = (f"\\left({tex}\\right) " if isinstance(coeff, sp.Add) else f"{tex} ") + ops
        pieces.append(body)
    if not pieces:
        return "0"
    out = pieces[0]
    for p in pieces[1:]:
        out += (" " + p) if p.startswith("- ") else (" + " + p)
    return out


def _statement(obj: Any) -> str:
    if isinstance(obj, str):
        return rf"\text{{{_text(obj)}}}"
    if isinstance(obj, (sp.Eq, sp.Equality)) and not isinstance(obj, sp.logic.boolalg.BooleanAtom):
        return f"{_sympy_latex(obj.lhs)} = {_sympy_latex(obj.rhs)}"
    return latex(obj)


def _step_pair(step: Any) -> tuple[str, Any]:
    try:
        name, obj = step
    except (TypeError, ValueError):
        raise InvalidInput("steps", "a sequence of (name, expression or summary) pairs", repr(step)[:60]) from None
    return str(name), obj


def latex_steps(steps: Iterable[Any]) -> str:
    r"""An ``aligned`` LaTeX block: ``(k) name`` on one line, its statement indented below.

    ``steps`` is any sequence of ``(name, expression or summary)`` pairs — the step lists of
    :mod:`qnnsym.symbolic.kernel`, or :class:`~qnnsym.symbolic.flow.DerivationStep` objects.
    """
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Iterable):
        raise InvalidInput("steps", "a sequence of (name, expression or summary) pairs", type(steps).__name__)
    rows = []
    for k, step in enumerate(steps, 1):
        name, obj = _step_pair(step)
        rows.append(rf"&\text{{({k}) {_text(name)}}}\\")
        rows.append(rf"&\qquad {_statement(obj)}")
        rows.append(r"\\")
    if rows:
        rows.pop()
    return "\\begin{aligned}\n" + "\n".join(rows) + "\n\\end{aligned}"


def latex_derivation(derivation: Any) -> str:
    r"""A derivation as LaTeX: title, assumptions, the statement, then the steps with how each closed.

    >>> from qnnsym.symbolic.flow import one_sample_flow
    >>> tex = latex_derivation(one_sample_flow())
    >>> tex.splitlines()[0]
    '\\textbf{S12: the one-sample flow}'
    """
    for attr in ("title", "statement", "steps"):
        if not hasattr(derivation, attr):
            raise InvalidInput("derivation", "a qnnsym.symbolic.flow.Derivation", type(derivation).__name__)
    lines = [rf"\textbf{{{_text(derivation.title)}}}", ""]
    assumptions = getattr(derivation, "assumptions", ())
    if assumptions:
        lines.append(r"\textit{Assumptions:} " + "; ".join(_text(a) for a in assumptions) + ".")
        lines.append("")
    lines.append(rf"$$ {_statement(derivation.statement)} $$")
    lines.append("")
    named = [(f"{s.name} [{s.method}{'' if s.verified else '; NOT closed'}]", s.statement) for s in derivation.steps]
    lines.append("$$\n" + latex_steps(named) + "\n$$")
    return "\n".join(lines)


def latex(obj: Any) -> str:
    r"""LaTeX for any object of the symbolic engine.

    >>> from qnnsym.symbolic.symbols import theta
    >>> latex(sp.Matrix([[sp.cos(theta(1))]]))
    '\\left[\\begin{matrix}\\cos{\\left(\\theta_{1} \\right)}\\end{matrix}\\right]'
    >>> latex(sp.Symbol("tr(M*rho_i*M*rho_j)"))
    '\\operatorname{tr}(M \\rho_{i} M \\rho_{j})'
    """
    if isinstance(obj, str):
        return rf"\text{{{_text(obj)}}}"
    if isinstance(obj, (sp.Basic, sp.MatrixBase)):
        return _sympy_latex(obj)
    if isinstance(getattr(obj, "terms", None), dict) and hasattr(obj, "n_qubits"):
        return latex_pauli_sum(obj)
    if hasattr(obj, "title") and hasattr(obj, "steps"):
        return latex_derivation(obj)
    if hasattr(obj, "steps") and hasattr(obj, "jacobian"):
        return latex_steps(obj.steps)
    if isinstance(obj, (list, tuple)):
        return latex_steps(obj)
    if isinstance(obj, dict):
        return _sympy_latex(sp.Matrix([[sp.Symbol(str(k)), sp.sympify(v)] for k, v in obj.items()]))
    try:
        return _sympy_latex(sp.sympify(obj))
    except (sp.SympifyError, TypeError):
        raise InvalidInput("obj", "a SymPy object, PauliSum, derivation or step list", type(obj).__name__) from None
