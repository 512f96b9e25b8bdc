"""Bad scenario files: every one is refused with one line per error, naming the file and the
dotted key, and never with a traceback, a hang or silent coercion.

Most cases are generated from the schema (every key of every table: a value of the wrong
type, a value just outside its range, a misspelled key); the rest are written by hand (the
files themselves: encodings, sizes, nesting, extends, symbolic links; checks across keys).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import annotated_types as at
import pytest
from pydantic import BaseModel

from smugglesim.cli import main
from smugglesim.model.events import Event
from smugglesim.model.key_players import Strategy
from smugglesim.model.parameters import Operation
from smugglesim.model.scenario import Scenario, ScenarioError, extends_anywhere, load_scenario
from smugglesim.model.scenario_files import ALLOW_ANYWHERE_ENV, MAX_EXTENDS, MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"


# -- helpers -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad")


def write(folder: Path, text: str, name: str = "bad.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path, **kwargs) -> list[str]:
    """The error lines of loading ``path``; each names the file and is one line."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kwargs)
    lines = info.value.errors
    assert lines and str(info.value) == "\n".join(lines)
    for line in lines:
        assert "\n" not in line and "\r" not in line
        assert "Traceback" not in line
    return lines


def one_error(path: Path, **kwargs) -> str:
    lines = errors_of(path, **kwargs)
    assert len(lines) == 1, lines
    assert path.name in lines[0], lines[0]
    return lines[0]


def validate(path: Path, capsys: pytest.CaptureFixture) -> list[str]:
    """``smugglesim validate path`` in this process: exit 2 and the lines on stderr."""
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err.strip().splitlines()


# -- the schema, walked: every scalar key of every table ---------------------------------
def keys(model: type[BaseModel] = Scenario, table: str = "") -> Iterator[tuple[str, str, object]]:
    """(dotted table, key, field) for every key that is not itself a table."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from keys(annotation, f"{table}.{name}".lstrip("."))
        else:
            yield table, name, field


def tables(model: type[BaseModel] = Scenario, table: str = "") -> Iterator[tuple[str, str]]:
    """(dotted parent, key) of every table field."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield table, name
            yield from tables(annotation, f"{table}.{name}".lstrip("."))


def toml_line(table: str, key: str, value: str) -> str:
    return f"[{table}]\n{key} = {value}\n" if table else f"{key} = {value}\n"


WRONG_TYPES = {
    float: [('"1"', "valid number"), ("true", "valid number")],
    int: [('"1"', "valid integer"), ("true", "valid integer"), ("1.5", "valid integer")],
    bool: [('"yes"', "valid boolean"), ("1", "valid boolean"), ('"true"', "valid boolean")],
    str: [("5", "valid string"), ("false", "valid string")],
    int | None: [('"3"', "valid integer"), ("3.0", "valid integer")],
    float | None: [('"1"', "valid number"), ("true", "valid number")],
    str | None: [("5", "valid string"), ("false", "valid string")],
    list[str]: [('"central_med"', "valid list"), ("[1]", "valid string")],
    Strategy: [("5", "Input should be 'random'"), ('"brokers"', "Input should be 'random'")],
    list[Operation]: [("5", "valid list"), ("[1]", "must be a table")],
    list[Event]: [("5", "valid list"), ("[1]", "must be a table")],
}


def _wrong_type_cases():
    for table, key, field in keys():
        for value, words in WRONG_TYPES[field.annotation]:
            yield pytest.param(table, key, value, words, id=f"{table}.{key}={value}")


def _out_of_range_cases():
    for table, key, field in keys():
        is_int = field.annotation in (int, int | None)
        for meta in field.metadata:
            for attr, outside, words in (
                ("ge", lambda b: b - 1, "greater than or equal"),
                ("gt", lambda b: b, "greater than"),
                ("le", lambda b: b + 1, "less than or equal"),
                ("lt", lambda b: b, "less than"),
            ):
                bound = getattr(meta, attr, None)
                if bound is None or not isinstance(meta, at.Ge | at.Gt | at.Le | at.Lt):
                    continue
                value = outside(bound)
                text = str(int(value)) if is_int else repr(float(value))
                yield pytest.param(table, key, text, words, id=f"{table}.{key}={text}")


