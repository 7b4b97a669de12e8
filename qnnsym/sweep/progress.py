"""Progress of a sweep on stderr: cells done / total, failures, elapsed time and ETA.

The ETA is the elapsed time per finished cell of this run times the cells left (with ``w`` busy
workers cells finish about ``w`` times as often, which the elapsed time per cell already shows).
Lines are printed at most every ``interval`` seconds, and always for the last cell.

>>> import io
>>> buf = io.StringIO()
>>> p = Progress(4, stream=buf, interval=0.0, clock=iter([0.0, 10.0, 20.0]).__next__)
>>> p.update(failed=False)
>>> buf.getvalue().strip()
'sweep: 1/4 cells done (0 failed), 0:10 elapsed, ETA 0:30'
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

from ..errors import InvalidInput
from ..validate import describe

__all__ = ["Progress", "format_seconds"]


def format_seconds(seconds: float) -> str:
    """``h:mm:ss`` or ``m:ss``.

    >>> format_seconds(75), format_seconds(3725)
    ('1:15', '1:02:05')
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds == seconds or seconds < 0:
        raise InvalidInput("seconds", "a non-negative number", describe(seconds))
    if seconds == float("inf"):
        return "?"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts finished cells and prints ``sweep: k/n cells done (f failed), elapsed, ETA``.

    Parameters
    ----------
    total : int
        Cells to run in this invocation.
    stream : file, optional
        Where to print (default ``sys.stderr``); ``None`` prints nothing.
    interval : float
        Least seconds between two lines.
    clock : callable
        Time source (``time.monotonic``).
    """

    def __init__(self, total: int, *, stream: TextIO | None = sys.stderr, interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise InvalidInput("total", "a non-negative integer", describe(total))
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 0 <= interval < float("inf"):
            raise InvalidInput("interval", "a finite number of seconds >= 0", describe(interval))
        self.total, self.stream, self.interval, self.clock = total, stream, float(interval), clock
        self.done = self.failed = 0
        self.start = clock()
        self._last = -float("inf")

    def say(self, text: str) -> None:
        """Print one line (e.g. the dashboard address)."""
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def update(self, *, failed: bool) -> None:
        """Count one finished cell and print a line if ``interval`` has passed (or it was the last)."""
        self.done += 1
        self.failed += bool(failed)
        now = self.clock()
        if self.stream is None or (now - self._last < self.interval and self.done < self.total):
            return
        self._last = now
        elapsed = now - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("inf")
        self.say(f"sweep: {self.done}/{self.total} cells done ({self.failed} failed), "
                 f"{format_seconds(elapsed)} elapsed, ETA {format_seconds(eta)}")
