"""Side-by-side timings of the qnnsym engine against its peers (not part of the test suite).

Run ``python -m benchmarks`` (or ``--quick``) from the repository root; see README.md.
Importing this package pins numpy/numba/BLAS/OpenMP to one thread, so import it before
anything numeric.
"""

from ._threads import pin_single_thread

pin_single_thread()

__all__ = ["pin_single_thread"]
