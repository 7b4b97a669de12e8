r"""The standalone LaTeX document of ``qnnsym docs``: a conventions section and one section per theorem.

The document uses only ``article``, ``amsmath`` and ``amssymb`` so that a researcher can paste
its sections into an appendix.  Plain text is escaped; the ``$…$`` math of statements is kept;
Unicode math characters in step claims become their LaTeX commands.

>>> from qnnsym.docgen_latex import tex_text
>>> tex_text("K_ii ≤ 4 S Δ |r_i| and $x^2$")
'K\\_ii $\\le$ 4 S $\\Delta$ $|$r\\_i$|$ and $x^2$'
"""

from __future__ import annotations

from typing import Any, Sequence

from .theorems import Theorem, TheoremResult

__all__ = ["tex_text", "render_latex"]

_MATH = {
    "θ": r"\theta", "η": r"\eta", "κ": r"\kappa", "γ": r"\gamma", "ρ": r"\rho", "β": r"\beta", "α": r"\alpha",
    "δ": r"\delta", "Δ": r"\Delta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau", "ε": r"\varepsilon",
    "φ": r"\phi", "ψ": r"\psi", "ω": r"\omega", "π": r"\pi", "ξ": r"\xi", "χ": r"\chi", "ν": r"\nu", "ζ": r"\zeta",
    "Σ": r"\Sigma", "Π": r"\Pi", "Ω": r"\Omega", "Θ": r"\Theta", "Λ": r"\Lambda", "Γ": r"\Gamma", "Φ": r"\Phi",
    "∇": r"\nabla", "∂": r"\partial", "≈": r"\approx", "→": r"\to", "↦": r"\mapsto", "≤": r"\le", "≥": r"\ge",
    "≠": r"\ne", "·": r"\cdot", "×": r"\times", "∓": r"\mp", "±": r"\pm", "⊗": r"\otimes", "†": r"^\dagger",
    "∫": r"\int", "∈": r"\in", "∑": r"\sum", "√": r"\surd", "∞": r"\infty", "⋯": r"\cdots", "…": r"\ldots",
    "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle", "∘": r"\circ", "≡": r"\equiv", "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow", "∀": r"\forall", "∃": r"\exists", "⊂": r"\subset", "⊆": r"\subseteq", "∝": r"\propto",
    "≪": r"\ll", "≫": r"\gg", "∼": r"\sim", "°": r"^\circ", "½": r"\tfrac12", "¼": r"\tfrac14", "ŷ": r"\hat{y}",
    "Ĥ": r"\hat{H}", "−": "-", "|": "|", "<": "<", ">": ">", "ℓ": r"\ell", "ℝ": r"\mathbb{R}", "ℂ": r"\mathbb{C}",
    "Â": r"\hat{A}", "′": "'",
}
_COMBINING = {"\u0302": r"\hat", "\u0304": r"\bar", "\u0303": r"\tilde"}
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ⁺⁻ⁿⁱ", "0123456789T+-ni"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉ₖₗₘₙᵢⱼ₊₋", "0123456789klmnij+-"))
_ESC = {"\\": r"\textbackslash{}", "#": r"\#", "%": r"\%", "&": r"\&", "_": r"\_", "{": r"\{", "}": r"\}",
        "^": r"\^{}", "~": r"\textasciitilde{}"}
_TEXT = {"–": "--", "—": "---", "’": "'", "‘": "`", "“": "``", "”": "''", "é": r"\'e", "ü": r'\"u', "ö": r'\"o'}


def _math_chars(s: str, in_math: bool) -> str:
    out: list[str] = []
    chars = list(s)
    for i, ch in enumerate(chars):
        if i + 1 < len(chars) and chars[i + 1] in _COMBINING:
            acc = f"{_COMBINING[chars[i + 1]]}{{{ch}}}"
            out.append(acc if in_math else f"${acc}$")
        elif ch in _COMBINING:
            continue
        elif ch in _SUP:
            out.append(f"^{{{_SUP[ch]}}}" if in_math else f"$^{{{_SUP[ch]}}}$")
        elif ch in _SUB:
            out.append(f"_{{{_SUB[ch]}}}" if in_math else f"$_{{{_SUB[ch]}}}$")
        elif ch in _MATH and (ord(ch) > 127 or not in_math):
            out.append(f" {_MATH[ch]} " if in_math else f"${_MATH[ch]}$")
        elif not in_math and ch in _ESC:
            out.append(_ESC[ch])
        elif not in_math and ch in _TEXT:
            out.append(_TEXT[ch])
        elif ord(ch) > 127:
            out.append(r"\textbf{?}" if not in_math else r"\text{?}")
        else:
            out.append(ch)
    return "".join(out)


def tex_text(s: Any) -> str:
    """``s`` as LaTeX text: specials escaped and Unicode math as commands outside ``$…$``; the
    ``$…$`` segments are kept as math (with Unicode characters replaced)."""
    parts = str(s).split("$")
    if len(parts) % 2 == 0:  # an unpaired $: treat the whole string as text
        parts = [str(s).replace("$", "")]
    return "$".join(_math_chars(p, in_math=bool(i % 2)) for i, p in enumerate(parts)).replace("$$", "")


def _label(theorem_id: str) -> str:
    return "thm:" + "".join(c if c.isalnum() else "-" for c in theorem_id)


