"""Theorems as values: statement, derivation steps, golden values, numeric and property evidence.

A :class:`Theorem` is built by a file in ``proofs/`` and read by the tests, the docs and
``qnnsym verify``, so they cannot drift apart.  Its status is a *claim* that
:func:`verify_theorem` re-checks:

- ``PROVED``: every derivation step closes symbolically (each by the rewrite it names), every
  golden value is exactly equal, and the numeric and property evidence passes;
- ``CHECKED``: the numeric and property evidence passes, and every step closes except those
  whose rule declares them open (``"open: ..."``, e.g. ``"open: numeric evidence only"``).

A step that does not close is reported as *not shown* — never as false; a ``PROVED`` claim
with a step not shown fails verification, and so does a ``CHECKED`` claim with a step not shown
that is not declared open (a derivation step that was meant to close and did not).

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
    "DEFAULT_STEP_TIME_LIMIT",
    "verify_theorem",
    "verify_all",
    "dependency_order",
    "discover",
]

STATUSES = ("PROVED", "CHECKED")

#: A step whose rule starts with this is declared open (argued, or resting on the evidence): it
#: may stay not shown in a ``CHECKED`` theorem; every other step must close.
OPEN_RULE = "open"


def _describe(value: Any) -> str:
    from .validate import describe

    return describe(value)


def _text(name: str, value: Any, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise InvalidInput(name, "a string" if empty else "a non-empty string", _describe(value))
    return value


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

    def __post_init__(self) -> None:
        _text("claim", self.claim, empty=True)
        _text("rule", self.rule)
        if self.check is not None and not callable(self.check):
            raise InvalidInput("check", "a callable returning True when the step closes, or None", _describe(self.check))
        if isinstance(self.uses, str) or not isinstance(self.uses, (tuple, list)) \
                or not all(isinstance(u, str) for u in self.uses):
            raise InvalidInput("uses", "a tuple of theorem ids (strings)", _describe(self.uses))
        object.__setattr__(self, "uses", tuple(self.uses))


@dataclass(frozen=True)
class Golden:
    """An exact value: ``compute()`` must equal ``expected`` (SymPy ``==`` after ``cancel``)."""

    name: str
    compute: Callable[[], Any]
    expected: Any

    def __post_init__(self) -> None:
        _text("name", self.name)
        if not callable(self.compute):
            raise InvalidInput("compute", "a callable computing the value", _describe(self.compute))


@dataclass(frozen=True)
class NumericEvidence:
    """The outcome of a numeric check: the largest error against its tolerance."""

    max_error: float
    tolerance: float
    detail: str = ""
    sizes: dict = field(default_factory=dict)
    seeds: tuple = ()

    def __post_init__(self) -> None:
        import numbers

        # max_error may be NaN or inf: that is how a numeric check reports a failure
        if isinstance(self.max_error, bool) or not isinstance(self.max_error, numbers.Real):
            raise InvalidInput("max_error", "a real number (NaN or inf report a failure)", _describe(self.max_error))
        if isinstance(self.tolerance, bool) or not isinstance(self.tolerance, numbers.Real) \
                or self.tolerance != self.tolerance:
            raise InvalidInput("tolerance", "a real number (not NaN)", _describe(self.tolerance))

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
        _text("id", self.id)
        _text("title", self.title)
        _text("statement", self.statement, empty=True)
        if self.claimed not in STATUSES:
            raise InvalidInput("claimed", f"one of {STATUSES}", repr(self.claimed))
        for name, kind in (("steps", Step), ("golden", Golden)):
            items = getattr(self, name)
            if isinstance(items, (str, bytes)) or not isinstance(items, (list, tuple)):
                raise InvalidInput(name, f"a list of {kind.__name__}", _describe(items))
            for i, item in enumerate(items):
                if not isinstance(item, kind):
                    raise InvalidInput(f"{name}[{i}]", f"a qnnsym.theorems.{kind.__name__}", _describe(item))
        for name in ("numeric", "property"):
            if getattr(self, name) is not None and not callable(getattr(self, name)):
                raise InvalidInput(name, "a callable or None", _describe(getattr(self, name)))
        if isinstance(self.uses, str) or not isinstance(self.uses, (list, tuple)) or not all(isinstance(u, str) for u in self.uses):
            raise InvalidInput("uses", "a list of theorem ids (strings)", _describe(self.uses))
        if self.claimed == "PROVED" and not self.steps and not self.golden:
            raise InvalidInput("steps", "at least one derivation step or golden value for a PROVED claim", "none")


@dataclass(frozen=True)
class StepResult:
    claim: str
    rule: str
    closed: bool
    residual: str
    seconds: float

    @property
    def declared_open(self) -> bool:
        """The step's rule declares it open (starts with :data:`OPEN_RULE`): a ``CHECKED`` theorem may leave it not shown."""
        return self.rule.startswith(OPEN_RULE)


