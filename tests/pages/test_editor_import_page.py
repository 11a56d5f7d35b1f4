"""The editor's Import tab under AppTest: a GPS file previewed, reported, filled in, saved as one commit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from geo import paths
from geo.edit import history
from geo.edit.import_stage import read_import, report_rows
from geo.story.i18n import strings
from geo.text import md
from tests.edit import tracks
from tests.pages.test_editor_page import everything_shown, make_app, sign_in

__all__ = ["make_app"]  # the fixture, shared with the editor page's tests

ROUTE = paths.ROUTE
EN, KO = strings("en"), strings("ko")
IMPORT_TAB = 2


def commits(data_dir: Path) -> int:
    out = subprocess.run(["git", "-C", str(data_dir), "rev-list", "--count", "HEAD"], capture_output=True)
    return int(out.stdout or 0)


def a_repo(data_dir: Path) -> Path:
    env = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q", "-b", "main"], ["add", "."], [*env, "commit", "-qm", "the data"]):
        subprocess.run(["git", "-C", str(data_dir), *args], check=True, capture_output=True)
    return data_dir


def labelled(widgets, key: str):
    return next(w for w in widgets if w.label == EN(key))


def fill_in(tab) -> None:
    """What the file cannot say: the leg it replaces (laos-to-mekong), its mode, title, summary, sources."""
    labelled(tab.text_input, "editor.field_id").set_value("laos-to-mekong")
    labelled(tab.selectbox, "editor.field_country").set_value("Laos")
    labelled(tab.number_input, "editor.field_order").set_value(7)
    labelled(tab.selectbox, "editor.field_mode").set_value("overland")
    labelled(tab.text_input, "editor.field_title").set_value("Across northern Laos to the Mekong")
    labelled(tab.text_area, "editor.field_summary").set_value(
        "Overland through northern Laos to the Golden Triangle."
    )
    labelled(tab.multiselect, "editor.field_sources").set_value(["film"])


def test_a_gpx_track_is_previewed_reported_filled_in_and_saved_as_one_commit(make_app, data_dir: Path):
    a_repo(data_dir)
    app = sign_in(make_app())
    tab = app.tabs[IMPORT_TAB]
    raw = tracks.gpx(tracks.phone_points())
    tab.file_uploader[0].set_value(("track.gpx", raw, "application/gpx+xml"))
    app.run()
    assert not app.exception
    shown = everything_shown(app)
    assert "must be" not in shown
    tab = app.tabs[IMPORT_TAB]
    assert [s.value for s in tab.subheader] == [
        md(EN("editor.import_preview")),
        md(EN("editor.import_report_header")),
    ]
    report = "\n".join(m.value for m in tab.markdown)
    expected = report_rows(read_import(raw, "track.gpx", "route").report)
    for key, values in expected:
        assert md(EN(key, **values)) in report
    assert md("Points: 300 in the file") in report
    assert md("Precision: up to 6 decimals in the file, at most 2 kept") in report
    assert md("Timestamps removed: 300.") in report
    assert tab.text_input[0].value == "imported-1", "the importer's free id is the form's start"
    fill_in(tab)
    next(b for b in tab.button if b.label == EN("editor.add_to_preview")).click()
    app.run()
    assert not app.exception
    assert md(EN("editor.review_import", name=ROUTE, origin="'track.gpx'")) in [h.value for h in app.header]
    review = next(d.value for d in app.dataframe if "change" in d.value.columns)
    assert review[["change", "id"]].to_dict("records") == [{"change": "changed", "id": "laos-to-mekong"}]
    save = next(b for b in app.button if b.label == EN("editor.save"))
    assert not save.disabled
    before = commits(data_dir)
    save.click().run()
    assert not app.exception
    assert commits(data_dir) == before + 1
    saved = history.log(data_dir)[0]
    assert saved.summary.startswith("route.geojson: 1 changed: laos-to-mekong")
    leg = next(
        f
        for f in json.loads((data_dir / ROUTE).read_bytes())["features"]
        if f["properties"]["id"] == "laos-to-mekong"
    )
    coords = leg["geometry"]["coordinates"]
    assert len(coords) > 2
    assert all(round(v, 2) == v for point in coords for v in point)


def test_a_bad_file_shows_findings_naming_it_never_a_traceback(make_app, data_dir: Path):
    before = (data_dir / ROUTE).read_bytes()
    app = sign_in(make_app())
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<gpx><wpt lat='20' lon='101'><name>&lol2;</name></wpt></gpx>"
    )
    app.tabs[IMPORT_TAB].file_uploader[0].set_value(("bomb.gpx", bomb, "application/gpx+xml"))
    app.run()
    assert not app.exception
    assert md(EN("editor.import_not_read", name="bomb.gpx")) in [e.value for e in app.error]
    assert app.code[-1].value.startswith("bomb.gpx: the GPX file has a DOCTYPE declaration")
    assert not app.tabs[IMPORT_TAB].button, "no form to fill in for a file that was not read"
    assert "Traceback" not in everything_shown(app)
    assert (data_dir / ROUTE).read_bytes() == before


def test_a_csv_with_a_non_number_names_its_line(make_app):
    app = sign_in(make_app())
    app.tabs[IMPORT_TAB].file_uploader[0].set_value(
        ("walk.csv", b"lon,lat\n101.5,20.5\nnan,20.3\n", "text/csv")
    )
    app.run()
    assert not app.exception
    assert app.code[-1].value == "walk.csv: line 3: 'nan', '20.3' is not a number"


def test_the_import_tab_in_korean(make_app):
    app = make_app()
    app.query_params["lang"] = "ko"
    sign_in(app)
    app.tabs[IMPORT_TAB].file_uploader[0].set_value(("walk.kml", tracks.kml(tracks.phone_points()), "x"))
    app.run()
    assert not app.exception
    tab = app.tabs[IMPORT_TAB]
    assert md(KO("editor.import_report_header")) in [s.value for s in tab.subheader]
    report = "\n".join(m.value for m in tab.markdown)
    assert md("점: 파일에 300개") in report
    assert "Points:" not in report
