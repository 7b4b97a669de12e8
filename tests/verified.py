"""One verification of every built-in theorem per test session, shared by the tests that need it.

``qnnsym docs --check`` (tests/test_docs.py) and the per-theorem "verifies as claimed" tests
all need :func:`qnnsym.theorems.verify_all` over the built-in proofs at the quick profile with
50 property examples (what ``qnnsym verify`` and ``qnnsym docs`` run).  Before this cache each
test re-verified its theorem and every theorem it cites, so the suite verified some theorems
four times.  The first caller pays (about 90 s on 2 cores); the others reuse the results.
"""

from __future__ import annotations

import qnnsym.theorems as theorems_mod

_REAL_VERIFY_ALL = theorems_mod.verify_all
_CACHE: dict = {}
_BUILT: list = []  # the built-in theorems, built once (discover() imports and builds every proof file)


def cached_verify_all(theorems, *, only=None, profile="quick", property_examples=50, progress=None,
                      step_time_limit=theorems_mod.DEFAULT_STEP_TIME_LIMIT):
    """:func:`qnnsym.theorems.verify_all`, memoised on the theorems' ids and statements and the
    arguments (``progress`` is not called for a cached result)."""
    key = (tuple((t.id, t.statement) for t in theorems), tuple(only or ()), profile, property_examples, step_time_limit)
    if key not in _CACHE:
        _CACHE[key] = _REAL_VERIFY_ALL(theorems, only=only, profile=profile, property_examples=property_examples,
                                       progress=progress, step_time_limit=step_time_limit)
    return _CACHE[key]


def verified(tid: str):
    """The result of the built-in theorem ``tid`` from the session's one run of every theorem."""
    if not _BUILT:
        _BUILT.extend(theorems_mod.discover())
    results = {r.id: r for r in cached_verify_all(_BUILT)}
    return results[tid]
