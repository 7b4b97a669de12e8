"""The figure interface a neighbouring result plugs into ``qnnsym figures``.

Each module of :mod:`qnnsym.neighbours` defines a module-level ``FIGURE``; the figures driver
(:mod:`qnnsym.figures`) collects them beside the experiments E1-E4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class NeighbourFigure:
    """A figure of a neighbouring result (SPEC section 5).

    Attributes
    ----------
    name : str
        The id shown by ``qnnsym figures --only`` (``"N1"``, ``"N2"``, ``"N3"``).
    data : callable
        ``data(*, progress=None, **sizes) -> ExperimentResult``; the defaults are the quick sizes.
    plot : callable
        ``plot(res, plt) -> (figure, caption)``.
    summary : callable
        ``summary(res) -> list[str]``: the measured numbers, one line each.
    full_sizes : dict
        Keyword overrides for ``qnnsym figures --full``.
    """

    name: str
    data: Callable
    plot: Callable
    summary: Callable
    full_sizes: dict = field(default_factory=dict)
