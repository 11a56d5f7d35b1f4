"""Safety tiers (``geo.data.share``), tested by planting: a room-only place, quote, event and chapter
(with its notes), a handout-only quote, and a room-only quote on a public chapter. Then every file of
every output is read for them, in English and Korean: the audience site, the film's captions and
frames' text, the handout's text, the app's data; the pack carries them all and marks them for its
presenter. A leg whose summary names a room-only place refuses to become a site, and says where."""

from __future__ import annotations

import csv
import html
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo import cli, paths
from geo.data import load_dataset
from geo.data.share import OUTPUT_TIERS, ShareError, for_output, report, withheld
from geo.export.film.plan import film_plan, webvtt
from geo.export.handout import handout_pdf
from geo.export.pack import build_pack
from geo.export.site import build_site, translators_for
from geo.story.i18n import strings
from geo.story.tour import chapters
from tests.conftest import edit_geojson
from tests.pages.test_editor_page import make_app, sign_in  # noqa: F401 (make_app: a fixture)

#: Markers no real text contains, one per planted item; the Korean one is a translation's.
ROOM_PLACE, ROOM_PLACE_KO = "Zorblat Crossing", "조르블라트 나루"
ROOM_QUOTE = "Zorblat quote for the room only"
ROOM_EVENT = "Zorblat event for the room only"
ROOM_CHAPTER, ROOM_NOTES = "Zorblat chapter", "Zorblat notes for the presenter"
HANDOUT_QUOTE = "Zorblat quote for the handout"
ROOM = (ROOM_PLACE, ROOM_PLACE_KO, ROOM_QUOTE, ROOM_EVENT, ROOM_CHAPTER, ROOM_NOTES)


