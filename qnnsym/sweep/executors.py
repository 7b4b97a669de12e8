"""Where the cells run: in this process, on a local process pool, or on Dask distributed.

Every executor has ``run(fn, cells)``, a generator of ``(cell, row)`` pairs in completion
order, and ``close(cancel=False)``.  ``fn`` is :func:`qnnsym.sweep.tasks.run_cell` (a
module-level function, so it pickles by reference).  A cell whose task could not be run at all
(its worker process died, Dask gave up on it) comes back as a failed row made here.

- :class:`SerialExecutor`: one cell after the other in this process.
- :class:`PoolExecutor`: :class:`concurrent.futures.ProcessPoolExecutor` with
  ``len(os.sched_getaffinity(0))`` workers by default and the ``spawn`` start method (fresh
  interpreters: never a fork of a process holding threads; they get this ``sys.path``).  Workers run
  qnnsym single-threaded and ignore SIGINT (the parent handles Ctrl-C and stops them).  If a
  worker dies, the pool is rebuilt and the unfinished cells are resubmitted; a cell unfinished
  in two such deaths then runs alone in a one-process pool, where a third death is its own and
  it is recorded as failed.  Once the suspects are done that pool is shut down, so the next
  ``run`` of the same executor has all ``workers`` processes again.
- :class:`DaskExecutor`: ``distributed.Client(address)``, or for ``"local"`` a
  ``LocalCluster(n_workers, threads_per_worker=1, processes=True)`` on 127.0.0.1 started here
  and closed by ``close``.  Cells are ``client.submit``-ted under their cell key and collected
  with ``distributed.as_completed``; Dask itself reschedules the tasks of a worker that is lost
  (up to its ``allowed-failures``, then ``KilledWorker``, recorded as a failed row).

>>> ex = SerialExecutor()
>>> from qnnsym.sweep.tasks import run_cell
>>> [row["status"] for _cell, row in ex.run(run_cell, [])]
[]
"""

from __future__ import annotations

import os
import signal
from typing import Callable, Iterator

from ..errors import InvalidInput
from ..validate import describe

__all__ = ["SerialExecutor", "PoolExecutor", "DaskExecutor", "make_executor", "default_workers"]

#: Pool rebuilds a cell may be caught in before it is recorded as failed.
MAX_POOL_ATTEMPTS = 3


def default_workers() -> int:
    """The number of cores this process may use (``len(os.sched_getaffinity(0))``).

    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _workers_arg(workers) -> int | None:
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 4096:
        raise InvalidInput("workers", "a number of workers in [1, 4096] or None", describe(workers))
    return workers


def _lost_row(cell: dict, error: str) -> dict:
    from .tasks import versions_row

    return {"key": cell["key"], "experiment": cell["experiment"], "params": dict(cell["params"]), "seed": cell["seed"],
            "versions": versions_row(), "status": "failed", "error": error, "measured": {}, "runtime_s": 0.0,
            "worker": ""}


def _worker_init() -> None:
    """Pool workers: Ctrl-C is the parent's business; one thread each (the pool is the parallelism)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..numeric.parallel import set_threads

    set_threads(1)


def _ignore_sigint_plugin():
    """A worker plugin for the LocalCluster this executor starts: its worker processes ignore
    SIGINT, so a Ctrl-C at the terminal (sent to the whole process group) is handled once, by
    the sweep, which then closes the cluster; restarted workers get the plugin too."""
    from distributed import WorkerPlugin

    class IgnoreSigint(WorkerPlugin):
        name = "qnnsym-ignore-sigint"

        def setup(self, worker):
            import threading

            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)

    return IgnoreSigint()


class SerialExecutor:
    """Run the cells one after the other in this process."""

    name = "serial"
    workers = 1
    dashboard = None

    def run(self, fn: Callable[[dict], dict], cells: list[dict]) -> Iterator[tuple[dict, dict]]:
        for cell in cells:
            yield cell, fn(cell)

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


