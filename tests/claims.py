"""Helpers of the wrong-claim tests of the proof files: a theorem stripped down to the part under
test, and a verification that must reject it."""

from __future__ import annotations

import dataclasses

import sympy as sp

from qnnsym.theorems import Step, verify_theorem


def cheap(thm, **changes):
    """``thm`` with one trivially closing step instead of its derivation, and no golden values,
    numeric check or property unless given in ``changes`` (so only ``changes`` can fail)."""
    x = sp.Symbol("x")
    changes.setdefault("steps", [Step("x = x", "expand", x, x)])
    changes.setdefault("golden", [])
    changes.setdefault("numeric", None)
    changes.setdefault("property", None)
    return dataclasses.replace(thm, **changes)


def reject(thm, known=None, property_examples=10):
    """Verify ``thm`` (citing the statuses in ``known``) and assert that it does not pass."""
    res = verify_theorem(thm, property_examples=property_examples, known=known or {})
    assert not res.passed, "a wrong claim was accepted:\n" + res.describe()
    return res
