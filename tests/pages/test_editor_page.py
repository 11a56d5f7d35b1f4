"""The maintainer editor page under AppTest: who sees what, and what a save does to the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import paths
from geo.edit import accounts, history
from geo.edit.staging import dump_collection, stage
from geo.story.i18n import strings
from geo.text import md
from pages.ui import maintainers
from tests.conftest import feature

APP = str(paths.PROJECT_DIR / "app.py")
PASSWORD = "correct horse battery staple"
ROUTE = paths.ROUTE
EN = strings("en")


@pytest.fixture
def make_app(monkeypatch, data_dir: Path):
    """An AppTest on the editor page, over a private copy of the data."""
    monkeypatch.setenv("ESCAPE_ROUTE_DATA_DIR", str(data_dir))
    monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)
    monkeypatch.delenv(maintainers.REMOTE_ENV, raising=False)
    maintainers.throttle.clear()  # one per server, so it would carry failures from test to test

    def make(password: str | None = PASSWORD) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60)
        if password is not None:
            app.secrets[accounts.LEGACY_SECRET_KEY] = password
        app.switch_page("pages/editor.py")
        return app

    return make


def everything_shown(app: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "code", "error", "info", "success", "warning", "header", "title"):
        parts += [str(e.value) for e in getattr(app, kind)]
    return "\n".join(parts)


def write_controls(app: AppTest) -> list[str]:
    return [b.label for b in app.button if b.label in ("Save", "Discard this change")] + [
        "file_uploader" for _ in app.file_uploader
    ]


def sign_in(app: AppTest, password: str = PASSWORD, name: str = "") -> AppTest:
    """Sign in; a blank name is the shared password's maintainer, "maintainer"."""
    app.run()
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    app.button[0].click().run()
    return app


def changed_route(directory: Path, title: str) -> bytes:
    obj = json.loads((directory / ROUTE).read_bytes())
    feature(obj, "laos-jungle")["properties"]["title"] = title
    return dump_collection(obj)


def test_without_a_password_editing_is_off(make_app):
    app = make_app(password=None).run()
    assert not app.exception
    assert "Editing is off on this server" in app.info[0].value
    assert not app.text_input
    assert write_controls(app) == []


def test_not_signed_in_sees_only_the_sign_in(make_app, data_dir: Path):
    app = make_app().run()
    assert not app.exception
    assert [t.label for t in app.text_input] == [EN("editor.name"), EN("editor.password")]
    assert write_controls(app) == []
    assert not app.download_button


def test_forged_session_cannot_save(make_app, data_dir: Path):
    before = (data_dir / ROUTE).read_bytes()
    app = make_app()
    app.session_state["editor_token"] = "forged"
    app.session_state["editor_staged"] = stage(data_dir, ROUTE, changed_route(data_dir, "Forged"), origin="x")
    app.run()
    assert write_controls(app) == []
    assert (data_dir / ROUTE).read_bytes() == before


def test_wrong_password_is_refused_and_never_echoed(make_app):
    app = sign_in(make_app(), "not it")
    assert app.error[0].value == md(EN("editor.attempt_wrong"))
    assert write_controls(app) == []
    assert "not it" not in everything_shown(app)


def test_signed_in_upload_review_and_save(make_app, data_dir: Path):
    app = sign_in(make_app())
    assert not app.exception
    assert md(EN("editor.all_pass")) in everything_shown(app)
    assert len(app.download_button) == len(paths.DATA_FILES)
    new = changed_route(data_dir, "Retitled by a maintainer")
    app.file_uploader[0].set_value(("route.geojson", new, "application/geo+json")).run()
    assert not app.exception
    review = app.dataframe[-1].value
    assert review.to_dict("records") == [
        {
            "change": "changed",
            "id": "laos-jungle",
            "fields": "title",
            "before": "title: Night trek through the jungle into Laos",
            "after": "title: Retitled by a maintainer",
            "geometry": "",
        }
    ]
    save = next(b for b in app.button if b.label == "Save")
    assert not save.disabled
    save.click().run()
    saved = history.log(data_dir)[0]
    assert (saved.author, saved.summary) == ("maintainer", "route.geojson: 1 changed: laos-jungle title")
    assert (
        md(EN("editor.saved", name=ROUTE, commit=saved.short, summary=saved.summary)) in app.success[0].value
    )
    assert (data_dir / ROUTE).read_bytes() == new
    assert write_controls(app) == ["file_uploader"] * 2, "the review is cleared after saving (upload, import)"

    viewer = AppTest.from_file(APP, default_timeout=60)
    viewer.query_params["segment"] = "laos-jungle"
    viewer.run()
    assert viewer.subheader[0].value.endswith("Retitled by a maintainer")


def test_upload_with_errors_cannot_be_saved(make_app, data_dir: Path):
    before = (data_dir / ROUTE).read_bytes()
    app = sign_in(make_app())
    app.file_uploader[0].set_value(("route.geojson", b"{oops", "application/geo+json")).run()
    assert md(EN("editor.has_errors")) in app.error[0].value
    assert "not valid JSON" in app.code[-1].value
    assert next(b for b in app.button if b.label == "Save").disabled
    assert (data_dir / ROUTE).read_bytes() == before


