"""Wall-clock limits for pure-Python (SymPy) work.

:func:`time_limit` is a context manager that interrupts the code inside it after
``seconds`` of wall-clock time by raising :class:`TimeLimitExceeded`::

    with time_limit(60) as limit:
        sympy.simplify(expr)

Mechanism
---------
On POSIX, in the main thread, the limit arms ``signal.setitimer(ITIMER_REAL, ...)`` and a
``SIGALRM`` handler that raises :class:`TimeLimitExceeded` at the next Python bytecode.  Work
inside a single C call (a numba kernel, a large integer multiplication) is interrupted only
when it returns to Python; SymPy is pure Python, so its steps stop within milliseconds.

- :class:`TimeLimitExceeded` derives from :class:`BaseException`, not :class:`Exception`, so an
  ``except Exception`` inside SymPy cannot swallow it; it is raised only to the ``with`` block
  whose deadline passed and names that block's limit.
- The handler does nothing but raise; ``SIGINT`` keeps its own handler, so Ctrl-C still raises
  :class:`KeyboardInterrupt` inside a limited block.
- Limits nest: an inner limit never extends an outer one (the timer is set to the nearest
  deadline), and on exit the previous ``SIGALRM`` handler and the previous timer (with its
  remaining time) are restored.  A timer armed by someone else (e.g. ``pytest-timeout``) keeps its
  deadline: when it comes first, its handler is called.

Fallback
--------
Outside the main thread, or on a platform without ``SIGALRM`` (Windows), signals cannot be
used.  The block then runs to completion uninterrupted, ``limit.enforced`` is ``False``, and
``limit.overran`` tells afterwards whether it took longer than ``seconds``, so a caller can
report the overrun the same way (see :func:`qnnsym.theorems.close_step`).

>>> import time
>>> from qnnsym.timelimit import TimeLimitExceeded, time_limit
>>> try:
...     with time_limit(0.05):
...         while True:
...             pass
... except TimeLimitExceeded as exc:
...     print(exc)
not finished within 0.05 s
>>> with time_limit(1) as limit:
...     x = sum(range(10))
>>> limit.overran
False
"""

from __future__ import annotations

import math
import signal
import threading
import time
from typing import Any

from .errors import InvalidInput

__all__ = ["TimeLimitExceeded", "TimeLimit", "time_limit", "signals_available"]


class TimeLimitExceeded(BaseException):
    """Raised inside a :func:`time_limit` block when its wall-clock limit has passed.

    Attributes
    ----------
    seconds : float
        The limit that was exceeded.
    limit : TimeLimit
        The block whose deadline passed (an outer block's limit propagates through inner ones).
    """

    def __init__(self, seconds: float, limit: "TimeLimit | None" = None):
        self.seconds = seconds
        self.limit = limit
        super().__init__(f"not finished within {seconds:g} s")


# The active limits of the main thread, outermost first.
_STACK: list["TimeLimit"] = []


def signals_available() -> bool:
    """Whether limits can interrupt work here (POSIX ``SIGALRM`` and the main thread)."""
    return (hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread())


def _handler(signum: int, frame: Any) -> None:
    now = time.monotonic()
    if not _STACK:
        return
    base = _STACK[0]
    if base._foreign_deadline is not None and now >= base._foreign_deadline:
        # someone else's timer (armed before the outermost limit) came due first: hand it over
        base._foreign_deadline = None
        _arm_next(now)
        prev = base._prev_handler
        if callable(prev):
            prev(signum, frame)
        elif prev == signal.SIG_DFL:  # the default action of SIGALRM terminates the process
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGALRM)
        return
    if frame is not None and frame.f_code in _PROTECTED:
        # never raise inside the bookkeeping of a limit; retry a moment later
        signal.setitimer(signal.ITIMER_REAL, 1e-3, 0.05)
        return
    for lim in _STACK:  # the outermost expired limit wins: its block must end
        if lim._active and now >= lim._deadline:
            # raised again every 50 ms until the block exits, in case code inside it
            # catches BaseException and carries on
            lim.expired = True
            raise TimeLimitExceeded(lim.seconds, lim)
    _arm_next(now)  # an early or stale alarm: wait for the nearest deadline


