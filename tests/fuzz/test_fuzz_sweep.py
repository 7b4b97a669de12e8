"""Fuzz qnnsym.sweep: hostile specs and arguments to every public function raise InvalidInput
naming the key or argument (never a bare TypeError/KeyError or a traceback from deep inside)."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import WRONG_TYPE, bad_positive_int, bad_text, expect_invalid
from qnnsym import sweep
from qnnsym.sweep import (DaskExecutor, Journal, PoolExecutor, Progress, SweepResult, apply_record, call_user_function, cell_key,
                          falsifying_example, flat_row, format_seconds, latest_rows, load_spec, make_executor,
                          measure_dense, parse_spec, pending_cells, property_task, read_journal, read_table_csv,
                          reproduce_command, reproduce_property, run_cell, run_sweep, summary_lines, table_columns,
                          write_tables)

_GOOD_CELL = {"experiment": "E4", "params": {"d": 4, "p": 8, "m": 2}, "seed": 0, "record": None, "version": "0", "key": "k"}
_SPEC = parse_spec({"experiment": "E4", "grid": {"d": 4, "p": 8, "m": 2, "t_final": 1.0, "dt": 0.1}})
_NOT_A_NUMBER = st.one_of(st.text(max_size=3), st.none(), st.just({"a": 1}), st.just([None]), st.just([]))


@settings(deadline=None)
@given(key=st.sampled_from(["d", "p", "m"]), value=bad_positive_int())
def test_bad_integer_grid_values_name_the_key(key, value):
    expect_invalid("sweep.parse_spec", f"grid.{key}", parse_spec, {"experiment": "E1", "grid": {key: value}})


@settings(deadline=None)
@given(key=st.sampled_from(["c", "eta", "t_final", "dt", "gamma"]),
       value=st.one_of(st.floats(max_value=0.0), st.just(math.inf), st.just(math.nan), _NOT_A_NUMBER, st.booleans()))
def test_bad_real_grid_values_name_the_key(key, value):
    expect_invalid("sweep.parse_spec", re.compile(rf"grid\.{key}(\[0\])?"), parse_spec, {"experiment": "E3", "grid": {key: value}})


@settings(deadline=None)
@given(key=st.text(min_size=1, max_size=8).filter(lambda k: k not in ("experiment", "name", "seeds", "record", "grid", "property")))
def test_unknown_top_level_keys_are_rejected_by_name(key):
    expect_invalid("sweep.parse_spec", key, parse_spec, {"experiment": "E1", key: 1})


@pytest.mark.parametrize("name", ["seed", "status", "error", "key", "worker", "runtime_s", "experiment", "numpy_version"])
def test_grid_names_that_are_table_columns_are_refused(name):
    expect_invalid("sweep.parse_spec", f"grid.{name}", parse_spec, {"experiment": "builtins:dict", "grid": {name: [1]}})


@settings(deadline=None)
@given(seeds=st.one_of(st.integers(max_value=0), st.floats(), st.text(max_size=3), st.none(), st.just([]), st.booleans()))
def test_bad_seed_counts(seeds):
    expect_invalid("sweep.parse_spec", "seeds", parse_spec, {"experiment": "E1", "seeds": seeds})


@settings(deadline=None)
@given(seed=st.one_of(st.integers(min_value=2**64, max_value=2**80), st.integers(max_value=-1)),
       where=st.integers(0, 2))
def test_seeds_outside_0_to_2_64_are_refused_in_the_spec(seed, where):
    """A seed a property cell could not use (hypothesis takes 0 <= seed < 2**64) is a spec error,
    not a failed cell at run time."""
    seeds = [1, 2, 3]
    seeds[where] = seed
    expect_invalid("sweep.parse_spec", f"seeds[{where}]", parse_spec, {"experiment": "E1", "seeds": seeds})


def test_the_largest_seed_is_accepted():
    assert parse_spec({"experiment": "E1", "seeds": [2**64 - 1]}).seeds == (2**64 - 1,)


@settings(deadline=None)
@given(spec=st.one_of(WRONG_TYPE, st.lists(st.integers(), max_size=2), st.just({})))
def test_a_spec_that_is_not_a_table(spec):
    if spec == {}:
        expect_invalid("sweep.parse_spec", "experiment", parse_spec, spec)
    elif isinstance(spec, dict):  # WRONG_TYPE's table {"a": 1}: its unknown key is named before the missing experiment
        expect_invalid("sweep.parse_spec", "a", parse_spec, spec)
    else:
        expect_invalid("sweep.parse_spec", "spec", parse_spec, spec)


@settings(deadline=None)
@given(experiment=st.one_of(bad_text(), st.sampled_from(["", "E5", "e1", "mod:", ":f", "a:b:c", "1x:f", "os.path:nope_zz"])))
def test_bad_experiments(experiment):
    expect_invalid("sweep.parse_spec", "experiment", parse_spec, {"experiment": experiment})


def test_load_spec_paths(tmp_path):
    expect_invalid("sweep.load_spec", "spec", load_spec, 3)
    expect_invalid("sweep.load_spec", "spec", load_spec, "")
    expect_invalid("sweep.load_spec", "spec", load_spec, tmp_path / "x.json")
    expect_invalid("sweep.load_spec", "spec", load_spec, tmp_path / "absent.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    expect_invalid("sweep.load_spec", "spec", load_spec, tmp_path / "bin.toml")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    expect_invalid("sweep.load_spec", "spec", load_spec, tmp_path / "list.yaml")
    (tmp_path / "bad.yaml").write_text("a: [1,\n")
    expect_invalid("sweep.load_spec", "spec", load_spec, tmp_path / "bad.yaml")


def test_cell_key_arguments():
    expect_invalid("sweep.cell_key", "experiment", cell_key, "", {}, 0, "v")
    expect_invalid("sweep.cell_key", "params", cell_key, "E1", [], 0, "v")
    expect_invalid("sweep.cell_key", "params", cell_key, "E1", {"x": math.nan}, 0, "v")
    expect_invalid("sweep.cell_key", "params", cell_key, "E1", {"x": object()}, 0, "v")
    for seed in (-1, 1.0, True, "0", None):
        expect_invalid("sweep.cell_key", "seed", cell_key, "E1", {}, seed, "v")
    expect_invalid("sweep.cell_key", "version", cell_key, "E1", {}, 0, 1)


def test_run_cell_and_measure_dense_arguments():
    expect_invalid("sweep.run_cell", "cell", run_cell, [1])
    for k in ("experiment", "params", "seed", "record", "version", "key"):
        expect_invalid("sweep.run_cell", f"cell.{k}", run_cell, {kk: v for kk, v in _GOOD_CELL.items() if kk != k})
    expect_invalid("sweep.run_cell", "cell.params", run_cell, {**_GOOD_CELL, "params": [1]})
    expect_invalid("sweep.run_cell", "cell.record", run_cell, {**_GOOD_CELL, "record": "final_loss"})
    expect_invalid("sweep.measure_dense", "experiment", measure_dense, "E5", {}, 0)
    expect_invalid("sweep.measure_dense", "params", measure_dense, "E1", None, 0)
    expect_invalid("sweep.measure_dense", "params.q", measure_dense, "E1", {"q": 1}, 0)
    expect_invalid("sweep.measure_dense", "params.d", measure_dense, "E1", {"d": math.nan}, 0)
    expect_invalid("sweep.measure_dense", "params.eta", measure_dense, "E1", {"c": 1.0, "eta": 0.1}, 0)
    expect_invalid("sweep.measure_dense", "seed", measure_dense, "E1", {"d": 4}, -3)
    expect_invalid("sweep.measure_dense", "params.m", measure_dense, "E1", {"d": 4, "m": 6}, 0)
    expect_invalid("sweep.measure_dense", "params.d", measure_dense, "E1", {"d": 10**5, "p": 8}, 0)


def test_call_user_function_arguments():
    expect_invalid("sweep.call_user_function", "experiment", call_user_function, "nocolon", {}, 0)
    expect_invalid("sweep.call_user_function", "experiment", call_user_function, "zz_absent_mod:f", {}, 0)
    expect_invalid("sweep.call_user_function", "params", call_user_function, "builtins:dict", [("a", 1)], 0)
    expect_invalid("sweep.call_user_function", "result", call_user_function, "types:SimpleNamespace", {}, 0)
    expect_invalid("sweep.call_user_function", "result.x", call_user_function, "builtins:dict", {"x": [1]}, 0)
    expect_invalid("sweep.call_user_function", "result.seed", call_user_function, "builtins:dict", {}, 0)


def test_store_arguments(tmp_path):
    (tmp_path / "f").write_text("")
    expect_invalid("sweep.Journal", "out", Journal, tmp_path / "f")
    expect_invalid("sweep.Journal", "out", Journal, 7)
    j = Journal(tmp_path / "j")
    expect_invalid("sweep.Journal.append", "row", j.append, "x")
    expect_invalid("sweep.Journal.append", "row.key", j.append, {"experiment": "E1"})
    good = {"key": "", "experiment": "E1", "params": {}, "seed": 0, "status": "ok", "error": "", "measured": {},
            "versions": {}, "runtime_s": 0.0, "worker": ""}
    expect_invalid("sweep.Journal.append", "row.key", j.append, good)
    expect_invalid("sweep.read_journal", "path", read_journal, 3)
    (tmp_path / "j2.jsonl").write_text("[1, 2]\n")
    expect_invalid("sweep.read_journal", "journal", read_journal, tmp_path / "j2.jsonl")
    expect_invalid("sweep.latest_rows", "rows", latest_rows, [{"no": "key"}])
    expect_invalid("sweep.flat_row", "row", flat_row, None)
    for rec in ("y", [1], {"y": 1}, 3):
        expect_invalid("sweep.apply_record", "record", apply_record, {"key": "a", "measured": {}}, rec)
    expect_invalid("sweep.apply_record", "row", apply_record, ["key"], None)
    expect_invalid("sweep.apply_record", "row.measured", apply_record, {"key": "a", "measured": [1]}, None)
    expect_invalid("sweep.write_tables", "record", write_tables, [{"key": "a"}], tmp_path / "t", record="y")
    expect_invalid("sweep.write_tables", "ordered", write_tables, [], tmp_path / "t", ordered="yes")
    expect_invalid("sweep.table_columns", "rows", table_columns, "rows")
    expect_invalid("sweep.write_tables", "rows", write_tables, ({"key": "a"},), tmp_path / "t")
    expect_invalid("sweep.write_tables", "out", write_tables, [], None)
    expect_invalid("sweep.read_table_csv", "path", read_table_csv, tmp_path / "none.csv")


def test_executor_and_progress_arguments():
    for w in (0, -1, 1.5, True, "2", 10**6):
        expect_invalid("sweep.PoolExecutor", "workers", PoolExecutor, w)
        expect_invalid("sweep.make_executor", "workers", make_executor, workers=w)
    expect_invalid("sweep.make_executor", "serial", make_executor, serial="yes")
    expect_invalid("sweep.make_executor", "serial", make_executor, serial=True, dask="local")
    for a in ("", "   ", 5, None):
        expect_invalid("sweep.DaskExecutor", "dask", DaskExecutor, a)
    expect_invalid("sweep.DaskExecutor", "dask", DaskExecutor, "nohostnoport")
    for t in (-1, 1.5, True, "3"):
        expect_invalid("sweep.Progress", "total", Progress, t)
    for i in (-1.0, math.inf, math.nan, "1"):
        expect_invalid("sweep.Progress", "interval", Progress, 3, interval=i)
    for s in (-1, math.nan, "1", None, True):
        expect_invalid("sweep.format_seconds", "seconds", format_seconds, s)


def test_runner_arguments(tmp_path):
    expect_invalid("sweep.run_sweep", "spec", run_sweep, {"experiment": "E1"}, tmp_path)
    expect_invalid("sweep.run_sweep", "out", run_sweep, _SPEC, 3.0)
    expect_invalid("sweep.run_sweep", "executor", run_sweep, _SPEC, tmp_path, executor="threads")
    expect_invalid("sweep.run_sweep", "executor", run_sweep, _SPEC, tmp_path, executor="dask:")
    expect_invalid("sweep.run_sweep", "executor", run_sweep, _SPEC, tmp_path, executor=object())
    expect_invalid("sweep.run_sweep", "progress", run_sweep, _SPEC, tmp_path, progress=5)
    expect_invalid("sweep.run_sweep", "parquet", run_sweep, _SPEC, tmp_path, parquet="no")
    for r in ("yes", 1, None):
        expect_invalid("sweep.run_sweep", "rerun", run_sweep, _SPEC, tmp_path, rerun=r)
    expect_invalid("sweep.run_sweep", "workers", run_sweep, _SPEC, tmp_path, workers=0)
    expect_invalid("sweep.pending_cells", "spec", pending_cells, None, Journal(tmp_path))
    expect_invalid("sweep.pending_cells", "journal", pending_cells, _SPEC, str(tmp_path))
    res = SweepResult(0, 0, 0, 0, 0, 0.0)
    expect_invalid("sweep.summary_lines", "result", summary_lines, None, _SPEC)
    expect_invalid("sweep.summary_lines", "spec", summary_lines, res, None)


def test_campaign_arguments():
    for t in ("", 3, None, "S99"):
        expect_invalid("sweep.property_task", "target", property_task, t, 5, 0)
        expect_invalid("sweep.reproduce_property", "target", reproduce_property, t, seed=0, examples=5)
    for n in (0, -1, 2.0, True, 10**6):
        expect_invalid("sweep.property_task", "examples", property_task, "S13", n, 0)
        expect_invalid("sweep.reproduce_command", "examples", reproduce_command, "S13", 0, n)
    for s in (-1, 2**64, 1.0, "3", None):
        expect_invalid("sweep.property_task", "seed", property_task, "S13", 5, s)
        expect_invalid("sweep.reproduce_property", "seed", reproduce_property, "S13", seed=s, examples=5)
    expect_invalid("sweep.reproduce_command", "target", reproduce_command, "", 0, 5)
    expect_invalid("sweep.falsifying_example", "exc", falsifying_example, "boom")


def test_every_public_name_is_fuzzed_here():
    """A new public function must get hostile cases in this file."""
    import inspect
    import pathlib

    text = pathlib.Path(__file__).read_text()
    callables = [n for n in sweep.__all__ if inspect.isroutine(getattr(sweep, n)) or inspect.isclass(getattr(sweep, n))]
    no_arguments = {"package_version", "versions_row", "default_workers", "theorem_ids", "SerialExecutor",
                    "SweepSpec", "SweepResult"}
    missing = [n for n in callables if n not in no_arguments and f'"sweep.{n}' not in text]
    assert not missing, missing


@pytest.mark.parametrize("argv, names", [
    (["sweep"], "SPEC|spec"),
    (["sweep", "absent.toml"], "spec"),
    (["sweep", "x.json"], "spec"),
    (["sweep", "s.toml", "--workers", "0"], "--workers"),
    (["sweep", "s.toml", "--workers", "two"], "--workers"),
    (["sweep", "s.toml", "--serial", "--dask", "local"], "--dask|--serial"),
    (["sweep", "s.toml", "--dask"], "--dask"),
    (["sweep", "s.toml", "--serial", "--workers", "3"], "--workers"),
    (["sweep", "s.toml", "--dask", "tcp://127.0.0.1:1", "--workers", "3"], "--workers"),
])
def test_cli_sweep_hostile_arguments_exit_2_with_one_line(tmp_path, monkeypatch, capsys, argv, names):
    import re as _re

    from qnnsym.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text('experiment = "E4"\n[grid]\nd = 4\np = 8\nm = 2\n')
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("qnnsym: error: "), (code, err)
    assert _re.search(names, lines[0]), lines[0]
    assert not (tmp_path / "sweeps").exists()  # nothing was written
