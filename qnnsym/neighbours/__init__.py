"""Neighbouring results checked beside the paper's (SPEC section 5).

- :mod:`~qnnsym.neighbours.frozen`: the frozen-kernel (lazy-training) prediction and its dQNTK
  correction, where it holds and where it fails (N1);
- :mod:`~qnnsym.neighbours.dla`: the dynamical Lie algebra of an ansatz and the over-parameterisation
  threshold of the Jacobian / QFIM rank (N2);
- :mod:`~qnnsym.neighbours.transition`: the dynamical transition at the critical target ``O_0 = O_min`` (N3).
"""

from ._figure import NeighbourFigure

__all__ = ["NeighbourFigure"]
