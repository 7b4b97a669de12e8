"""The sweep specification: a small TOML (or YAML) file naming an experiment, a grid and seeds.

A spec is a table with these keys (every other key is refused)::

    experiment = "E1"          # E1, E2, E3, E4 (SPEC section 4), "property", or "package.module:function"
    name = "e1-small"          # optional; shown in the summary
    seeds = 3                  # N (seeds 0 .. N-1) or an explicit list of integers in [0, 2**64)
    record = ["final_loss", "exponent"]   # optional subset of the experiment's quantities

    [grid]                     # the cells: the cartesian product of these lists (a scalar is one value)
    d = [4, 8]
    p = [16, 64]
    t_final = 20.0

    [property]                 # only with experiment = "property"
    theorem = "S13"            # a theorem id of ``qnnsym verify --list`` ...
    # target = "pkg.mod:fn"    # ... or a callable(max_examples) -> examples run (uses run_property)
    examples = 50              # hypothesis examples per seed

Every value is checked before any cell runs; errors name the key (``grid.d``, ``seeds[2]``...),
what was expected and what came.  Cells a dense run cannot finish (the model's
``(p + 1) d^2`` complex entries beyond ``DENSE_MODEL_MAX_BYTES``, more than ``MAX_STEPS`` time
steps) are refused up front with :class:`~qnnsym.errors.TooLarge`.

>>> spec = parse_spec({"experiment": "E1", "seeds": 2, "grid": {"d": [4], "p": [8, 16], "t_final": 2.0}})
>>> len(spec.cells())
4
>>> spec.cells()[0]["params"]
{'c': 1.0, 'd': 4, 'dt': 0.05, 'm': 4, 'p': 8, 't_final': 2.0}
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, TooLarge
from ..validate import describe

__all__ = ["SweepSpec", "parse_spec", "load_spec", "EXPERIMENT_PARAMS", "QUANTITIES", "cell_key", "package_version"]

#: Largest number of cells (grid points x seeds) one spec may describe.
MAX_CELLS = 1_000_000
#: Largest number of seeds of one spec.
MAX_SEEDS = 1_000_000
#: Seeds are below this bound (``hypothesis.seed`` of a property cell takes ``0 <= seed < 2**64``),
#: checked in the spec so a bad seed is an error before anything runs, not a failed cell.
MAX_SEED = 2**64

_DENSE_COMMON = {"d": ("int", 8), "p": ("int", 256), "m": ("int", 4), "c": ("real", 1.0), "eta": ("real", None),
                 "t_final": ("real", 200.0), "dt": ("real", 0.05)}

#: Parameters of each built-in experiment: name -> (kind, default); ``None`` default = optional.
EXPERIMENT_PARAMS: dict[str, dict[str, tuple[str, Any]]] = {
    "E1": dict(_DENSE_COMMON),
    "E2": {**_DENSE_COMMON, "t_final": ("real", 10.0)},
    "E3": {**_DENSE_COMMON, "gamma": ("real", 1.0)},
    "E4": {**_DENSE_COMMON, "t_final": ("real", 100.0)},
    "property": {},
}

_RUN = ("final_loss", "initial_loss", "eta", "kappa")
_FIT = ("kind", "rate", "exponent")
#: Measured quantities of each built-in experiment (the columns ``record`` may choose from).
QUANTITIES: dict[str, tuple[str, ...]] = {
    "E1": _RUN + _FIT + ("min_ratio_to_bound", "kernel_deviation", "theta_drift"),
    "E2": _RUN + ("flow_final_loss", "sup_error"),
    "E3": _RUN + _FIT + ("t_final_used", "flow_final_loss", "flow_kind", "flow_rate", "flow_exponent"),
    "E4": _RUN + _FIT + ("kernel_deviation", "theta_drift"),
    "property": ("examples", "falsified", "failure", "falsifying_example", "reproduce"),
}

#: Column names of the table that parameters and user quantities may not take (nor ``*_version``).
RESERVED = ("experiment", "seed", "status", "error", "runtime_s", "worker", "key")


def is_table_column(name: str) -> bool:
    """Whether ``name`` is a fixed column of the table (:data:`RESERVED` or a ``*_version`` column),
    which a grid parameter or a user function's quantity may not be called.

    >>> is_table_column("seed"), is_table_column("numpy_version"), is_table_column("x")
    (True, True, False)
    """
    return name in RESERVED or name.endswith("_version")

_TOP_KEYS = ("experiment", "name", "seeds", "record", "grid", "property")
_PROPERTY_KEYS = ("theorem", "target", "examples")


def package_version() -> str:
    """The installed qnnsym version (part of every cell's key).

    >>> isinstance(package_version(), str)
    True
    """
    import importlib.metadata as md

    try:
        return md.version("qnnsym")
    except md.PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
        return "unknown"


def cell_key(experiment: str, params: dict, seed: int, version: str) -> str:
    """A stable 16-hex-digit key of one cell: a hash of (experiment, params, seed, qnnsym version).

    >>> cell_key("E1", {"d": 4, "p": 8}, 0, "0.1.0") == cell_key("E1", {"p": 8, "d": 4}, 0, "0.1.0")
    True
    >>> cell_key("E1", {"d": 4}, 0, "0.1.0") == cell_key("E1", {"d": 4}, 1, "0.1.0")
    False
    """
    if not isinstance(experiment, str) or not experiment:
        raise InvalidInput("experiment", "a non-empty string", describe(experiment))
    if not isinstance(params, dict):
        raise InvalidInput("params", "a dict of parameter values", describe(params))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InvalidInput("seed", "a non-negative integer", describe(seed))
    if not isinstance(version, str):
        raise InvalidInput("version", "a version string", describe(version))
    try:
        text = json.dumps({"experiment": experiment, "params": params, "seed": int(seed), "version": version},
                          sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("params", "finite scalars (int, float, str, bool)", f"{params!r} ({exc})") from None
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: experiment, grid (name -> tuple of values), seeds and recorded quantities.

    ``cells()`` lists the plain-dict tasks in the canonical order (grid in key order, seeds
    innermost); each has ``experiment``, ``params``, ``seed``, ``record``, ``version``, ``key``.
    The key leaves ``record`` out on purpose: a cell's row holds every quantity the task measures
    and ``record`` only chooses the table's columns when the table is written.
    """

    experiment: str
    grid: dict = field(default_factory=dict)
    seeds: tuple = (0,)
    record: tuple | None = None
    name: str = ""
    property_target: str = ""
    examples: int = 0

    def cells(self) -> list[dict]:
        """Every (grid point, seed) as a picklable dict, in canonical order."""
        version = package_version()
        names = sorted(self.grid)
        out = []
        for values in itertools.product(*(self.grid[n] for n in names)):
            params = dict(zip(names, values))
            if self.experiment == "property":
                params = {"target": self.property_target, "examples": self.examples}
            for seed in self.seeds:
                out.append({"experiment": self.experiment, "params": params, "seed": seed,
                            "record": list(self.record) if self.record is not None else None,
                            "version": version, "key": cell_key(self.experiment, params, seed, version)})
        return out


# -- checks ----------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, numbers.Integral)


def _is_real(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, numbers.Real)


def _scalar(key: str, v: Any) -> Any:
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if _is_int(v):
        return int(v)
    if _is_real(v):
        if not math.isfinite(float(v)):
            raise InvalidInput(key, "a finite number", describe(v))
        return float(v)
    raise InvalidInput(key, "a scalar (int, float, str or bool)", describe(v))


def _typed(key: str, v: Any, kind: str, name: str) -> Any:
    if kind == "int":
        if not _is_int(v) or v < 1:
            raise InvalidInput(key, "a positive integer", describe(v))
        v = int(v)
        if name == "d" and v < 2:
            raise InvalidInput(key, "a dimension >= 2", describe(v))
        return v
    if not _is_real(v) or not math.isfinite(float(v)) or float(v) <= 0:
        raise InvalidInput(key, "a finite real number > 0", describe(v))
    v = float(v)
    if name == "gamma" and v < 1:
        raise InvalidInput(key, "gamma >= 1 (E3's horizon 25 / (gamma^2 - 1) needs it)", describe(v))
    return v


def _user_function(key: str, text: str):
    """Import ``package.module:function`` (refused with InvalidInput naming ``key``)."""
    if not isinstance(text, str) or text.count(":") != 1:
        raise InvalidInput(key, "'package.module:function'", describe(text))
    mod_name, fn_name = text.split(":")
    if not all(part.isidentifier() for part in mod_name.split(".")) or not fn_name.isidentifier():
        raise InvalidInput(key, "'package.module:function' of Python identifiers", repr(text))
    try:
        module = importlib.import_module(mod_name)
    except Exception as exc:  # ImportError or an error raised while importing the user's module
        raise InvalidInput(key, f"an importable module {mod_name!r} (installed, on PYTHONPATH, or in the current "
                                f"folder with python -m qnnsym)", f"{type(exc).__name__}: {exc}") from None
    fn = getattr(module, fn_name, None)
    if not callable(fn):
        raise InvalidInput(key, f"a function {fn_name!r} in {mod_name}", describe(fn))
    return fn


def _seeds(v: Any) -> tuple:
    if _is_int(v):
        if not 1 <= v <= MAX_SEEDS:
            raise InvalidInput("seeds", f"a number of seeds in [1, {MAX_SEEDS}] or a list of seeds", describe(v))
        return tuple(range(int(v)))
    if isinstance(v, (list, tuple)) and v:
        out = []
        for i, s in enumerate(v):
            if not _is_int(s) or not 0 <= s < MAX_SEED:
                raise InvalidInput(f"seeds[{i}]", "an integer seed in [0, 2**64)", describe(s))
            out.append(int(s))
        dup = sorted({s for s in out if out.count(s) > 1})
        if dup:
            raise InvalidInput("seeds", "distinct seeds", f"duplicates {dup}")
        return tuple(out)
    raise InvalidInput("seeds", "a positive integer N or a non-empty list of integers in [0, 2**64)", describe(v))


def _check_size(experiment: str, params: dict, prefix: str = "grid") -> None:
    """Refuse a cell the dense simulator cannot finish, before anything runs."""
    from ..model.builders import DENSE_MODEL_MAX_BYTES
    from ..numeric.stability import MAX_STEPS

    d, p, m = params["d"], params["p"], params["m"]
    if m > d:
        raise InvalidInput(f"{prefix}.m", "at most d orthonormal inputs (m <= d)", f"m = {m} with d = {d}")
    need = (p + 1) * d * d * 16
    if need > DENSE_MODEL_MAX_BYTES:
        raise TooLarge(f"{prefix}.d", f"(p + 1) d^2 complex entries within DENSE_MODEL_MAX_BYTES = {DENSE_MODEL_MAX_BYTES} bytes",
                       f"d = {d}, p = {p} ({need:.3g} bytes); use a user function with a circuit model for large registers")
    dt = params["dt"]
    if experiment == "E3" and params.get("gamma", 1.0) > 1.0:
        dt = dt / params["gamma"] ** 2  # E3 steps with dt / gamma^2
    steps = params["t_final"] / dt
    if not steps <= MAX_STEPS:
        raise TooLarge(f"{prefix}.dt", f"at most MAX_STEPS = {MAX_STEPS} steps (t_final / dt) per cell",
                       f"t_final / dt = {steps:.3g}; use a larger dt or a shorter t_final")


def parse_spec(data: Any) -> SweepSpec:
    """Validate a spec given as a dict (the parsed TOML/YAML) and return a :class:`SweepSpec`.

    Unknown keys, wrong types, non-finite numbers, empty grids and oversized cells raise
    :class:`~qnnsym.errors.InvalidInput` naming the key.

    >>> parse_spec({"experiment": "E3", "grid": {"gamma": [1.0, 2.0], "p": 8, "d": 4}}).grid["gamma"]
    (1.0, 2.0)
    >>> parse_spec({"experiment": "E9"})
    Traceback (most recent call last):
    ...
    qnnsym.errors.InvalidInput: experiment: expected E1, E2, E3, E4, 'property' or 'package.module:function', got 'E9'
    """
    if not isinstance(data, dict):
        raise InvalidInput("spec", "a table of keys (experiment, seeds, grid, ...)", describe(data))
    for k in data:
        if k not in _TOP_KEYS:
            raise InvalidInput(str(k), f"no such key (allowed: {', '.join(_TOP_KEYS)})", f"{k!r} = {describe(data[k])}")
    if "experiment" not in data:
        raise InvalidInput("experiment", "E1, E2, E3, E4, 'property' or 'package.module:function'", "nothing (the key is missing)")
    experiment = data["experiment"]
    if not isinstance(experiment, str) or not experiment:
        raise InvalidInput("experiment", "E1, E2, E3, E4, 'property' or 'package.module:function'", describe(experiment))
    builtin = experiment in EXPERIMENT_PARAMS
    if not builtin:
        if ":" not in experiment:
            raise InvalidInput("experiment", "E1, E2, E3, E4, 'property' or 'package.module:function'", repr(experiment))
        _user_function("experiment", experiment)
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InvalidInput("name", "a string", describe(name))
    seeds = _seeds(data.get("seeds", 1))

    grid_in = data.get("grid", {})
    if not isinstance(grid_in, dict):
        raise InvalidInput("grid", "a table of parameter -> list of values", describe(grid_in))
    grid: dict[str, tuple] = {}
    if experiment == "property" and grid_in:
        raise InvalidInput("grid", "no grid for a property campaign (its cells are the seeds)", describe(grid_in))
    allowed = EXPERIMENT_PARAMS.get(experiment)
    for pname, values in grid_in.items():
        key = f"grid.{pname}"
        if not isinstance(pname, str) or not pname.isidentifier() or is_table_column(pname):
            raise InvalidInput(key, f"a parameter name (an identifier, not a table column: {', '.join(RESERVED)}, "
                                    f"*_version)", repr(pname))
        if allowed is not None and pname not in allowed:
            raise InvalidInput(key, f"a parameter of {experiment} ({', '.join(allowed)})", repr(pname))
        vals = list(values) if isinstance(values, (list, tuple)) else [values]
        if not vals:
            raise InvalidInput(key, "a non-empty list of values", "[]")
        checked = []
        for i, v in enumerate(vals):
            vkey = f"{key}[{i}]" if isinstance(values, (list, tuple)) else key
            checked.append(_typed(vkey, v, allowed[pname][0], pname) if allowed is not None else _scalar(vkey, v))
        if len(set(map(repr, checked))) != len(checked):
            raise InvalidInput(key, "distinct values", repr(checked))
        grid[pname] = tuple(checked)
    if builtin and experiment != "property":
        if "c" in grid and "eta" in grid:
            raise InvalidInput("grid.eta", "either c or eta, not both (eta = c / kappa)", "both")
        for pname, (_kind, default) in EXPERIMENT_PARAMS[experiment].items():
            if pname not in grid and default is not None and not (pname == "c" and "eta" in grid):
                grid[pname] = (default,)

    record = data.get("record")
    if record is not None:
        if isinstance(record, str) or not isinstance(record, (list, tuple)) or not record:
            raise InvalidInput("record", "a non-empty list of quantity names", describe(record))
        known = QUANTITIES.get(experiment)
        for i, q in enumerate(record):
            if not isinstance(q, str) or not q:
                raise InvalidInput(f"record[{i}]", "a quantity name (string)", describe(q))
            if known is not None and q not in known:
                raise InvalidInput(f"record[{i}]", f"one of {experiment}'s quantities ({', '.join(known)})", repr(q))
        if len(set(record)) != len(record):
            raise InvalidInput("record", "distinct names", repr(list(record)))
        record = tuple(record)

    target, examples = "", 0
    prop = data.get("property")
    if experiment == "property":
        if not isinstance(prop, dict):
            raise InvalidInput("property", "a table with theorem (or target) and examples", describe(prop))
        for k in prop:
            if k not in _PROPERTY_KEYS:
                raise InvalidInput(f"property.{k}", f"no such key (allowed: {', '.join(_PROPERTY_KEYS)})", repr(k))
        if ("theorem" in prop) == ("target" in prop):
            raise InvalidInput("property.theorem", "exactly one of property.theorem and property.target",
                               "both" if "theorem" in prop else "neither")
        if "theorem" in prop:
            from .campaign import theorem_ids

            target = prop["theorem"]
            ids = theorem_ids()
            if not isinstance(target, str) or target not in ids:
                raise InvalidInput("property.theorem", f"a theorem with a property ({', '.join(ids)})", describe(target))
        else:
            target = prop["target"]
            _user_function("property.target", target)
        examples = prop.get("examples", 50)
        if not _is_int(examples) or not 1 <= examples <= 100_000:
            raise InvalidInput("property.examples", "a positive integer <= 100000", describe(examples))
        examples = int(examples)
    elif prop is not None:
        raise InvalidInput("property", "no [property] table unless experiment = 'property'", describe(prop))

    n_cells = len(seeds) * math.prod(len(v) for v in grid.values())
    if n_cells > MAX_CELLS:
        raise TooLarge("grid", f"at most MAX_CELLS = {MAX_CELLS} cells (grid points x seeds)",
                       f"{n_cells} cells; split the sweep into several specs")
    spec = SweepSpec(experiment, grid, seeds, record, name, target, examples)
    if builtin and experiment != "property":
        names = sorted(grid)
        for values in itertools.product(*(grid[n] for n in names)):
            _check_size(experiment, {"c": 1.0, **dict(zip(names, values))})
    return spec


def load_spec(path: str | Path) -> SweepSpec:
    """Read a ``.toml`` (tomllib) or ``.yaml``/``.yml`` (PyYAML, if installed) spec file and validate it.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = f.write_text('experiment = "E4"\\nseeds = [3]\\n[grid]\\nd = 4\\np = [8]\\n')
    >>> load_spec(f).seeds
    (3,)
    """
    if not isinstance(path, (str, Path)) or not str(path):
        raise InvalidInput("spec", "a path to a .toml or .yaml file", describe(path))
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise InvalidInput("spec", "a file ending in .toml, .yaml or .yml", repr(str(path)))
    if not p.is_file():
        raise InvalidInput("spec", "an existing spec file", repr(str(path)))
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput("spec", "a readable UTF-8 file", f"{type(exc).__name__}: {exc}") from None
    if suffix == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput("spec", "valid TOML", f"{exc} in {p.name}") from None
    else:
        try:
            import yaml
        except ImportError:
            raise InvalidInput("spec", "PyYAML to read a YAML spec (pip install pyyaml), or the same spec as .toml",
                               f"{p.name} and no module 'yaml'") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidInput("spec", "valid YAML", " ".join(f"{exc} in {p.name}".split())) from None
    return parse_spec(data)