def _undeclared_gaps(steps: tuple[StepResult, ...] | list[StepResult]) -> tuple[StepResult, ...]:
    """The steps that were meant to close and did not (not closed, not declared open): any one fails verification."""
    return tuple(s for s in steps if not s.closed and not s.declared_open)


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

    @property
    def undeclared_gaps(self) -> tuple[StepResult, ...]:
        """The steps meant to close that did not (declared-open steps of a ``CHECKED`` theorem excluded)."""
        return _undeclared_gaps(self.steps)

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


#: The default wall-clock limit (seconds) of each symbolic step and golden value.
DEFAULT_STEP_TIME_LIMIT = 60.0


def _time_limit_arg(step_time_limit: Any, name: str = "step_time_limit") -> float | None:
    import math

    if step_time_limit is None:
        return None
    if (isinstance(step_time_limit, bool) or not isinstance(step_time_limit, (int, float))
            or not math.isfinite(step_time_limit) or step_time_limit <= 0):
        raise InvalidInput(name, "a finite number of seconds > 0, or None for no limit", repr(step_time_limit))
    return float(step_time_limit)


def _not_within(seconds: float, limit: Any) -> str:
    text = f"not shown within {seconds:g} s"
    if limit is not None and not limit.enforced:
        text += f" (took {limit.elapsed:.1f} s; the limit cannot interrupt work outside the main thread)"
    return text


def _run_limited(fn: Callable[[], Any], seconds: float | None) -> tuple[bool, Any, Any]:
    """Run ``fn()`` under a wall-clock limit: ``(finished, value, limit)``.

    ``finished`` is ``False`` when the limit interrupted ``fn`` or, where it cannot interrupt
    (outside the main thread), when ``fn`` took longer than the limit.  Exceptions of ``fn``
    propagate; an outer limit's :class:`~qnnsym.timelimit.TimeLimitExceeded` too.
    """
    if seconds is None:
        return True, fn(), None
    from .timelimit import TimeLimitExceeded, time_limit

    limit = time_limit(seconds)
    try:
        with limit:
            value = fn()
    except TimeLimitExceeded as exc:
        if exc.limit is not limit:
            raise
        return False, None, limit
    if limit.overran:
        return False, None, limit
    return True, value, limit


def close_step(step: Step, known: dict[str, str] | None = None, *,
               time_limit: float | None = DEFAULT_STEP_TIME_LIMIT) -> StepResult:
    """Try to close ``step`` with its named rewrite; never raises for a step that does not close.

    A step whose ``rule`` starts with ``"by "`` substitutes the theorems in ``step.uses``; it
    closes when each of them was shown PROVED in this run (``known`` maps ids to what was shown).

    The rewrite (or ``check``) runs under a wall-clock limit of ``time_limit`` seconds
    (:mod:`qnnsym.timelimit`; ``None`` for no limit).  A step that runs over is reported not
    closed with the residual ``"not shown within N s"``.  Ctrl-C (:class:`KeyboardInterrupt`)
    is never caught.

    >>> import time
    >>> slow = Step("a step that sleeps", "sleep", check=lambda: time.sleep(5) or True)
    >>> r = close_step(slow, time_limit=0.2)
    >>> r.closed, r.residual, r.seconds < 2
    (False, 'not shown within 0.2 s', True)
    """
    seconds = _time_limit_arg(time_limit, "time_limit")
    t0 = time.perf_counter()
    if not isinstance(step, Step):
        raise InvalidInput("step", "a qnnsym.theorems.Step", type(step).__name__)
    try:
        if step.rule.startswith("by ") and step.check is None:
            shown = {u: (known or {}).get(u, "not run") for u in step.uses}
            missing = {u: v for u, v in shown.items() if v != "PROVED"}
            closed = bool(step.uses) and not missing
            residual = "" if closed else f"cited results not proved: {missing or 'none cited'}"
            return StepResult(step.claim, step.rule, closed, residual, time.perf_counter() - t0)
        if step.check is None and _rule_chain(step.rule) is None:
            return StepResult(step.claim, step.rule, False, f"unknown rewrite {step.rule!r}", time.perf_counter() - t0)

        def attempt() -> tuple[bool, str]:
            if step.check is not None:
                ok = bool(step.check())
                return ok, "" if ok else "check returned False"
            expr = step.lhs - step.rhs
            for fn in _rule_chain(step.rule):
                expr = fn(expr)
            ok = _is_zero(expr)
            return ok, "" if ok else str(expr)[:200]

        finished, value, limit = _run_limited(attempt, seconds)
        closed, residual = value if finished else (False, _not_within(seconds, limit))
    except Exception as exc:  # a rewrite that fails leaves the step not shown
        closed, residual = False, f"{type(exc).__name__}: {exc}"
    return StepResult(step.claim, step.rule, closed, residual, time.perf_counter() - t0)