def _ref(theorem_id: str, ids: set[str]) -> str:
    return rf"{tex_text(theorem_id)} (Section~\ref{{{_label(theorem_id)}}})" if theorem_id in ids else tex_text(theorem_id)


def _section(thm: Theorem, res: TheoremResult, ids: set[str]) -> list[str]:
    from .docgen import _conventions_used, _g3, equation_latex, round_numbers

    out = [rf"\section{{{tex_text(thm.id)}: {tex_text(thm.title)}}}", rf"\label{{{_label(thm.id)}}}", ""]
    out += [rf"\noindent Paper: {tex_text(thm.paper or '---')}. Status claimed: {res.claimed}; shown: {res.shown}; "
            rf"verification {'passed' if res.passed else 'FAILED'}.", ""]
    out += [r"\paragraph{Statement.} " + tex_text(thm.statement), ""]
    if thm.assumptions:
        out += [r"\paragraph{Assumptions.}", r"\begin{itemize}"] + [rf"  \item {tex_text(a)}" for a in thm.assumptions]
        out += [r"\end{itemize}", ""]
    used = _conventions_used(thm)
    out += [r"\paragraph{Conventions.} " + ("Cites " + ", ".join(used) + "; all " if used else "All ")
            + r"the conventions of Section~\ref{sec:conventions} apply.", ""]
    deps = list(dict.fromkeys(list(thm.uses) + [u for s in thm.steps for u in s.uses]))
    if deps:
        out += [r"\paragraph{Uses.} " + ", ".join(_ref(u, ids) for u in deps) + ".", ""]
    if thm.steps:
        out += [r"\paragraph{Derivation.}", r"\begin{enumerate}"]
        for step, sr in zip(thm.steps, res.steps):
            closed = "closed" if sr.closed else r"\textbf{not shown}: " + tex_text(round_numbers(sr.residual))
            item = rf"  \item {tex_text(step.claim)} [\texttt{{{tex_text(step.rule)}}}; {closed}]"
            if step.uses:
                item += " Uses " + ", ".join(_ref(u, ids) for u in step.uses) + "."
            out.append(item)
            if step.lhs is not None and step.rhs is not None:
                tex, note = equation_latex(step.lhs, step.rhs)
                out += ([r"  \begin{equation*}", "  " + tex, r"  \end{equation*}"] if tex else [rf"  \emph{{({tex_text(note)})}}"])
        out += [r"\end{enumerate}", ""]
    if thm.golden:
        failed = {f.split(":", 1)[0] for f in res.golden_failures}
        out += [r"\paragraph{Exact values.} " + "; ".join(
            f"{tex_text(g.name)}: {'exactly equal' if g.name not in failed else 'DIFFERS'}" for g in thm.golden) + ".", ""]
    n = res.numeric
    if n is not None:
        text = (f"Largest error {_g3(n.max_error)} against tolerance {_g3(n.tolerance)} "
                f"({'within tolerance' if n.passed else 'EXCEEDS the tolerance'}).")
        if n.sizes:
            text += " Sizes: " + ", ".join(f"{k} = {_g3(v) if isinstance(v, float) else v}" for k, v in sorted(n.sizes.items())) + "."
        if n.seeds:
            text += " Seeds: " + ", ".join(str(s) for s in n.seeds) + "."
        out += [r"\paragraph{Numeric evidence.} " + tex_text(text)]
        if n.detail:
            out += ["", r"\noindent\textit{Detail:} \texttt{" + tex_text(round_numbers(n.detail)) + "}"]
        out.append("")
    elif res.error:
        out += [r"\paragraph{Numeric evidence.} Failed: " + tex_text(round_numbers(res.error)), ""]
    if res.property_failure:
        out += [rf"\paragraph{{Property.}} Falsified after {res.property_examples} examples: "
                + tex_text(round_numbers(res.property_failure)), ""]
    elif res.property_examples:
        from .docgen import property_count_text

        out += [rf"\paragraph{{Property.}} {property_count_text(res.property_examples)} (derandomised), none falsifying.", ""]
    if thm.notes:
        out += [r"\paragraph{Notes.} " + tex_text(thm.notes), ""]
    return out


def render_latex(theorems: Sequence[Theorem], results: Sequence[TheoremResult]) -> str:
    """One standalone LaTeX document (``article``, ``amsmath``): the conventions, then one section
    per theorem with its statement, derivation steps and evidence.

    Parameters
    ----------
    theorems : sequence of Theorem
        The theorems to render, in order.
    results : sequence of TheoremResult
        Their verification results.
    """
    from .conventions import CONVENTIONS
    from .docgen import TEX_HEADER, _pair

    pairs = _pair(theorems, results)
    ids = {t.id for t in theorems}
    out = [TEX_HEADER, r"\documentclass[11pt]{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage[T1]{fontenc}",
           r"\usepackage{amsmath,amssymb}", r"\usepackage[margin=2.5cm]{geometry}", r"\allowdisplaybreaks", "",
           r"\title{Derivations verified by \texttt{qnnsym}}", r"\date{}", "", r"\begin{document}", r"\maketitle", "",
           r"\section{Conventions}", r"\label{sec:conventions}", r"\begin{itemize}"]
    out += [rf"  \item \textbf{{{c.id} ({tex_text(c.title)}).}} {tex_text(c.statement)}" for c in CONVENTIONS]
    out += [r"\end{itemize}", ""]
    for thm, res in pairs:
        out += _section(thm, res, ids)
    out += [r"\end{document}"]
    return "\n".join(out) + "\n"
