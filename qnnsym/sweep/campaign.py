"""Property campaigns: a theorem's hypothesis property under many independent seeds.

A campaign cell runs the property ``examples`` times under ``hypothesis.seed(seed)`` (through
:func:`qnnsym.proofkit.property_seed`, which every theorem's ``property`` honours because it
calls :func:`~qnnsym.proofkit.run_property`).  Different seeds draw different examples, so
``N`` seeds spread over the workers run about ``N x examples`` distinct examples instead of the
one derandomised sequence of ``qnnsym verify``.  The same seed and example count draw the same
examples again: a falsifying example is reported with its seed and a one-line command that
reproduces it (:func:`reproduce_property`).

The target is a theorem id (``"S13"``, see :func:`theorem_ids`) or ``"package.module:function"``,
a callable ``f(max_examples) -> examples run`` built like a theorem's property.

>>> row = property_task("S13", 2, 0)
>>> row["examples"], row["falsified"]
(2, False)
"""

from __future__ import annotations

import functools
import numbers
import shlex
from typing import Callable

from ..errors import InvalidInput
from ..validate import describe

__all__ = ["theorem_ids", "property_task", "reproduce_property", "reproduce_command", "falsifying_example"]


@functools.lru_cache(maxsize=1)
def _properties() -> dict[str, Callable[[int], int]]:
    from ..theorems import discover

    return {t.id: t.property for t in discover() if t.property is not None}


def theorem_ids() -> list[str]:
    """Ids of the built-in theorems that have a hypothesis property.

    >>> "S13" in theorem_ids()
    True
    """
    return list(_properties())


def _resolve(target: str) -> Callable[[int], int]:
    if not isinstance(target, str) or not target:
        raise InvalidInput("target", "a theorem id or 'package.module:function'", describe(target))
    if ":" in target:
        from .spec import _user_function

        return _user_function("target", target)
    props = _properties()
    if target not in props:
        raise InvalidInput("target", f"a theorem with a property ({', '.join(props)}) or 'package.module:function'",
                           repr(target))
    return props[target]


def _check(examples, seed) -> tuple[int, int]:
    if isinstance(examples, bool) or not isinstance(examples, numbers.Integral) or not 1 <= examples <= 100_000:
        raise InvalidInput("examples", "a positive integer <= 100000", describe(examples))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise InvalidInput("seed", "a non-negative integer below 2**64", describe(seed))
    return int(examples), int(seed)


def falsifying_example(exc: BaseException) -> str:
    """The ``Falsifying example: ...`` (newer hypothesis: ``Failing test case: ...``) notes
    hypothesis attached to ``exc`` and to the members of an exception group, one line each,
    joined by `` | ``.

    >>> e = AssertionError("x")
    >>> e.add_note("Falsifying example: prop(\\n    x=1,\\n)")
    >>> falsifying_example(e)
    'Falsifying example: prop( x=1, )'
    """
    if not isinstance(exc, BaseException):
        raise InvalidInput("exc", "an exception", describe(exc))
    found: list[str] = []

    def walk(e: BaseException) -> None:
        for note in getattr(e, "__notes__", []) or []:
            if isinstance(note, str) and note.startswith(("Falsifying", "Failing test case")):
                found.append(" ".join(note.split()))
        if isinstance(e, BaseExceptionGroup):
            for sub in e.exceptions:
                walk(sub)

    walk(exc)
    return " | ".join(dict.fromkeys(found))


def reproduce_command(target: str, seed: int, examples: int) -> str:
    """A shell command that re-runs the property with this seed and example count.

    >>> reproduce_command("S13", 5, 50)
    'python -c \\'from qnnsym.sweep import reproduce_property; reproduce_property("S13", seed=5, examples=50)\\''
    """
    if not isinstance(target, str) or not target:
        raise InvalidInput("target", "a theorem id or 'package.module:function'", describe(target))
    examples, seed = _check(examples, seed)
    code = f"from qnnsym.sweep import reproduce_property; reproduce_property({target!r}, seed={seed}, examples={examples})"
    return "python -c " + shlex.quote(code.replace("'", '"'))


def reproduce_property(target: str, *, seed: int, examples: int) -> int:
    """Run ``target``'s property under ``hypothesis.seed(seed)`` with ``examples`` examples: the
    falsifying example of a campaign cell raises again; otherwise the examples run.

    >>> reproduce_property("S13", seed=3, examples=2)
    2
    """
    from ..proofkit import property_seed

    fn = _resolve(target)
    examples, seed = _check(examples, seed)
    with property_seed(seed):
        return int(fn(examples))


def property_task(target: str, examples: int, seed: int) -> dict:
    """One campaign cell: run the property and return ``examples`` (run, counted even when one
    falsifies), ``falsified``, ``failure`` (``"Type: message"``), ``falsifying_example`` and
    ``reproduce`` (the command of :func:`reproduce_command`, empty when nothing failed)."""
    from ..proofkit import property_seed
    from ..theorems import describe_property_failure

    fn = _resolve(target)
    examples, seed = _check(examples, seed)
    with property_seed(seed) as run:
        try:
            n = int(fn(examples))
        except Exception as exc:  # hypothesis re-raises the falsifying example's failure
            return {"examples": run["examples"], "falsified": True, "failure": describe_property_failure(exc),
                    "falsifying_example": falsifying_example(exc), "reproduce": reproduce_command(target, seed, examples)}
    return {"examples": n, "falsified": False, "failure": "", "falsifying_example": "", "reproduce": ""}
