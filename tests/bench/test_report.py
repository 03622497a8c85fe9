"""docs/benchmarks.md: the suite rewrites its table and nothing else."""

from bench.figures import Figure, Target, not_measured
from bench.report import BEGIN, END, table, write_block


def test_it_replaces_only_the_block_between_the_markers(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nHow we measure.\n\n{BEGIN}\nold table\n{END}\n\n## Profiles\nkept\n")
    write_block(doc, f"{BEGIN}\nnew table\n{END}")
    text = doc.read_text()
    assert "old table" not in text
    assert "new table" in text
    assert text.startswith("# Benchmarks\n\nHow we measure.")
    assert text.endswith("## Profiles\nkept\n")


def test_it_appends_the_block_to_a_document_without_markers(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n")
    write_block(doc, f"{BEGIN}\nnew table\n{END}")
    assert doc.read_text() == f"# Benchmarks\n\n{BEGIN}\nnew table\n{END}\n"


def test_it_writes_one_table_line_per_figure_with_the_verdict():
    figures = {
        "floor": [Figure("floor", "p50", 2.0, "ms")],
        "slots": [Figure("slots", "p50", 8.0, "ms", ratio=4.0, ratio_of="floor p50", targets=[Target("<=", 3)])],
        "claim": [not_measured("claim", "claim-next", "feature not merged yet")],
    }
    lines = table(["floor", "slots", "claim"], figures, {"floor": "bare view", "slots": "slots", "claim": "claim"})
    rows = lines.splitlines()[2:]
    assert len(rows) == 3
    assert "| slots | slots | p50 | 8.00 ms | 4 <sub>÷ floor p50</sub> | ratio <= 3 | **no** |" == rows[1]
    assert "not measured: feature not merged yet" in rows[2]
