"""The local pool after a suspect cell: the one-process pool it ran in is not kept."""

from __future__ import annotations

from qnnsym.sweep import PoolExecutor, parse_spec
from qnnsym.sweep.tasks import run_cell


def test_a_reused_pool_has_all_its_workers_again_after_a_suspect_cell(tmp_path):
    ex = PoolExecutor(2)
    try:
        spec = parse_spec({"experiment": "sweep_helpers:dies_twice", "grid": {"x": 5, "counter": str(tmp_path / "n")}})
        rows = [row for _cell, row in ex.run(run_cell, spec.cells())]
        # two deaths made it a suspect; its third attempt ran alone (in a one-process pool) and succeeded
        assert [r["status"] for r in rows] == ["ok"] and rows[0]["measured"]["y"] == 5.0
        assert (tmp_path / "n").read_text().count("call") == 3
        assert ex.pool_size in (0, 2)  # the one-process pool is gone (0: the next run builds the full pool)
        more = parse_spec({"experiment": "sweep_helpers:square", "grid": {"x": [1, 2, 3]}})
        assert sorted(row["measured"]["y"] for _c, row in ex.run(run_cell, more.cells())) == [1.0, 4.0, 9.0]
        assert ex.pool_size == 2
    finally:
        ex.close()