def _misspelt(key: str) -> str:
    """The key with one letter dropped from its middle."""
    i = len(key) // 2
    return key[:i] + key[i + 1 :]


@pytest.mark.parametrize(("table", "key", "value", "words"), list(_wrong_type_cases()))
def test_a_value_of_the_wrong_type_is_refused_not_converted(folder, table, key, value, words):
    path = write(folder, toml_line(table, key, value), "wrong_type.toml")
    line = one_error(path)
    dotted = f"{table}.{key}".lstrip(".")
    assert f": {dotted}" in line and words in line


@pytest.mark.parametrize(("table", "key", "value", "words"), list(_out_of_range_cases()))
def test_a_value_outside_its_range_is_refused(folder, capsys, table, key, value, words):
    path = write(folder, toml_line(table, key, value), "out_of_range.toml")
    (line,) = validate(path, capsys)
    dotted = f"{table}.{key}".lstrip(".")
    assert f"out_of_range.toml: {dotted}: " in line
    assert words in line


@pytest.mark.parametrize(
    ("table", "key"), [pytest.param(t, k, id=f"{t}.{k}".lstrip(".")) for t, k, _ in keys()]
)
def test_a_misspelt_key_is_refused_with_the_closest_valid_key(folder, table, key):
    path = write(folder, toml_line(table, _misspelt(key), "1"), "typo.toml")
    line = one_error(path)
    assert f"{table}.{_misspelt(key)}".lstrip(".") in line
    assert f"unknown key; did you mean '{key}'?" in line


@pytest.mark.parametrize(
    ("parent", "key"), [pytest.param(p, k, id=f"{p}.{k}".lstrip(".")) for p, k in tables()]
)
def test_a_table_given_a_plain_value_is_refused(folder, parent, key):
    path = write(folder, toml_line(parent, key, "5"), "not_a_table.toml")
    line = one_error(path)
    assert f"{parent}.{key}".lstrip(".") + ": must be a table, not an integer (5)" in line


@pytest.mark.parametrize(
    ("parent", "key"), [pytest.param(p, k, id=f"[{p}.{k}]".lstrip(".")) for p, k in tables()]
)
def test_a_misspelt_table_is_refused_with_the_closest_valid_table(folder, parent, key):
    name = f"{parent}.{_misspelt(key)}".lstrip(".")
    path = write(folder, f"[{name}]\n", "table_typo.toml")
    line = one_error(path)
    assert f": {name}: unknown key; did you mean '{key}'?" in line


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("run", "years"),
        ("demand", "scale"),
        ("finance", "tracing_rate_week"),
        ("measures.iru_takedowns", "referrals_per_week"),
    ],
)
def test_a_number_that_is_not_finite_is_refused(folder, table, key, value):
    line = one_error(write(folder, toml_line(table, key, value), "nan.toml"))
    assert f"{table}.{key}: Input should be a finite number" in line


def test_every_error_of_a_file_is_reported_at_once(folder):
    float_keys = [(t, k) for t, k, f in keys() if f.annotation is float and t == "smugglers"]
    text = "[smugglers]\n" + "".join(f'{k} = "x"\n' for _, k in float_keys) + "[run]\nyerrs = 1\n"
    lines = errors_of(write(folder, text, "many.toml"))
    assert len(lines) == len(float_keys) + 1
    assert all("many.toml: " in line for line in lines)
    assert any("run.yerrs: unknown key; did you mean 'years'?" in line for line in lines)


def test_an_integer_where_a_float_is_expected_is_fine(folder):
    sc = load_scenario(write(folder, "[run]\nyears = 2\n[demand]\nscale = 1\n", "ints.toml"))
    assert sc.run.years == 2.0 and isinstance(sc.run.years, float)


