"""Sweeps over parameter grids: ``qnnsym sweep SPEC`` (issue 8).

A sweep runs one experiment (E1-E4 of SPEC section 4, a user function ``module:function``, or a
theorem's hypothesis property under many seeds) over the cartesian product of a parameter grid
and a list of seeds.  Every (grid point, seed) is a pure, seeded task; its row goes to an
append-only journal as soon as it finishes, and the tidy table (``table.csv``, and
``table.parquet`` with pyarrow) is made from the journal in a canonical order.  Cells run in
this process, on a local process pool (the default) or on Dask distributed.  See docs/sweep.md.

>>> from qnnsym.sweep import parse_spec
>>> len(parse_spec({"experiment": "E2", "seeds": 3, "grid": {"p": [8, 16], "d": 4}}).cells())
6
"""

from .campaign import falsifying_example, property_task, reproduce_command, reproduce_property, theorem_ids
from .executors import DaskExecutor, PoolExecutor, SerialExecutor, default_workers, make_executor
from .progress import Progress, format_seconds
from .runner import SweepResult, pending_cells, run_sweep, summary_lines
from .spec import EXPERIMENT_PARAMS, QUANTITIES, SweepSpec, cell_key, load_spec, package_version, parse_spec
from .store import Journal, apply_record, flat_row, latest_rows, read_journal, read_table_csv, table_columns, write_tables
from .tasks import call_user_function, measure_dense, run_cell, versions_row

__all__ = [
    "EXPERIMENT_PARAMS",
    "QUANTITIES",
    "SweepSpec",
    "parse_spec",
    "load_spec",
    "cell_key",
    "package_version",
    "run_cell",
    "measure_dense",
    "call_user_function",
    "versions_row",
    "Journal",
    "read_journal",
    "latest_rows",
    "apply_record",
    "flat_row",
    "table_columns",
    "write_tables",
    "read_table_csv",
    "SerialExecutor",
    "PoolExecutor",
    "DaskExecutor",
    "make_executor",
    "default_workers",
    "Progress",
    "format_seconds",
    "SweepResult",
    "run_sweep",
    "pending_cells",
    "summary_lines",
    "theorem_ids",
    "property_task",
    "reproduce_property",
    "reproduce_command",
    "falsifying_example",
]