def _arm_next(now: float) -> None:
    deadlines = [lim._deadline for lim in _STACK if lim._active]
    if _STACK and _STACK[0]._foreign_deadline is not None:
        deadlines.append(_STACK[0]._foreign_deadline)
    if deadlines:
        # a tiny positive delay re-fires at once if the deadline has already passed; the
        # interval re-raises should the first alarm land in code that discards exceptions
        signal.setitimer(signal.ITIMER_REAL, max(min(deadlines) - now, 1e-4), 0.05)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


class TimeLimit:
    """The state of one :func:`time_limit` block (returned by ``with time_limit(s) as limit``).

    Attributes
    ----------
    seconds : float
        The limit.
    enforced : bool
        Whether the block can be interrupted (see :func:`signals_available`).
    expired : bool
        Whether the block was interrupted.
    elapsed : float
        Wall-clock seconds spent in the block (set on exit).
    """

    def __init__(self, seconds: Any):
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds <= 0:
            raise InvalidInput("seconds", "a finite number of seconds > 0", repr(seconds))
        self.seconds = float(seconds)
        self.enforced = False
        self.expired = False
        self.elapsed = 0.0
        self._active = False
        self._deadline = math.inf
        self._start = 0.0
        self._prev_handler: Any = None
        self._foreign_deadline: float | None = None
        self._prev_timer = (0.0, 0.0)

    @property
    def overran(self) -> bool:
        """Interrupted, or (when not enforced) took longer than the limit."""
        return self.expired or self.elapsed > self.seconds

    def __enter__(self) -> "TimeLimit":
        self._start = time.monotonic()
        self._deadline = self._start + self.seconds
        self.enforced = signals_available()
        if not self.enforced:
            return self
        if not _STACK:
            self._prev_handler = signal.getsignal(signal.SIGALRM)
            self._prev_timer = signal.getitimer(signal.ITIMER_REAL)
            if self._prev_timer[0] > 0:
                self._foreign_deadline = self._start + self._prev_timer[0]
            signal.signal(signal.SIGALRM, _handler)
        self._active = True
        _STACK.append(self)
        _arm_next(self._start)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        self._active = False
        self.elapsed = time.monotonic() - self._start
        if not self.enforced:
            return False
        if self in _STACK:
            del _STACK[_STACK.index(self):]
        now = time.monotonic()
        if _STACK:
            _arm_next(now)
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._prev_handler if self._prev_handler is not None else signal.SIG_DFL)
            if self._foreign_deadline is not None:
                # the previous timer keeps its deadline (at once if it passed meanwhile)
                signal.setitimer(signal.ITIMER_REAL, max(self._foreign_deadline - now, 1e-4), self._prev_timer[1])
        return False


_PROTECTED = {TimeLimit.__enter__.__code__, TimeLimit.__exit__.__code__, _arm_next.__code__}


def time_limit(seconds: float) -> TimeLimit:
    """A context manager interrupting its block after ``seconds`` of wall-clock time.

    Parameters
    ----------
    seconds : float
        The limit, a finite number ``> 0``.

    Returns
    -------
    TimeLimit
        Use it in a ``with`` statement; the block raises :class:`TimeLimitExceeded` when the
        limit passes (only where :func:`signals_available`; elsewhere it runs to the end and
        ``limit.overran`` tells whether it went over).

    Raises
    ------
    qnnsym.errors.InvalidInput
        ``seconds`` is not a finite number ``> 0``.

    Examples
    --------
    >>> with time_limit(5) as limit:
    ...     _ = [i * i for i in range(1000)]
    >>> limit.expired, limit.seconds
    (False, 5.0)
    """
    return TimeLimit(seconds)
