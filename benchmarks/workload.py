"""What a workload module provides, and the problem-size record they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .timing import Contender

__all__ = ["Size", "Target", "Workload"]


@dataclass(frozen=True)
class Size:
    label: str  # e.g. "n=12, L=10 (p=240)"
    params: dict[str, Any]
    rounds: int


@dataclass(frozen=True)
class Target:
    """``contender`` must be at least ``factor`` times slower than qnnsym at ``size_label``."""

    size_label: str
    contender: str
    factor: float
    #: True: the target is a speed-up of ``contender`` over qnnsym (qnnsym median / contender median >= factor)
    speedup: bool = False


@dataclass(frozen=True)
class Workload:
    key: str  # "W1"
    title: str
    description: str  # Markdown paragraph for RESULTS.md
    sizes: Callable[[bool], list[Size]]  # quick -> sizes
    contenders: Callable[[Size], list[Contender]]  # the first is qnnsym (the baseline)
    targets: tuple[Target, ...] = field(default=())
    #: agreement tolerance for this workload (None: the command line's ``--atol``), with the reason
    atol: float | None = None
    atol_reason: str = ""
    #: cost-growth fits for the report: (x parameter, {parameter: value held fixed}, contender names)
    growth: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
