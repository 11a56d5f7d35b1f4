"""The rules for arrivals.csv, claims.csv and source web addresses, each shown failing on a broken copy.

Every finding must name the file, the CSV line and the field, so the message alone finds the mistake.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from geo import paths
from geo.data.findings import Severity, format_finding
from geo.data.validation import validate


def replace_in(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(directory: Path, name: str, start: str) -> int:
    """The 1-based line of ``name`` that starts with ``start`` (the header is line 1)."""
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, start=1) if text.startswith(start))


def set_cell(directory: Path, name: str, row_id: str, column: str, value: str) -> None:
    """Change one cell of a CSV file, letting the csv module quote it."""
    path = directory / name
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row["id"] == row_id:
            row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def findings_in(directory: Path, name: str):
    return [f for f in validate(directory) if f.file == name]


# ------------------------------------------------------------------------------------------ arrivals.csv


def test_shipped_arrivals_validate_and_their_sources_resolve():
    assert [f for f in validate() if f.file in (paths.ARRIVALS, paths.CLAIMS, paths.SOURCES)] == []


def test_a_year_without_a_count(data_dir: Path):
    replace_in(data_dir, paths.ARRIVALS, "2021,63,", "2021,,")
    [finding] = findings_in(data_dir, paths.ARRIVALS)
    assert finding.severity is Severity.ERROR
    assert (finding.field, finding.line) == ("count", line_of(data_dir, paths.ARRIVALS, "2021,"))
    assert format_finding(finding) == (
        f"data/arrivals.csv: line {finding.line}: count: "
        "2021 has no count; every year needs the number of people who arrived"
    )


@pytest.mark.parametrize("count", ['"1,047.5"', "about 200", "-3", '"12,34"'])
def test_a_count_that_is_not_a_whole_number(data_dir: Path, count: str):
    replace_in(data_dir, paths.ARRIVALS, "2019,1047,", f"2019,{count},")
    [finding] = findings_in(data_dir, paths.ARRIVALS)
    assert finding.severity is Severity.ERROR
    assert (finding.field, finding.line) == ("count", line_of(data_dir, paths.ARRIVALS, "2019,"))
    assert "expected a whole number, such as 1047 or 1,047" in finding.message
    assert count.strip('"') in finding.message


def test_a_count_written_with_a_thousands_separator_is_fine(data_dir: Path):
    replace_in(data_dir, paths.ARRIVALS, "2019,1047,", '2019,"1,047",')
    assert findings_in(data_dir, paths.ARRIVALS) == []


def test_a_year_listed_twice(data_dir: Path):
    replace_in(data_dir, paths.ARRIVALS, "2022,67,", "2021,67,")
    [finding] = findings_in(data_dir, paths.ARRIVALS)
    first = line_of(data_dir, paths.ARRIVALS, "2021,63")
    assert finding.severity is Severity.ERROR
    assert (finding.field, finding.line) == ("year", first + 1)
    assert f"2021 is already on line {first}" in finding.message


def test_years_out_of_order_warn(data_dir: Path):
    path = data_dir / paths.ARRIVALS
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    rows[0], rows[1] = rows[1], rows[0]  # 2008 before 2007
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    [finding] = findings_in(data_dir, paths.ARRIVALS)
    assert finding.severity is Severity.WARNING
    assert (finding.field, finding.line) == ("year", 3)
    assert "2007 comes after 2008" in finding.message


def test_an_unknown_source_in_arrivals(data_dir: Path):
    replace_in(data_dir, paths.ARRIVALS, "2013,1514,herald-2018", "2013,1514,herald-2081")
    [finding] = findings_in(data_dir, paths.ARRIVALS)
    assert (finding.field, finding.line) == ("source_ids", line_of(data_dir, paths.ARRIVALS, "2013,"))
    assert "unknown source 'herald-2081'" in finding.message


def test_arrivals_without_a_count_column(data_dir: Path):
    (data_dir / paths.ARRIVALS).write_text("year,source_ids\n2019,yonhap-2020\n", encoding="utf-8")
    [finding] = findings_in(data_dir, paths.ARRIVALS)
    assert (finding.field, finding.line) == ("header", 1)
    assert "missing column(s): count" in finding.message


# ------------------------------------------------------------------------------------------ claims.csv


def test_an_unknown_topic(data_dir: Path):
    replace_in(data_dir, paths.CLAIMS, "rescued-en,rescued,", "rescued-en,rescude,")
    [finding] = findings_in(data_dir, paths.CLAIMS)
    assert (finding.field, finding.line, finding.feature_id) == (
        "topic",
        line_of(data_dir, paths.CLAIMS, "rescued-en,"),
        "rescued-en",
    )
    assert "got 'rescude'" in finding.message


def test_a_claim_value_that_is_not_a_whole_number(data_dir: Path):
    set_cell(data_dir, paths.CLAIMS, "rescued-unherd", "value", "about 1008")
    [finding] = findings_in(data_dir, paths.CLAIMS)
    assert (finding.field, finding.feature_id) == ("value", "rescued-unherd")
    assert "expected a whole number" in finding.message


def test_a_claim_value_needs_a_unit(data_dir: Path):
    set_cell(data_dir, paths.CLAIMS, "rescued-en", "unit", "")
    [finding] = findings_in(data_dir, paths.CLAIMS)
    assert (finding.field, finding.feature_id) == ("unit", "rescued-en")
    assert "the value 1012 needs its unit" in finding.message


def test_an_unknown_source_in_claims(data_dir: Path):
    replace_in(data_dir, paths.CLAIMS, "transformer-jp;realsound-2023", "transformer-jp;realsound-2032")
    [finding] = findings_in(data_dir, paths.CLAIMS)
    assert (finding.field, finding.feature_id) == ("source_ids", "length-japan")
    assert finding.line == line_of(data_dir, paths.CLAIMS, "length-japan,")
    assert "unknown source 'realsound-2032'" in finding.message


def test_a_duplicate_claim_id(data_dir: Path):
    replace_in(data_dir, paths.CLAIMS, "family-woo,", "family-ro,")
    [finding] = findings_in(data_dir, paths.CLAIMS)
    assert (finding.field, finding.feature_id) == ("id", "family-ro")
    assert "ids must be unique" in finding.message


# ------------------------------------------------------------------------------------------ sources.csv


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "https://example.org/a page",
        "https://example.org/a)(b",
        'https://example.org/"onmouseover=x',
        "www.example.org/no-scheme",
        "https://localhost/no-dot",
    ],
)
def test_a_source_url_must_be_a_plain_web_address(data_dir: Path, url: str):
    set_cell(data_dir, paths.SOURCES, "yonhap-2020", "url", url)
    [finding] = findings_in(data_dir, paths.SOURCES)
    assert (finding.field, finding.feature_id) == ("url", "yonhap-2020")
    assert finding.line == line_of(data_dir, paths.SOURCES, "yonhap-2020,")
    assert "expected a web address starting with https://" in finding.message


def test_a_source_without_a_title_needs_a_url(data_dir: Path):
    set_cell(data_dir, paths.SOURCES, "kehc-2023", "url", "")
    [finding] = findings_in(data_dir, paths.SOURCES)
    assert (finding.field, finding.feature_id) == ("title", "kehc-2023")
    assert "required, unless the source has a url" in finding.message


def test_a_source_without_a_url_is_allowed(data_dir: Path):
    set_cell(data_dir, paths.SOURCES, "yonhap-2020", "url", "")
    assert findings_in(data_dir, paths.SOURCES) == []


def test_an_old_sources_file_without_the_url_column_still_validates(data_dir: Path):
    """Other branches' copies of sources.csv have no ``url`` column: they stay valid."""
    rows = list(csv.DictReader(io.StringIO((data_dir / paths.SOURCES).read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, ["id", "outlet", "title", "author", "date", "note"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(row for row in rows if row["title"])  # untitled sources are new with the url column
    (data_dir / paths.SOURCES).write_text(out.getvalue(), encoding="utf-8")
    assert findings_in(data_dir, paths.SOURCES) == []


def test_the_editor_diff_names_arrival_rows_by_year():
    """arrivals.csv has no id column: a change is reported by year, not by a line that shifts."""
    from geo.edit.diff import diff_file

    old = (paths.DATA_DIR / paths.ARRIVALS).read_bytes()
    new = old.replace(b"2025,223,", b"2025,224,").replace(b"2007,", b"2006,2022,joongang-2012,\n2007,", 1)
    assert [(c.kind, c.id, c.fields) for c in diff_file(paths.ARRIVALS, old, new)] == [
        ("changed", "2025", ("count",)),
        ("added", "2006", ()),
    ]