# -- checks across keys -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (
            "[smugglers]\nmembers_min = 20\n",
            "smugglers.members_min",
            "must not exceed members_max (16)",
        ),
        (
            "[smugglers]\nmembers_min = 30\nmembers_max = 20\n",
            "smugglers.members_min",
            "must not exceed members_max (20), got 30",
        ),
        (
            "[smugglers]\nrecruiters_per_member = 1.0\n",
            "smugglers.members_min",
            "leaving no room for a transporter",
        ),
        (
            "[smugglers]\nmembers_min = 5\nonward_leg_share = 0.3\n",
            "smugglers.members_min",
            "on each of its 2 leg(s)",
        ),
        (
            "[smugglers]\nassets_in_eu_share = 0.8\nassets_in_cooperating_share = 0.5\n",
            "smugglers.assets_in_cooperating_share",
            "must not exceed 1 (the rest is out of reach), got 1.3",
        ),
        (
            "[smugglers]\nunder_used_share = 0.95\n",
            "smugglers.under_used_share",
            "must not exceed sold_out_share (0.9)",
        ),
        (
            "[enforcement]\ninvestigation_min_weeks = 40\n",
            "enforcement.investigation_min_weeks",
            "must not exceed investigation_mean_weeks (30)",
        ),
        (
            "[enforcement]\nplatform_investigation_mean_weeks = 2\n",
            "enforcement.platform_investigation_mean_weeks",
            "must not be below investigation_min_weeks (4)",
        ),
        ("[run]\nyears = 0.005\n", "run.years", "(one week)"),
        (
            "[run]\nyears = 1\n[measures.training]\nenabled = true\nstart_week = 52\n",
            "measures.training.start_week",
            "52 is not within the run's horizon of 52 weeks",
        ),
        (
            "[run]\nyears = 1\n[measures.training]\nenabled = true\nend_week = 60\n",
            "measures.training.end_week",
            "60 is beyond the run's horizon of 52 weeks",
        ),
        (
            "[measures.lo_coordination]\nstart_week = 10\nend_week = 10\n",
            "measures.lo_coordination.end_week",
            "must be greater than start_week (10)",
        ),
        (
            '[measures.csdp_links]\nnodes = ["libia"]\n',
            "measures.csdp_links.nodes",
            "unknown location 'libia'; did you mean 'libya'?",
        ),
        (
            '[measures.joint_operational_platforms]\nroutes = ["central_med", "central_med"]\n',
            "measures.joint_operational_platforms.routes",
            "route 'central_med' is listed twice",
        ),
        (
            "[measures.joint_operational_platforms]\nroutes = []\n",
            "measures.joint_operational_platforms.routes",
            "at least 1 item",
        ),
        ('name = "two\\nlines"\n', "name", "control characters"),
        ('name = ""\n', "name", "at least 1 character"),
        (f'name = "{"x" * 101}"\n', "name", "at most 100 characters"),
        ("[run]\nscale = 2\n", "run.scale", "'scale' is a key of [demand]"),
        ("[sweep]\nmethod = 'lhs'\n", "sweep", "read only by smugglesim batch"),
        ("run = []\n", "run", "must be a table, not an array"),
        ("[measures]\nx = 1\n", "measures.x", "the keys of this table are"),
    ],
)
def test_keys_that_cannot_hold_together_are_refused(folder, text, key, words):
    line = one_error(write(folder, text, "cross.toml"))
    assert f": {key}: " in line and words in line, line


def test_a_measure_that_is_off_may_start_after_the_horizon(folder):
    text = "[run]\nyears = 1\n[measures.training]\nstart_week = 200\n"
    assert load_scenario(write(folder, text, "off.toml")).weeks == 52


def test_the_shipped_scenarios_pass_every_check():
    assert main(["validate", *map(str, sorted((ROOT / "scenarios").glob("*.toml")))]) == 0


# -- the files themselves ----------------------------------------------------------------
def test_bytes_that_are_not_utf8_give_one_line(folder):
    path = folder / "latin1.toml"
    path.write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    line = one_error(path)
    assert "not UTF-8 text (byte 0xe9 at line 1, column 12)" in line


def test_a_byte_order_mark_is_accepted(folder):
    path = folder / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[run]\nyears = 2\n")
    assert load_scenario(path).run.years == 2


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000,
        "a = " + "{b = " * 3000 + "1" + "}" * 3000,
        "a = " + "[" * 40 + "]" * 40,
        ".".join(f"k{i}" for i in range(100)) + " = 1",
    ],
    ids=["arrays-5000", "inline-tables-3000", "arrays-40", "dotted-100"],
)
def test_deep_nesting_gives_one_line_not_a_recursion_error(folder, text):
    line = one_error(write(folder, text, "deep.toml"))
    assert "nested" in line


