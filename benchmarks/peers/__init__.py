"""Peer implementations timed against qnnsym.

Each peer builds the same circuit or model from the same :class:`qnnsym.model.QNN`
object and returns the same quantity; a peer whose library is missing raises
:class:`benchmarks.timing.Unavailable` from its constructor and is reported as skipped.
Importing this package imports no peer library.
"""

__all__ = ["torch_peer", "pennylane_peer", "jax_peer", "qulacs_peer"]