def test_markup_in_an_upload_is_shown_as_text(make_app, data_dir: Path):
    app = sign_in(make_app())
    payload = '<img src=x onerror="alert(1)">'
    name = f"{payload}.geojson"
    app.file_uploader[0].set_value((name, changed_route(data_dir, payload), "application/geo+json")).run()
    app.selectbox[0].set_value(ROUTE).run()
    assert not app.exception
    assert any(md(repr(name)) in h.value for h in app.header), "markup in the file name is escaped"
    assert payload not in everything_shown(app).replace(name, "")


def test_conflicting_save_is_refused_on_the_page(make_app, data_dir: Path):
    app = sign_in(make_app())
    app.file_uploader[0].set_value(("route.geojson", changed_route(data_dir, "Mine"), "application/geo+json"))
    app.run()
    theirs = changed_route(data_dir, "Theirs")
    (data_dir / ROUTE).write_bytes(theirs)
    next(b for b in app.button if b.label == "Save").click().run()
    assert md(EN("editor.conflict", name=ROUTE)) == app.error[0].value
    assert (data_dir / ROUTE).read_bytes() == theirs


def test_editor_opens_when_no_data_ever_passed(make_app, data_dir: Path):
    (data_dir / ROUTE).write_text("{broken", encoding="utf-8")
    app = sign_in(make_app())
    assert not app.exception
    assert "not valid JSON" in app.code[0].value
    assert app.file_uploader, "the maintainer can upload a fix"


def test_korean_editor_signs_in_reviews_and_saves(make_app, data_dir: Path):
    ko = strings("ko")
    app = make_app()
    app.query_params["lang"] = "ko"
    app.run()
    assert app.title[0].value == md(ko("editor.title"))
    assert [t.label for t in app.text_input] == [ko("editor.name"), ko("editor.password")]
    app.text_input[1].input("not it")
    app.button[0].click().run()
    assert app.error[0].value == md(ko("editor.attempt_wrong"))
    sign_in(app)
    assert md(ko("editor.all_pass")) in everything_shown(app)
    new = changed_route(data_dir, "Retitled in Korean")
    app.file_uploader[0].set_value(("route.geojson", new, "application/geo+json")).run()
    assert not app.exception
    review = app.dataframe[-1].value
    assert review.to_dict("records") == [
        {
            ko("editor.col_change"): ko("editor.kind_changed"),
            ko("editor.col_id"): "laos-jungle",
            ko("editor.col_fields"): "title",
            ko("editor.col_before"): "title: Night trek through the jungle into Laos",
            ko("editor.col_after"): "title: Retitled in Korean",
            ko("editor.col_geometry"): "",
        }
    ]
    next(b for b in app.button if b.label == ko("editor.save")).click().run()
    saved = history.log(data_dir)[0]
    assert (
        md(ko("editor.saved", name=ROUTE, commit=saved.short, summary=saved.summary)) in app.success[0].value
    )
    assert (data_dir / ROUTE).read_bytes() == new


def test_named_maintainer_saves_under_their_name_then_restores(make_app, data_dir: Path):
    """argon2 accounts sign in; the history lists the save; a restore is a new commit and viewers see it."""
    app = make_app(password=None)
    app.secrets["maintainers"] = {"ada": {"password_hash": accounts.hash_password("ada's passphrase")}}
    before = (data_dir / ROUTE).read_bytes()
    sign_in(app, "ada's passphrase", name="ada")
    assert md(EN("editor.signed_in_as", name="ada")) in everything_shown(app)
    app.file_uploader[0].set_value(("route.geojson", changed_route(data_dir, "Retitled by Ada"), "x")).run()
    next(b for b in app.button if b.label == "Save").click().run()
    assert history.log(data_dir)[0].author == "ada"
    # The history: the first commit is the files as they were; the second, Ada's save.
    app.selectbox(key="history_pick").set_value(history.log(data_dir)[1]).run()
    baseline = history.log(data_dir)[1]
    restore = next(b for b in app.button if b.label.startswith("Restore route.geojson"))
    restore.click().run()
    assert not app.exception
    restored = history.log(data_dir)[0]
    assert restored.summary.startswith(f"Restore route.geojson to {baseline.short}")
    assert (data_dir / ROUTE).read_bytes() == before
    viewer = AppTest.from_file(APP, default_timeout=60)
    viewer.query_params["segment"] = "laos-jungle"
    viewer.run()
    assert viewer.subheader[0].value.endswith("Night trek through the jungle into Laos")


def test_a_wrong_name_or_password_looks_the_same(make_app):
    app = make_app(password=None)
    app.secrets["maintainers"] = {"ada": {"password_hash": accounts.hash_password("right")}}
    sign_in(app, "wrong", name="ada")
    first = app.error[0].value
    sign_in(app, "right", name="nobody")
    assert app.error[0].value == first == md(EN("editor.attempt_wrong"))