class PoolExecutor:
    """A local process pool (see the module docstring).

    Parameters
    ----------
    workers : int, optional
        Number of processes (default :func:`default_workers`).

    >>> ex = PoolExecutor(2)  # processes start at the first run(run_cell, cells)
    >>> ex.name, ex.workers
    ('local pool', 2)
    >>> ex.close()
    """

    name = "local pool"
    dashboard = None

    def __init__(self, workers: int | None = None):
        self.workers = _workers_arg(workers) or default_workers()
        self._pool = None
        self._pool_workers = 0

    @property
    def pool_size(self) -> int:
        """Processes of the pool that is up now (0 when none is: the next ``run`` starts one of
        ``workers`` processes)."""
        return self._pool_workers if self._pool is not None else 0

    def _new_pool(self, workers: int | None = None):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # spawn: a fresh interpreter per worker, which never inherits locks held by this process's
        # threads (numba, Dask) and gets this process's sys.path, so user modules import there too.
        self._pool_workers = workers or self.workers
        self._pool = ProcessPoolExecutor(self._pool_workers, mp_context=mp.get_context("spawn"),
                                         initializer=_worker_init)
        return self._pool

    def run(self, fn: Callable[[dict], dict], cells: list[dict]) -> Iterator[tuple[dict, dict]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        todo = list(cells)
        attempts: dict[str, int] = {}
        suspects: list[dict] = []
        while todo:
            pool = self._new_pool() if self._pool is None else self._pool
            futures = {pool.submit(fn, c): c for c in todo}
            todo = []
            pending = set(futures)
            broken = False
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    cell = futures[fut]
                    try:
                        row = fut.result()
                    except BrokenProcessPool:  # some worker died: every unfinished cell comes back
                        broken = True
                        attempts[cell["key"]] = attempts.get(cell["key"], 0) + 1
                        (suspects if attempts[cell["key"]] >= MAX_POOL_ATTEMPTS - 1 else todo).append(cell)
                        continue
                    except Exception as exc:  # e.g. the cell or its row did not pickle
                        row = _lost_row(cell, " ".join(f"{type(exc).__name__}: {exc}".split())[:500])
                    yield cell, row
            if broken:
                self._terminate()
        # Cells that were unfinished in two pool deaths run one at a time in a one-process pool,
        # where a death can only be theirs (the last of MAX_POOL_ATTEMPTS attempts).
        for cell in suspects:
            if self._pool is None:
                self._pool = self._new_pool(1)
            try:
                row = self._pool.submit(fn, cell).result()
            except BrokenProcessPool:
                self._terminate()
                row = _lost_row(cell, f"BrokenProcessPool: the worker process died while running this cell "
                                      f"({MAX_POOL_ATTEMPTS} attempts)")
            except Exception as exc:
                row = _lost_row(cell, " ".join(f"{type(exc).__name__}: {exc}".split())[:500])
            yield cell, row
        if self._pool is not None and self._pool_workers != self.workers:
            # the suspects are done: drop their one-process pool, so the next run (of a reused
            # executor) starts the full pool again instead of running everything on one process
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)

    def _terminate(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.shutdown(wait=False, cancel_futures=True)
        # ProcessPoolExecutor has no public way to stop running tasks; its worker processes are
        # in the private _processes map (pid -> Process) on every CPython 3.11-3.14.
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                proc.terminate()
            except (OSError, ValueError):
                pass
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.join(5)

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down (``cancel``: stop running cells at once, e.g. on Ctrl-C)."""
        if cancel:
            self._terminate()
        elif self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class DaskExecutor:
    """Dask distributed (see the module docstring).

    Parameters
    ----------
    address : str
        A scheduler address (``tcp://host:8786``) or ``"local"`` to start a ``LocalCluster``.
    workers : int, optional
        Worker processes of the ``LocalCluster`` (default :func:`default_workers`); ignored
        with an address.
    """

    name = "dask"

    def __init__(self, address: str, workers: int | None = None):
        if not isinstance(address, str) or not address.strip():
            raise InvalidInput("dask", "a scheduler address such as tcp://127.0.0.1:8786, or 'local'", describe(address))
        workers = _workers_arg(workers)
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InvalidInput("dask", "dask distributed installed (pip install 'qnnsym[distributed]')",
                               "no module 'distributed'") from None
        self.cluster = None
        if address == "local":
            try:
                import bokeh  # noqa: F401  (the dashboard needs it)

                dashboard, self._bokeh = "127.0.0.1:0", True
            except ImportError:
                dashboard, self._bokeh = None, False
            self.cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=dashboard, silence_logs=40)
            self.client = Client(self.cluster)
            self.client.register_plugin(_ignore_sigint_plugin())
        else:
            if "://" not in address and ":" not in address:
                raise InvalidInput("dask", "a scheduler address host:port or tcp://host:port, or 'local'", repr(address))
            try:
                self.client = Client(address, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise InvalidInput("dask", "a reachable Dask scheduler", f"{address!r}: {exc}") from None
        self.workers = len(self.client.scheduler_info().get("workers", {}))
        self.dashboard = self._dashboard()

    def _dashboard(self) -> str | None:
        """The dashboard's address if the scheduler serves one, else None.  Without bokeh a
        LocalCluster still answers HTTP on its dashboard port, but with no status page."""
        if self.cluster is not None and not self._bokeh:
            return None
        try:
            if "dashboard" not in self.client.scheduler_info().get("services", {}):
                return None
            return self.client.dashboard_link or None
        except Exception:
            return None

    def run(self, fn: Callable[[dict], dict], cells: list[dict]) -> Iterator[tuple[dict, dict]]:
        from distributed import as_completed

        futures = {}
        for cell in cells:
            fut = self.client.submit(fn, cell, key=f"qnnsym-cell-{cell['key']}", pure=False, retries=0)
            futures[fut.key] = (fut, cell)
        seen = set()
        for fut in as_completed([f for f, _c in futures.values()]):
            _f, cell = futures[fut.key]
            if fut.key in seen:  # never two rows for one task
                continue
            seen.add(fut.key)
            try:
                row = fut.result()
            except Exception as exc:  # KilledWorker, a lost scheduler connection...
                row = _lost_row(cell, " ".join(f"{type(exc).__name__}: {exc}".split())[:500])
            fut.release()
            yield cell, row

    def close(self, cancel: bool = False) -> None:
        """Close the client (and the LocalCluster this executor started)."""
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def make_executor(*, serial: bool = False, dask: str | None = None, workers: int | None = None):
    """The executor the command line asks for: ``serial``, ``dask`` (address or ``"local"``) or
    the local process pool (the default).

    >>> make_executor(serial=True).name
    'serial'
    >>> make_executor(workers=2).workers
    2
    """
    if not isinstance(serial, bool):
        raise InvalidInput("serial", "True or False", describe(serial))
    if serial and dask is not None:
        raise InvalidInput("serial", "not together with dask", f"serial=True and dask={dask!r}")
    if serial:
        _workers_arg(workers)
        return SerialExecutor()
    if dask is not None:
        return DaskExecutor(dask, workers)
    return PoolExecutor(workers)