def test_an_integer_of_thousands_of_digits_gives_one_line(folder):
    line = one_error(write(folder, "[run]\nyears = " + "9" * 5000 + "\n", "digits.toml"))
    assert "digits.toml: TOML value error" in line


def test_a_toml_syntax_error_gives_one_line(folder):
    assert "TOML syntax error" in one_error(write(folder, "[run\nyears = 3\n", "syntax.toml"))


def test_a_file_over_the_size_cap_is_refused(folder):
    path = folder / "huge.toml"
    path.write_text("# " + "x" * MAX_FILE_BYTES + "\n")
    assert "larger than 1024 KiB" in one_error(path)


def test_a_folder_is_not_read_as_a_scenario(folder):
    (folder / "dir.toml").mkdir(exist_ok=True)
    assert "is a folder" in one_error(folder / "dir.toml")


def test_a_missing_file_gives_one_line(folder):
    assert "file not found" in one_error(folder / "missing.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_extends_naming_a_pipe_is_refused_without_waiting(folder):
    fifo = folder / "pipe.toml"
    if not fifo.exists():
        os.mkfifo(fifo)
    line = one_error(write(folder, 'extends = "pipe.toml"\n', "to_pipe.toml"))
    assert "not a regular file" in line


def test_extends_naming_dev_zero_is_refused_without_reading_it(folder):
    with extends_anywhere():
        line = one_error(write(folder, 'extends = "/dev/zero"\n', "zero.toml"))
    assert "/dev/zero: not a regular file" in line


@pytest.mark.parametrize("value", ["5", '""', "[]", "true"])
def test_extends_must_be_a_path(folder, value):
    line = one_error(write(folder, f"extends = {value}\n", "ext_type.toml"))
    assert "ext_type.toml: extends: must be a file path string" in line


def test_a_long_chain_of_extends_is_cut_at_its_cap(folder):
    chain = folder / "chain"
    chain.mkdir(exist_ok=True)
    for i in range(MAX_EXTENDS + 5):
        write(chain, f'extends = "c{i + 1}.toml"\n', f"c{i}.toml")
    write(chain, "[run]\nyears = 2\n", f"c{MAX_EXTENDS + 5}.toml")
    line = one_error(chain / "c0.toml")
    assert f"c{MAX_EXTENDS - 1}.toml: extends: the chain of extends from" in line
    assert f"longer than {MAX_EXTENDS} files" in line
    # A chain of exactly the cap is fine.
    assert load_scenario(chain / f"c{5 + 1}.toml").run.years == 2


def test_cyclic_extends_names_the_cycle(folder):
    write(folder, 'extends = "cyc_b.toml"\n', "cyc_a.toml")
    write(folder, 'extends = "cyc_a.toml"\n', "cyc_b.toml")
    line = one_error(folder / "cyc_a.toml")
    assert "cyclic extends" in line and "cyc_b.toml" in line


def test_a_symbolic_link_loop_gives_one_line(folder):
    for a, b in (("loop_a.toml", "loop_b.toml"), ("loop_b.toml", "loop_a.toml")):
        if not (folder / a).is_symlink():
            (folder / a).symlink_to(folder / b)
    assert "symbolic link loop" in one_error(folder / "loop_a.toml")
    line = one_error(write(folder, 'extends = "loop_a.toml"\n', "to_loop.toml"))
    assert "to_loop.toml: extends" in line and "symbolic link loop" in line


def test_an_error_in_a_parent_names_the_parent_and_one_in_the_child_the_child(folder):
    write(folder, "[demand]\nscale = -1\n", "parent.toml")
    child = write(folder, 'extends = "parent.toml"\n[run]\nyaers = 2\n', "child.toml")
    lines = errors_of(child)
    assert len(lines) == 2  # in the schema's order: [run] before [demand]
    assert "child.toml: run.yaers: unknown key; did you mean 'years'?" in lines[0]
    assert "parent.toml: demand.scale: Input should be greater than or equal to 0" in lines[1]


# -- where extends may point -------------------------------------------------------------
@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """``sub/child.toml`` extends ``../parent.toml``: outside the child's folder."""
    write(tmp_path, "[run]\nyears = 3\n", "parent.toml")
    (tmp_path / "sub").mkdir()
    return write(tmp_path / "sub", 'extends = "../parent.toml"\n', "child.toml")


def test_extends_outside_the_scenarios_folder_is_refused(outside, monkeypatch):
    monkeypatch.delenv(ALLOW_ANYWHERE_ENV, raising=False)
    line = one_error(outside)
    assert "child.toml: extends:" in line and "outside the scenario's folder" in line
    assert "--allow-extends-anywhere" in line and ALLOW_ANYWHERE_ENV in line


def test_extends_anywhere_can_be_allowed(outside, monkeypatch, capsys):
    monkeypatch.delenv(ALLOW_ANYWHERE_ENV, raising=False)
    with extends_anywhere():
        assert load_scenario(outside).run.years == 3
    assert main(["validate", "--allow-extends-anywhere", str(outside)]) == 0
    monkeypatch.setenv(ALLOW_ANYWHERE_ENV, "1")
    assert load_scenario(outside).run.years == 3
    with extends_anywhere(False):
        one_error(outside)


def test_extends_through_a_link_that_leaves_the_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(ALLOW_ANYWHERE_ENV, raising=False)
    write(tmp_path, "[run]\nyears = 3\n", "secret.toml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.toml").symlink_to(tmp_path / "secret.toml")
    child = write(tmp_path / "sub", 'extends = "link.toml"\n', "child.toml")
    assert "outside the scenario's folder" in one_error(child)


def test_extends_may_name_a_shipped_scenario_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.delenv(ALLOW_ANYWHERE_ENV, raising=False)
    child = write(tmp_path, f'extends = "{BASELINE.as_posix()}"\n[run]\nyears = 2\n', "mine.toml")
    sc = load_scenario(child)
    assert sc.run.years == 2 and sc.name == "mine"


# -- overrides and the Python API ------------------------------------------------------
def test_an_error_in_an_override_names_the_override_not_the_file(folder):
    path = write(folder, "[run]\nyears = 2\n", "ok.toml")
    lines = errors_of(
        path,
        overrides={"run.yearz": 3, "demand.scale": "2"},
        overrides_source={"run.yearz": "command line (--set run.yearz=3)"},
    )
    assert lines == [
        "command line (--set run.yearz=3): run.yearz: unknown key; did you mean 'years'?",
        'overrides: demand.scale: Input should be a valid number, not a string ("2")',
    ]


def test_an_override_below_a_value_is_refused(folder):
    path = write(folder, "[run]\nyears = 2\n", "ok2.toml")
    (line,) = errors_of(path, overrides={"name.x": 1}, overrides_source="command line")
    assert line == "command line: name.x: name is not a table"


def test_the_error_survives_pickling():
    err = ScenarioError("a.toml: run.years: bad", "a.toml: demand.scale: bad")
    assert pickle.loads(pickle.dumps(err)).errors == err.errors


# -- through the command, in a fresh process ----------------------------------------------
def _smugglesim(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "smugglesim.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_the_command_reports_bad_bytes_deep_nesting_and_dev_zero_without_traceback(tmp_path):
    (tmp_path / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')
    write(tmp_path, "a = " + "[" * 5000 + "]" * 5000, "deep.toml")
    write(tmp_path, 'extends = "/dev/zero"\n', "zero.toml")
    proc = _smugglesim(
        "validate",
        "--allow-extends-anywhere",
        *(str(tmp_path / n) for n in ("latin1.toml", "deep.toml", "zero.toml")),
        timeout=30,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 3
    assert "latin1.toml: not UTF-8" in lines[0]
    assert "deep.toml: nested" in lines[1]
    assert "/dev/zero: not a regular file" in lines[2]


def test_a_quoted_key_with_a_line_break_stays_on_one_line(folder):
    line = one_error(write(folder, '[run]\n"ye\\nars" = 2\n', "quoted.toml"))
    assert "run.ye\\nars: unknown key; did you mean 'years'?" in line
