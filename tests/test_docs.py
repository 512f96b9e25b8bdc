"""The scenario, output and measure references are generated and must not go stale."""

from __future__ import annotations

from pydantic import BaseModel, Field

from smugglesim import docs_gen
from smugglesim.model import outputs
from smugglesim.model.measures import MEASURES, Measure, MeasureParams
from smugglesim.model.scenario import Scenario


def test_committed_scenario_reference_is_up_to_date():
    committed = docs_gen.DOC_PATH.read_text()
    assert committed == docs_gen.render(), (
        "docs/scenarios.md is stale: run `python -m smugglesim.docs_gen` and commit it"
    )


def test_committed_table_of_the_measures_is_up_to_date():
    committed = docs_gen.MEASURES_PATH.read_text()
    assert committed == docs_gen.render_measures(), (
        "docs/measures.md's table is stale: run `python -m smugglesim.docs_gen` and commit it"
    )


def test_reference_lists_every_schema_key_with_its_default():
    text = docs_gen.render()
    for name, field in Scenario.model_fields.items():
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel) and name != "measures":
            assert f"## `[{name}]`" in text
            for key, sub in section.model_fields.items():
                kind = docs_gen.type_name(sub.annotation).replace("|", "\\|")  # as in markdown
                row = f"| `{key}` | {kind} | "
                row += docs_gen.value_text(sub.get_default(call_default_factory=True))
                assert row in text, f"{name}.{key} missing or with a wrong default"
    for key, cls in MEASURES.items():
        assert f"`[measures.{key}]`" in text
        for param in cls.Params.model_fields:
            assert f"| `{param}` |" in text


def test_reference_follows_the_measure_registry(monkeypatch):
    class ExampleParams(MeasureParams):
        analysts: int = Field(3, ge=1, le=40, description="Analysts added to the EMSC.")

    class Example(Measure):
        key = "example_measure"
        number = 99
        heading = "Test"
        title = "An example measure"
        source_paragraph = "nowhere"
        summary = "Only for this test."
        first_moved = "+leads_analysed"
        Params = ExampleParams

    monkeypatch.setattr(docs_gen, "MEASURES", {**MEASURES, Example.key: Example})
    text = docs_gen.render()
    assert "### 99. `[measures.example_measure]`: An example measure" in text
    assert "| `analysts` | int | 3 | 1 to 40 | Analysts added to the EMSC. |" in text


def test_ranges_and_numbers_are_rendered_readably():
    class Section(BaseModel):
        years: float = Field(5.0, gt=0, le=50)
        cost: float = Field(2_500_000.0, ge=0, le=1e10)
        free: str = "x"

    fields = Section.model_fields
    assert docs_gen.range_text(fields["years"]) == "> 0 and ≤ 50"
    assert docs_gen.range_text(fields["cost"]) == "0 to 1e10"
    assert docs_gen.range_text(fields["free"]) == ""
    assert docs_gen.value_text(2_500_000.0) == "2,500,000"
    assert docs_gen.value_text(None) == "none"
    assert docs_gen.type_name(int | None) == "int | None"


def test_check_mode_reports_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "scenarios.md"
    stale.write_text("# old\n")
    for doc in ("scenarios", "metrics"):
        assert docs_gen.main(["--check", "--doc", doc, "--path", str(stale)]) == 1
        assert "stale" in capsys.readouterr().err
        assert docs_gen.main(["--doc", doc, "--path", str(stale)]) == 0
        assert docs_gen.main(["--check", "--doc", doc, "--path", str(stale)]) == 0
        stale.write_text("# old\n")


def test_committed_output_reference_is_up_to_date():
    committed = docs_gen.METRICS_PATH.read_text()
    assert committed == docs_gen.render_metrics(), (
        "docs/metrics.md is stale: run `python -m smugglesim.docs_gen` and commit it"
    )


def test_output_reference_lists_every_output_with_its_definition():
    text = docs_gen.render_metrics()
    for o in outputs.OUTPUTS:
        row = f"| `{o.name}` | {o.kind} | {o.unit} | {o.label} | `{o.fmt}` |"
        assert row in text, f"{o.name} missing or with other details"
        assert o.definition in text


def test_output_reference_follows_the_declarations(monkeypatch):
    extra = outputs.Output(
        "example_output",
        "stock",
        "leads",
        "example",
        outputs.COUNT,
        "Only for this test.",
        state=lambda s: 0,
        every_weeks=4,
    )
    monkeypatch.setattr(docs_gen, "OUTPUTS", (*outputs.OUTPUTS, extra))
    text = docs_gen.render_metrics()
    row = "| `example_output` | stock | leads | example | `{:,.0f}` | weekly | state, every 4 weeks"
    assert row in text
