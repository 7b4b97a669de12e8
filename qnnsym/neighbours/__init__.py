"""Neighbouring results checked beside the paper's (SPEC section 5).

- :mod:`~qnnsym.neighbours.frozen`: the frozen-kernel (lazy-training) prediction and its dQNTK
  correction, where it holds and where it fails (N1);
- :mod:`~qnnsym.neighbours.dla`: the dynamical Lie algebra of an ansatz and the over-parameterisation
  threshold of the Jacobian / QFIM rank (N2);
- :mod:`~qnnsym.neighbours.transition`: the dynamical transition at the critical target ``O_0 = O_min`` (N3).

Each module defines a ``FIGURE`` (:class:`NeighbourFigure`) that ``qnnsym figures`` runs beside
E1-E4; the modules are imported only when their figure is asked for.

>>> FIGURE_MODULES["N2"]
'qnnsym.neighbours.dla'
"""

from __future__ import annotations

import importlib

from ._figure import NeighbourFigure

__all__ = ["FIGURE_MODULES", "NeighbourFigure", "neighbour_figure"]

#: The figure id of each neighbouring result and the module that defines its ``FIGURE``.
FIGURE_MODULES = {
    "N1": "qnnsym.neighbours.frozen",
    "N2": "qnnsym.neighbours.dla",
    "N3": "qnnsym.neighbours.transition",
}


def neighbour_figure(name: str) -> NeighbourFigure:
    """The :class:`NeighbourFigure` of ``name`` (``"N1"``, ``"N2"`` or ``"N3"``).

    >>> neighbour_figure("N3").name
    'N3'
    """
    from ..errors import InvalidInput
    from ..validate import describe

    if not isinstance(name, str) or name not in FIGURE_MODULES:
        raise InvalidInput("name", f"a neighbouring-result figure among {sorted(FIGURE_MODULES)}", describe(name))
    figure = importlib.import_module(FIGURE_MODULES[name]).FIGURE
    if not isinstance(figure, NeighbourFigure) or figure.name != name:
        raise InvalidInput("name", f"{FIGURE_MODULES[name]}.FIGURE to be the NeighbourFigure {name!r}", describe(figure))
    return figure
