"""The notebooks run from top to bottom at their default size, so they cannot rot.

Each is executed with nbclient in a fresh kernel (the ``python3`` kernel, which jupyter_client
starts with the interpreter running these tests) from the notebooks folder. They are
committed with outputs stripped; that is checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_compare_scenarios", "02_how_a_measure_works", "03_sensitivity"]


def _read(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name):
    nb = _read(name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{name}: outputs not stripped (clear outputs before committing)"
            )


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch):
    # The kernel inherits TMPDIR: what a notebook writes to a temporary folder (03's
    # results, with OUT = None) goes under pytest's, not into the machine's /tmp for good.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    nb = _read(name)
    client = nbclient.NotebookClient(
        nb,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    warnings = [
        out.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream" and out.name == "stderr"
    ]
    assert not warnings, f"{name}: the notebook wrote to stderr: {warnings}"
    figures = sum(
        "image/png" in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )
    assert figures >= 1, f"{name}: no figure was drawn"