def append_rows(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        old = list(reader)
    fields += [] if "share" in fields else ["share"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows([*old, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(path: Path, row_id: str, field: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        if row["id"] == row_id:
            row[field] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def plant(data_dir: Path) -> Path:
    def add_place(obj: dict) -> None:
        obj["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [100.6, 19.9]},
                "properties": {
                    "id": "zorblat",
                    "name": ROOM_PLACE,
                    "country": "Thailand",
                    "role": "waypoint",
                    "illustrative": True,
                    "sources": ["cbn"],
                    "label": "always",
                    "share": "room",
                },
            }
        )

    edit_geojson(data_dir, paths.PLACES, add_place)
    quote = {"speaker": "Pastor Kim", "role": "Founder, Caleb Mission", "source_id": "cbn", "topic": "son"}
    append_rows(
        data_dir / paths.QUOTES,
        [
            {
                **quote,
                "id": "zorblat-room",
                "text": ROOM_QUOTE,
                "segment_id": "mekong-crossing",
                "share": "room",
            },
            {**quote, "id": "zorblat-handout", "text": HANDOUT_QUOTE, "topic": "planted", "share": "handout"},
        ],
    )
    append_rows(
        data_dir / paths.EVENTS,
        [{"id": "zorblat", "date": "2021", "precision": "year", "approximate": "false", "title": ROOM_EVENT,
          "source_ids": "cbn", "share": "room"}],
    )  # fmt: skip
    tour = list(csv.DictReader((data_dir / paths.TOUR).open(encoding="utf-8")))
    append_rows(
        data_dir / paths.TOUR,
        [{"order": str(len(tour) + 1), "id": "zorblat", "title": ROOM_CHAPTER, "text": "Said in the room.",
          "segment_id": "mekong-crossing", "source_ids": "cbn", "notes": ROOM_NOTES, "share": "room"}],
    )  # fmt: skip
    # A public chapter whose quote is for the room: the chapter goes out, its quote stays in.
    set_cell(data_dir / paths.TOUR, tour[1]["id"], "quote_id", "zorblat-room")
    set_cell(data_dir / paths.TOUR, tour[2]["id"], "quote_id", "zorblat-handout")
    with (data_dir / "i18n" / "ko.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[places.zorblat]\nname = "{ROOM_PLACE_KO}"\n')
    return data_dir


@pytest.fixture
def planted(data_dir: Path):
    plant(data_dir)
    return load_dataset(data_dir), data_dir / "i18n"


def tr_of(lang: str, i18n: Path):
    return strings(lang, i18n)


def carried(text: str, markers=ROOM) -> list[str]:
    return [m for m in markers if m in text]


def test_the_planted_data_validates_and_each_output_knows_what_it_leaves_out(planted):
    dataset, _ = planted
    left = {output: {(w.file, w.id) for w in withheld(dataset, output)} for output in OUTPUT_TIERS}
    room = {(paths.PLACES, "zorblat"), (paths.QUOTES, "zorblat-room"), (paths.EVENTS, "zorblat"),
            (paths.TOUR, "zorblat")}  # fmt: skip
    assert left["site"] == left["film"] == left["app"] == room | {(paths.QUOTES, "zorblat-handout")}
    assert left["handout"] == room
    assert left["pack"] == set()
    lines = report(dataset)
    assert any(line.startswith("the site leaves out 5 items above public") for line in lines), lines
    assert "the pack carries everything (room and below)" in lines


def test_a_public_chapter_loses_only_its_room_quote(planted):
    dataset, _ = planted
    public = for_output(dataset, "site")
    second = public.tour.iloc[1]
    assert second["quote_id"] == ""
    assert "zorblat" not in set(public.tour["id"])
    assert dataset.tour.iloc[1]["quote_id"] == "zorblat-room", "the data itself is untouched"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_audience_site_carries_no_item_above_public(planted, lang):
    dataset, i18n = planted
    files = build_site(dataset, translators_for([lang], i18n))
    for name, content in files.items():
        text = content.decode("utf-8", "replace")
        assert carried(text, (*ROOM, HANDOUT_QUOTE)) == [], f"site {lang}: {name}"
    # …and the public items are still there: the test would pass on an empty site otherwise.
    page = files["index.html"].decode("utf-8")
    assert "mekong-crossing" in page


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_film_carries_no_item_above_public(planted, lang):
    dataset, i18n = planted
    tr = tr_of(lang, i18n)
    plan = film_plan(for_output(dataset, "film"), tr)
    vtt = webvtt(plan, lang)
    assert carried(vtt, (*ROOM, HANDOUT_QUOTE)) == []
    shown = [scene for scene in plan.scenes if scene.kind == "chapter"]
    assert len(shown) == len(dataset.tour) - 1, "every chapter but the room's"


def test_write_film_filters_before_it_draws(planted, tmp_path, monkeypatch):
    """``write_film`` itself passes the data through the gate: a caller cannot forget."""
    from geo.export.film import make

    dataset, i18n = planted
    seen = {}

    class Stop(Exception):
        pass

    def canvas(data, tr, plan, width, height):
        seen["places"] = set(data.places["id"])
        seen["vtt"] = webvtt(plan, tr.lang)
        raise Stop

    monkeypatch.setattr(make, "FilmCanvas", canvas)
    with pytest.raises(Stop):
        make.write_film(dataset, tmp_path / "film.mp4", tr_of("ko", i18n), size="1280x720", fps=24)
    assert "zorblat" not in seen["places"]
    assert carried(seen["vtt"], (*ROOM, HANDOUT_QUOTE)) == []
    assert not (tmp_path / "film.mp4").exists()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_handout_carries_handout_items_but_none_for_the_room(planted, lang):
    from pypdf import PdfReader

    dataset, i18n = planted
    pdf = handout_pdf(dataset, tr_of(lang, i18n))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert carried(text) == [], f"handout {lang}"
    assert HANDOUT_QUOTE in " ".join(text.split()), "the handout's own tier is printed"


def test_the_pack_carries_everything_and_marks_the_room_for_its_presenter(planted):
    dataset, i18n = planted
    page = build_pack(dataset, tr_of("en", i18n))
    for marker in (ROOM_PLACE, ROOM_QUOTE, ROOM_CHAPTER, ROOM_NOTES, HANDOUT_QUOTE):
        assert marker in page, marker
    data = json.loads(
        page.split('<script type="application/json" id="pack-data">', 1)[1].split("</script>", 1)[0]
    )
    shares = {s["id"]: s["share"] for s in data["slides"] if s["kind"] == "chapter"}
    assert shares["zorblat"] == "room"
    assert shares[dataset.tour.iloc[1]["id"]] == "room", "a public chapter with a room quote is marked too"
    assert shares[dataset.tour.iloc[2]["id"]] == "handout"
    assert data["strings"]["slides"]["share_room"].startswith("For the room only")
    assert 'id="pv-share"' in page


def test_the_app_shows_public_items_only(planted, monkeypatch):
    from streamlit.testing.v1 import AppTest

    _, i18n = planted
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(i18n.parent))
    at = AppTest.from_file(str(paths.PROJECT_DIR / "app.py"), default_timeout=60)
    at.query_params["segment"] = "mekong-crossing"
    at.run()
    assert not at.exception
    shown = "\n".join(str(e.value) for e in at.markdown) + "\n".join(str(e.value) for e in at.caption)
    assert carried(shown, (*ROOM, HANDOUT_QUOTE)) == []
    assert "Mekong" in shown


def test_a_leg_naming_a_room_place_refuses_to_become_a_site(planted, data_dir, tmp_path, capsys):
    """The public text of a leg names the room-only place: the site is not written, and the error
    names the output, the file it would be in, the item and the words."""

    def name_it(obj: dict) -> None:
        for f in obj["features"]:
            if f["properties"]["id"] == "mekong-crossing":
                f["properties"]["summary"] += f" Then on to {ROOM_PLACE}."

    edit_geojson(data_dir, paths.ROUTE, name_it)
    dataset = load_dataset(data_dir)
    with pytest.raises(ShareError, match=r"site: index.html carries places.geojson 'zorblat' \(room\)"):
        build_site(dataset, translators_for(["en"], data_dir / "i18n"))
    out = tmp_path / "site"
    assert cli.main(["export", "--site", str(out), "--lang", "en", "--data", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "'zorblat' (room)" in err
    assert "Traceback" not in err
    assert not out.exists()
    # The pack may carry it: the room is where it may be said.
    assert cli.main(["export", "--out", str(tmp_path / "pack.html"), "--data", str(data_dir)]) == 0


def test_chapters_carry_their_tier(planted):
    dataset, i18n = planted
    shares = {c.id: c.share for c in chapters(dataset, tr_of("en", i18n))}
    assert shares["zorblat"] == "room"
    assert shares["opening"] == "public"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_editor_shows_per_output_what_it_leaves_out(planted, make_app, lang):  # noqa: F811
    _, i18n = planted
    tr = tr_of(lang, i18n)
    app = make_app()
    if lang == "ko":
        app.query_params["lang"] = "ko"
    sign_in(app)
    assert not app.exception
    labels = [e.label for e in app.expander]
    site = tr("editor.share_output", output=tr("editor.output_site"), tier="public", count=5)
    handout = tr("editor.share_output", output=tr("editor.output_handout"), tier="handout", count=4)
    assert site in labels, labels
    assert handout in labels
    listed = html.unescape("\n".join(str(m.value) for m in app.markdown).replace("\\", ""))  # md()'s escapes
    assert "places.geojson 'zorblat' (room)" in listed
    assert tr("editor.share_output_all", output=tr("editor.output_pack"), tier="room") in listed


@pytest.mark.browser
def test_export_check_prints_what_each_output_leaves_out(planted, data_dir, tmp_path, capsys, chromium_path):
    pack = tmp_path / "pack.html"
    assert cli.main(["export", "--out", str(pack), "--data", str(data_dir)]) == 0
    # In a process of its own, as a presenter runs it: a test worker may already hold a Playwright loop.
    done = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--check", str(pack), "--data", str(data_dir)],
        capture_output=True, text=True, cwd=paths.PROJECT_DIR, timeout=300,
    )  # fmt: skip
    err = done.stderr
    assert "safety tiers" in err
    assert "the site leaves out 5 items above public: places.geojson 'zorblat' (room)" in err
    assert "the handout leaves out 4 items above handout" in err
    assert "the pack carries everything (room and below)" in err
