"""Theorems as values: statement, derivation steps, golden values, numeric and property evidence.

A :class:`Theorem` is built by a file in ``proofs/`` and read by the tests, the docs and
``qnnsym verify``, so they cannot drift apart.  Its status is a *claim* that
:func:`verify_theorem` re-checks:

- ``PROVED``: every derivation step closes symbolically (each by the rewrite it names), every
  golden value is exactly equal, and the numeric and property evidence passes;
- ``CHECKED``: numeric and property evidence only (steps, if any, are shown where they close).

A step that does not close is reported as *not shown* — never as false; a ``PROVED`` claim
with a step not shown fails verification.

>>> import sympy as sp
>>> from qnnsym.theorems import Step, Theorem, verify_theorem
>>> x = sp.Symbol("x", real=True)
>>> thm = Theorem(id="demo", title="double angle", statement="sin 2x = 2 sin x cos x", claimed="PROVED",
...               steps=[Step("expand the double angle", "expand_trig", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x))])
>>> res = verify_theorem(thm)
>>> res.shown, res.passed
('PROVED', True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import InvalidInput

__all__ = [
    "Step",
    "Golden",
    "NumericEvidence",
    "Theorem",
    "StepResult",
    "TheoremResult",
    "REWRITES",
    "close_step",
    "verify_theorem",
    "verify_all",
    "dependency_order",
    "discover",
]

STATUSES = ("PROVED", "CHECKED")


def _rewrites() -> dict[str, Callable[[Any], Any]]:
    import sympy as sp

    def matrix_aware(fn):
        def apply(expr):
            if isinstance(expr, sp.MatrixBase):
                return expr.applyfunc(fn)
            return fn(expr)

        return apply

    table = {
        "identity": lambda e: e,
        "expand": sp.expand,
        "cancel": sp.cancel,
        "together": sp.together,
        "factor": sp.factor,
        "expand_trig": lambda e: sp.expand(sp.expand_trig(e)),
        "trigsimp": sp.trigsimp,
        "powsimp": sp.powsimp,
        "expand_complex": lambda e: sp.expand(sp.expand_complex(e)),
        "doit": lambda e: sp.expand(e.doit()) if hasattr(e, "doit") else e,
        "rational_function": lambda e: sp.cancel(sp.together(sp.expand(e))),
    }
    return {k: matrix_aware(v) for k, v in table.items()}


#: Named rewrites a :class:`Step` may cite (a comma-separated ``rule`` applies them in order).
REWRITES: dict[str, Callable[[Any], Any]] = {}


def _rule_chain(rule: str) -> list[Callable[[Any], Any]] | None:
    if not REWRITES:
        REWRITES.update(_rewrites())
    names = [r.strip() for r in rule.split(",") if r.strip()]
    if names and all(n in REWRITES for n in names):
        return [REWRITES[n] for n in names]
    return None


@dataclass(frozen=True)
class Step:
    """One derivation step: ``lhs == rhs`` closed by the rewrite ``rule`` (applied to ``lhs - rhs``),
    or by a custom ``check`` returning ``True`` when the step closes.

    ``rule`` names the rewrite (``"expand"``, ``"cancel"``, ``"expand_trig"``, ``"expand, cancel"``...)
    or, with ``check``, the argument (e.g. ``"substitute S7"``); ``uses`` lists theorem ids the
    step substitutes.
    """

    claim: str
    rule: str
    lhs: Any = None
    rhs: Any = None
    check: Callable[[], bool] | None = None
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Golden:
    """An exact value: ``compute()`` must equal ``expected`` (SymPy ``==`` after ``cancel``)."""

    name: str
    compute: Callable[[], Any]
    expected: Any


@dataclass(frozen=True)
class NumericEvidence:
    """The outcome of a numeric check: the largest error against its tolerance."""

    max_error: float
    tolerance: float
    detail: str = ""
    sizes: dict = field(default_factory=dict)
    seeds: tuple = ()

    @property
    def passed(self) -> bool:
        return bool(self.max_error == self.max_error and self.max_error <= self.tolerance)


@dataclass
class Theorem:
    """A statement of the specification with its derivation and evidence."""

    id: str
    title: str
    statement: str
    claimed: str
    paper: str | None = None
    assumptions: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    golden: list[Golden] = field(default_factory=list)
    numeric: Callable[[str], NumericEvidence] | None = None
    property: Callable[[int], int] | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        if self.claimed not in STATUSES:
            raise InvalidInput("claimed", f"one of {STATUSES}", repr(self.claimed))
        if self.claimed == "PROVED" and not self.steps and not self.golden:
            raise InvalidInput("steps", "at least one derivation step or golden value for a PROVED claim", "none")


@dataclass(frozen=True)
class StepResult:
    claim: str
    rule: str
    closed: bool
    residual: str
    seconds: float


@dataclass(frozen=True)
class TheoremResult:
    id: str
    title: str
    paper: str | None
    claimed: str
    shown: str  # "PROVED", "CHECKED" or "NOT SHOWN"
    passed: bool
    steps: tuple[StepResult, ...]
    golden_failures: tuple[str, ...]
    numeric: NumericEvidence | None
    property_examples: int
    property_failure: str
    seconds: float
    error: str = ""

    def describe(self) -> str:
        """A multi-line account of the verification: status, evidence and every step."""
        lines = [f"{self.id}: claimed {self.claimed}, shown {self.shown}, passed {self.passed}, error {self.error!r}",
                 f"numeric: {self.numeric}",
                 f"property: {self.property_examples} examples, failure {self.property_failure!r}",
                 f"golden failures: {self.golden_failures}"]
        lines += [f"  step {'ok ' if s.closed else 'NOT'} {s.claim[:80]} {s.residual[:120]}" for s in self.steps]
        return "\n".join(lines)


def _is_zero(expr: Any) -> bool:
    import sympy as sp

    if isinstance(expr, sp.MatrixBase):
        return all(sp.sympify(e) == 0 for e in expr)
    return sp.sympify(expr) == 0


def close_step(step: Step, known: dict[str, str] | None = None) -> StepResult:
    """Try to close ``step`` with its named rewrite; never raises for a step that does not close.

    A step whose ``rule`` starts with ``"by "`` substitutes the theorems in ``step.uses``; it
    closes when each of them was shown PROVED in this run (``known`` maps ids to what was shown).
    """
    t0 = time.perf_counter()
    try:
        if step.rule.startswith("by ") and step.check is None:
            shown = {u: (known or {}).get(u, "not run") for u in step.uses}
            missing = {u: v for u, v in shown.items() if v != "PROVED"}
            closed = bool(step.uses) and not missing
            residual = "" if closed else f"cited results not proved: {missing or 'none cited'}"
            return StepResult(step.claim, step.rule, closed, residual, time.perf_counter() - t0)
        if step.check is not None:
            closed = bool(step.check())
            residual = "" if closed else "check returned False"
        else:
            chain = _rule_chain(step.rule)
            if chain is None:
                return StepResult(step.claim, step.rule, False, f"unknown rewrite {step.rule!r}", time.perf_counter() - t0)
            expr = step.lhs - step.rhs
            for fn in chain:
                expr = fn(expr)
            closed = _is_zero(expr)
            residual = "" if closed else str(expr)[:200]
    except Exception as exc:  # a rewrite that fails leaves the step not shown
        closed, residual = False, f"{type(exc).__name__}: {exc}"
    return StepResult(step.claim, step.rule, closed, residual, time.perf_counter() - t0)


def verify_theorem(theorem: Theorem, *, profile: str = "quick", property_examples: int = 50,
                   known: dict[str, str] | None = None) -> TheoremResult:
    """Re-check ``theorem``'s claim: close its steps, compare golden values, run its numeric
    check (``profile`` is passed through) and its property (``property_examples`` examples).
    ``known`` maps ids of already verified theorems to what was shown (for ``"by ..."`` steps)."""
    import sympy as sp

    t0 = time.perf_counter()
    steps = tuple(close_step(s, known) for s in theorem.steps)
    golden_failures = []
    for g in theorem.golden:
        try:
            value = g.compute()
            diff = sp.cancel(sp.sympify(value) - sp.sympify(g.expected)) if not isinstance(value, sp.MatrixBase) else (value - g.expected).applyfunc(sp.cancel)
            if not _is_zero(diff):
                golden_failures.append(f"{g.name}: got {value}, expected {g.expected}")
        except Exception as exc:
            golden_failures.append(f"{g.name}: {type(exc).__name__}: {exc}")
    numeric = None
    error = ""
    if theorem.numeric is not None:
        try:
            numeric = theorem.numeric(profile)
        except Exception as exc:
            error = f"numeric check raised {type(exc).__name__}: {exc}"
    examples, prop_failure = 0, ""
    if theorem.property is not None:
        try:
            examples = int(theorem.property(property_examples))
        except Exception as exc:  # hypothesis re-raises the falsifying example's failure
            prop_failure = f"{type(exc).__name__}: {str(exc)[:500]}"
    all_closed = all(s.closed for s in steps)
    evidence_ok = (numeric is None or numeric.passed) and not prop_failure and not error
    if all_closed and not golden_failures and (theorem.steps or theorem.golden) and evidence_ok:
        shown = "PROVED"
    elif evidence_ok and not golden_failures and (numeric is not None or examples):
        shown = "CHECKED"
    else:
        shown = "NOT SHOWN"
    passed = evidence_ok and not golden_failures and (shown == "PROVED" if theorem.claimed == "PROVED" else shown in ("PROVED", "CHECKED"))
    return TheoremResult(
        theorem.id, theorem.title, theorem.paper, theorem.claimed, shown, passed, steps, tuple(golden_failures),
        numeric, examples, prop_failure, time.perf_counter() - t0, error,
    )


def discover(proofs_dir: str | None = None) -> list[Theorem]:
    """Build every theorem of ``proofs/`` (the installed :mod:`qnnsym.proofs`), or of a folder of
    the user's own proof files, in file-name order.  Each module defines ``build() -> Theorem``."""
    import importlib
    import importlib.util
    import pkgutil
    from pathlib import Path

    modules = []
    if proofs_dir is None:
        import qnnsym.proofs as pkg

        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            if not info.name.startswith("_"):
                modules.append(importlib.import_module(f"qnnsym.proofs.{info.name}"))
    else:
        folder = Path(proofs_dir)
        if not folder.is_dir():
            raise InvalidInput("proofs_dir", "a folder of proof files", repr(str(proofs_dir)))
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            spec = importlib.util.spec_from_file_location(f"qnnsym_user_proofs.{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            modules.append(module)
    theorems = []
    for module in modules:
        build = getattr(module, "build", None)
        if build is None:
            raise InvalidInput("proofs", f"a build() function in {module.__name__}", "none")
        thm = build()
        if not isinstance(thm, Theorem):
            raise InvalidInput("proofs", f"build() in {module.__name__} returning a Theorem", type(thm).__name__)
        theorems.append(thm)
    ids = [t.id for t in theorems]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InvalidInput("proofs", "unique theorem ids", f"duplicates {dup}")
    return theorems


def dependency_order(theorems: list[Theorem], only: list[str] | None = None) -> list[Theorem]:
    """The theorems to run for ``only`` (all when ``None``), each after the theorems it uses."""
    by_id = {t.id: t for t in theorems}
    wanted = list(by_id) if not only else list(only)
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise InvalidInput("only", f"theorem ids among {list(by_id)}", repr(unknown))
    order: list[str] = []
    visiting: set[str] = set()

    def visit(i: str) -> None:
        if i in order:
            return
        if i in visiting:
            raise InvalidInput("uses", "an acyclic set of theorem dependencies", f"a cycle through {i}")
        visiting.add(i)
        thm = by_id[i]
        for dep in list(thm.uses) + [u for s in thm.steps for u in s.uses]:
            if dep not in by_id:
                raise InvalidInput(f"{i}.uses", f"ids among {list(by_id)}", repr(dep))
            visit(dep)
        visiting.discard(i)
        order.append(i)

    for i in wanted:
        visit(i)
    return [by_id[i] for i in order]


def verify_all(theorems: list[Theorem], *, only: list[str] | None = None, profile: str = "quick",
               property_examples: int = 50, progress: Callable[[Theorem], None] | None = None) -> list[TheoremResult]:
    """Verify ``theorems`` (or those in ``only`` and what they use) in dependency order."""
    known: dict[str, str] = {}
    results = []
    for thm in dependency_order(theorems, only):
        if progress:
            progress(thm)
        res = verify_theorem(thm, profile=profile, property_examples=property_examples, known=known)
        known[thm.id] = res.shown
        results.append(res)
    return results