def _golden_failure(g: Golden, seconds: float | None) -> str:
    """``""`` when ``g.compute()`` equals ``g.expected`` within the time limit, else why not."""
    import sympy as sp

    def compare() -> str:
        value = g.compute()
        if isinstance(value, sp.MatrixBase):
            diff = (value - g.expected).applyfunc(sp.cancel)
        else:
            diff = sp.cancel(sp.sympify(value) - sp.sympify(g.expected))
        return "" if _is_zero(diff) else f"{g.name}: got {value}, expected {g.expected}"

    try:
        finished, value, limit = _run_limited(compare, seconds)
    except Exception as exc:
        return f"{g.name}: {type(exc).__name__}: {exc}"
    return value if finished else f"{g.name}: {_not_within(seconds, limit)}"


def verify_theorem(theorem: Theorem, *, profile: str = "quick", property_examples: int = 50,
                   known: dict[str, str] | None = None,
                   step_time_limit: float | None = DEFAULT_STEP_TIME_LIMIT) -> TheoremResult:
    """Re-check ``theorem``'s claim: close its steps, compare golden values, run its numeric
    check (``profile`` is passed through) and its property (``property_examples`` examples).
    ``known`` maps ids of already verified theorems to what was shown (for ``"by ..."`` steps).

    Each step and each golden value runs under a wall-clock limit of ``step_time_limit``
    seconds (``None``: no limit); one that runs over is *not shown within N s*, so a
    ``PROVED`` claim fails rather than hangs."""
    if not isinstance(theorem, Theorem):
        raise InvalidInput("theorem", "a qnnsym.theorems.Theorem", type(theorem).__name__)
    if profile not in ("quick", "full"):
        raise InvalidInput("profile", "'quick' or 'full'", repr(profile))
    import numbers

    if isinstance(property_examples, bool) or not isinstance(property_examples, numbers.Integral) or property_examples < 1:
        raise InvalidInput("property_examples", "a positive integer", repr(property_examples))
    property_examples = int(property_examples)
    seconds = _time_limit_arg(step_time_limit)

    t0 = time.perf_counter()
    steps = tuple(close_step(s, known, time_limit=seconds) for s in theorem.steps)
    golden_failures = [f for f in (_golden_failure(g, seconds) for g in theorem.golden) if f]
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
            prop_failure = describe_property_failure(exc)
    all_closed = all(s.closed for s in steps)
    evidence_ok = (numeric is None or numeric.passed) and not prop_failure and not error
    if all_closed and not golden_failures and (theorem.steps or theorem.golden) and evidence_ok:
        shown = "PROVED"
    elif evidence_ok and not golden_failures and (numeric is not None or examples):
        shown = "CHECKED"
    else:
        shown = "NOT SHOWN"
    passed = evidence_ok and not golden_failures and not _undeclared_gaps(steps) and (
        shown == "PROVED" if theorem.claimed == "PROVED" else shown in ("PROVED", "CHECKED"))
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
        if not isinstance(proofs_dir, (str, Path)):
            raise InvalidInput("proofs_dir", "a folder of proof files (str or Path) or None", type(proofs_dir).__name__)
        folder = Path(proofs_dir)
        if not folder.is_dir():
            raise InvalidInput("proofs_dir", "a folder of proof files", repr(str(proofs_dir)))
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            spec = importlib.util.spec_from_file_location(f"qnnsym_user_proofs.{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)  # type: ignore[union-attr]
            except Exception as exc:  # a broken user file is bad input, not a crash of qnnsym
                raise InvalidInput("proofs_dir", f"proof files that import cleanly ({path.name} does not)",
                                   _one_line(exc)) from exc
            modules.append(module)
    theorems = []
    for module in modules:
        build = getattr(module, "build", None)
        if build is None:
            raise InvalidInput("proofs", f"a build() function in {module.__name__}", "none")
        if not callable(build):
            raise InvalidInput("proofs", f"a build() function in {module.__name__}", type(build).__name__)
        try:
            thm = build()
        except Exception as exc:
            if proofs_dir is None:  # the built-in proofs must build: a failure there is a bug
                raise
            raise InvalidInput("proofs", f"build() in {module.__name__} returning a Theorem", _one_line(exc)) from exc
        if not isinstance(thm, Theorem):
            raise InvalidInput("proofs", f"build() in {module.__name__} returning a Theorem", type(thm).__name__)
        theorems.append(thm)
    ids = [t.id for t in theorems]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InvalidInput("proofs", "unique theorem ids", f"duplicates {dup}")
    return theorems


def describe_property_failure(exc: BaseException, width: int = 500) -> str:
    """``"Type: message"`` of a property's failure; when hypothesis found several distinct failures
    (an ``ExceptionGroup``) each one is named, so the reason a claim fell is never hidden behind
    the group.

    >>> describe_property_failure(ExceptionGroup("2 failures", [AssertionError("k < 50"), ValueError("bad")]))
    '2 distinct failures: [1] AssertionError: k < 50 [2] ValueError: bad'
    """
    if isinstance(exc, BaseExceptionGroup):
        leaves = _leaf_exceptions(exc)
        share = max(120, width // max(1, len(leaves)))
        parts = [f"[{i}] {_one_line(e)[:share]}" for i, e in enumerate(leaves, 1)]
        return f"{len(leaves)} distinct failures: " + " ".join(parts)
    return f"{type(exc).__name__}: {str(exc)[:width]}"


def _leaf_exceptions(group: BaseExceptionGroup) -> list[BaseException]:
    out: list[BaseException] = []
    for e in group.exceptions:
        out.extend(_leaf_exceptions(e) if isinstance(e, BaseExceptionGroup) else [e])
    return out


def _one_line(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 300 else text[:297] + "..."


def dependency_order(theorems: list[Theorem], only: list[str] | None = None) -> list[Theorem]:
    """The theorems to run for ``only`` (all when ``None``), each after the theorems it uses."""
    if isinstance(theorems, (str, bytes)) or not isinstance(theorems, (list, tuple)):
        raise InvalidInput("theorems", "a list of qnnsym.theorems.Theorem", _describe(theorems))
    for i, thm in enumerate(theorems):
        if not isinstance(thm, Theorem):
            raise InvalidInput(f"theorems[{i}]", "a qnnsym.theorems.Theorem", _describe(thm))
    if only is not None and (isinstance(only, (str, bytes)) or not isinstance(only, (list, tuple))
                             or not all(isinstance(i, str) for i in only)):
        raise InvalidInput("only", "a list of theorem ids (strings) or None", _describe(only))
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
               property_examples: int = 50, progress: Callable[[Theorem], None] | None = None,
               step_time_limit: float | None = DEFAULT_STEP_TIME_LIMIT) -> list[TheoremResult]:
    """Verify ``theorems`` (or those in ``only`` and what they use) in dependency order, each
    symbolic step and golden value under ``step_time_limit`` seconds (see :func:`verify_theorem`)."""
    if isinstance(theorems, (str, bytes)) or not hasattr(theorems, "__iter__"):
        raise InvalidInput("theorems", "a list of qnnsym.theorems.Theorem", type(theorems).__name__)
    theorems = list(theorems)
    for i, thm in enumerate(theorems):
        if not isinstance(thm, Theorem):
            raise InvalidInput(f"theorems[{i}]", "a qnnsym.theorems.Theorem", type(thm).__name__)
    if only is not None and (isinstance(only, (str, bytes)) or not all(isinstance(i, str) for i in only)):
        raise InvalidInput("only", "a list of theorem ids (strings) or None", repr(only)[:60])
    if progress is not None and not callable(progress):
        raise InvalidInput("progress", "a callable or None", type(progress).__name__)
    seconds = _time_limit_arg(step_time_limit)
    known: dict[str, str] = {}
    results = []
    for thm in dependency_order(theorems, only):
        if progress:
            progress(thm)
        res = verify_theorem(thm, profile=profile, property_examples=property_examples, known=known,
                             step_time_limit=seconds)
        known[thm.id] = res.shown
        results.append(res)
    return results
