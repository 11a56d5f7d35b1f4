"""Issue 18, "Data is never code": hostile text in every free-text field and every catalogue string.

A copy of ``data/`` gets template syntax of every kind (``{{ 7*7 }}``, code
that would create a directory or print the server's pid, ``{% %}``, ``{# #}``,
unbalanced braces), HTML and script, Markdown, LaTeX, a colour directive, a
bare URL and a spreadsheet formula in every free-text field and every string
of ``en.toml`` and ``ko.toml`` (``payloads.py``). The files still pass
validation, so they reach every page. Then, in English and Korean: every app
page under AppTest, the editor's preview of a hostile upload, and the screening
pack export. Nothing may crash, nothing may be evaluated, and every planted
value must be shown whole, as written (``appview.py``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import cli, paths
from geo.data import load_dataset
from geo.data.validation import read_files, validate_files
from geo.edit import accounts
from geo.story.i18n import TRANSLATABLE, strings, validate_catalogues
from geo.story.route_text import route_table
from geo.story.sources import source_usage
from geo.text import csv_bytes, script_json
from pages.ui import maintainers
from pages.ui.cache import DATA_DIR_ENV
from tests.conftest import open_page
from tests.security import appview
from tests.security.payloads import FIELDS, PIECES, RCE_DIR, Planted, plant
from tests.security.streamlit_markdown import shown

APP = str(paths.PROJECT_DIR / "app.py")
PASSWORD = "a long enough maintainer passphrase"
LANGS = ("en", "ko")


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Planted:
    return plant(tmp_path_factory.mktemp("planted") / "data")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Iterator[Path]:
    """The working directory while the app and the export run: an evaluated ``os.mkdir`` would land here."""
    path = tmp_path_factory.mktemp("cwd")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(path)
        yield path
    assert not (path / RCE_DIR).exists(), "template text in the data ran as Python"


@pytest.fixture
def app_env(monkeypatch, planted: Planted, workdir: Path) -> Planted:
    monkeypatch.setenv(DATA_DIR_ENV, str(planted.data_dir))
    monkeypatch.delenv(accounts.PASSWORD_ENV, raising=False)
    return planted


def run_page(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    for name, value in params.items():
        at.query_params[name] = value
    return open_page(at, page).run()


def test_the_planted_data_passes_validation_so_it_reaches_every_page(planted: Planted):
    validation = validate_files(read_files(planted.data_dir))
    assert validation.ok, validation.findings
    for (file, field), limit in FIELDS.items():
        assert planted.pieces[(file, field)] == set(PIECES), f"{file} {field}: every kind of payload"
        values = [v for (f, _, name), v in planted.fields.items() if (f, name) == (file, field)]
        assert values
        assert all(limit is None or len(v) <= limit for v in values)
    # The catalogue check rejects the HTML in every string (the app must still show it as text).
    findings = validate_catalogues(planted.data_dir / "i18n")
    assert {f.message for f in findings if f.is_error} == {
        "looks like HTML or an HTML entity; translations are plain text, shown as written"
    }
    assert strings("ko", planted.data_dir / "i18n")("route_map.quote_count", shown=1, total=2).startswith(
        PIECES["formula"] + " " + PIECES["rce"]
    ), "doubled braces in a catalogue show as single ones"


def _markers(planted: Planted, lang: str, file: str, field: str, records: str = r"[\w-]+") -> set[int]:
    """Markers of a data field as ``lang`` shows it: the data itself, or its Korean translation when
    the field is translated (``geo.story.i18n.TRANSLATABLE``)."""
    table = file.split(".")[0]
    if lang != "en" and field in TRANSLATABLE.get(table, ()):
        pattern = rf"i18n/ko\.toml:{table}\.{records}\.{field}:$"
    else:
        pattern = rf"{re.escape(file)}:{records}:{field}$"
    return {n for n, where in planted.where.items() if re.match(pattern, where)}


@pytest.mark.parametrize("lang", LANGS)
def test_viewer_pages_show_every_planted_value_as_text(app_env: Planted, lang: str):
    planted, seen, problems = app_env, set(), []
    route = run_page("pages/route.py", lang)
    problems += appview.check_run(route, planted, seen)
    problems += appview.check_run(route.toggle(key="all_quotes").set_value(True).run(), planted, seen)
    runs = [run_page("pages/route.py", lang, segment=s) for s in ("nk-to-china", "laos-jungle")]
    runs += [run_page("pages/presenter.py", lang, chapter=str(n)) for n in range(1, 12)]
    runs.append(run_page("pages/sources.py", lang))
    for at in runs:
        problems += appview.check_run(at, planted, seen)
    assert not problems, "\n".join(problems[:40])

    must_show = {
        "route titles": _markers(planted, lang, paths.ROUTE, "title"),
        "tour titles and texts": _markers(planted, lang, paths.TOUR, "title")
        | _markers(planted, lang, paths.TOUR, "text"),
        "headline figures": _markers(planted, lang, paths.FIGURES, "period", "rescued-[\\w-]+")
        | _markers(planted, lang, paths.FIGURES, "note", "rescued-[\\w-]+"),
        "quotes": set().union(
            *(_markers(planted, lang, paths.QUOTES, f) for f in ("speaker", "role", "text"))
        ),
        "sources": set().union(
            *(_markers(planted, lang, paths.SOURCES, f) for f in ("outlet", "title", "author", "note"))
        ),
    }
    for what, markers in must_show.items():
        missing = sorted(planted.where[n] for n in markers - seen)
        assert not missing, f"{what} not shown: {missing[:5]}"
    interface = {n for n in planted.markers(f"i18n/{lang}.toml:") if n in seen} - set().union(
        *must_show.values()
    )
    assert len(interface) > 60, "the pages show their planted interface strings"
    chosen = set().union(
        *(_markers(planted, lang, paths.ROUTE, "summary", leg) for leg in ("nk-to-china", "laos-jungle"))
    )
    assert chosen, "the two chosen legs' summaries were planted"
    assert chosen <= seen, "the two chosen legs' summaries (the Sources page lists every leg's too)"


def test_route_and_sources_downloads_neutralise_formulas(app_env: Planted):
    at = run_page("pages/route.py", "en")
    assert [b.proto.label for b in appview.elements(at, "download_button")], "the route table has a download"
    at_sources = run_page("pages/sources.py", "en")
    assert appview.elements(at_sources, "download_button"), "the sources table has a download"
    data = load_dataset(app_env.data_dir)
    tr = strings("ko", app_env.data_dir / "i18n")
    for rows in (route_table(data, tr).to_dict("records"), source_usage(data).to_dict("records")):
        text = csv_bytes(rows).decode("utf-8-sig")
        assert PIECES["formula"].replace('"', '""') in text, "the planted formula is in the download"
        cells = [c for line in csv.reader(io.StringIO(text, newline="")) for c in line]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


def _changed_upload(planted: Planted) -> bytes:
    obj = json.loads((planted.data_dir / paths.ROUTE).read_text(encoding="utf-8"))
    props = obj["features"][5]["properties"]
    props["title"] = "</script><script>window.__pwned=1</script> {{ 7*7 }} {% if 1 %}T{% endif %}"
    props["summary"] = " ".join(PIECES.values())
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_the_editor_previews_a_planted_upload_as_data(app_env: Planted, lang: str):
    planted, seen = app_env, set()
    maintainers.throttle.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets[accounts.LEGACY_SECRET_KEY] = PASSWORD
    at.query_params["lang"] = lang
    at.switch_page("pages/editor.py").run()
    problems = appview.check_run(at, planted, seen)
    at.text_input[0].input("")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.file_uploader, "signed in"
    problems += appview.check_run(at, planted, seen)
    name = "route <img src=x onerror=alert(1)> {{ 7*7 }}.geojson"
    at.file_uploader[0].set_value((name, _changed_upload(planted), "application/geo+json")).run()
    problems += appview.check_run(at, planted, seen)
    assert not problems, "\n".join(problems[:40])
    headers = "\n".join(shown(h.value) for h in at.header)
    assert shown(repr(name)) in "\n".join(appview.render(h.value).text for h in at.header), headers
    changes = at.dataframe[-1].value
    assert list(changes.iloc[:, 1]) == ["laos-jungle"], "the review lists the change by id"
    maps = appview.elements(at, "component_instance")
    assert len(maps) >= 3, "the sketch map and the preview before and after"
    after = maps[-1].proto.json_args
    assert script_json("</script><script>window.__pwned=1</script>")[1:-1] in json.loads(after)["script"]
    save = next(b for b in at.button if b.proto.icon == ":material/save:")
    assert not save.disabled, "valid planted data can be saved: only validation decides"


@pytest.mark.parametrize("lang", LANGS)
def test_export_writes_the_pack_with_the_data_as_data(
    planted: Planted, workdir: Path, tmp_path: Path, lang: str
):
    out = tmp_path / "pack.html"
    assert cli.main(["export", "--out", str(out), "--lang", lang, "--data", str(planted.data_dir)]) == 0
    pack = out.read_text(encoding="utf-8")
    assert not (workdir / RCE_DIR).exists()
    assert f"pid={os.getpid()}" not in pack
    parsed = _Pack()
    parsed.feed(pack)
    scripts = "\n".join(parsed.scripts)
    for piece in PIECES.values():
        if set(piece) & set("<>"):
            assert piece not in pack, f"raw {piece!r} in the pack"
    # Template syntax is inert text in the template's HTML (the title, the buttons), never in a script.
    for token in ("{{", "{%", "{#"):
        assert token not in scripts, f"{token!r} in a script of the pack"
    for piece in ("{{ 7*7 }}", "{# c #}", "}} {{ {% {#", "<img src=x onerror=alert(1)>"):
        assert script_json(piece)[1:-1] in scripts, f"{piece!r} is in the pack's data, JSON-escaped"
    assert not parsed.tags & {"img", "iframe", "a"}, "no element from data"
    tr = strings(lang, planted.data_dir / "i18n")
    data = json.loads(
        re.search(r'<script type="application/json" id="pack-data">(.*?)</script>', pack, re.S).group(1)
    )
    chapters = [slide for slide in data["slides"] if slide["kind"] == "chapter"]
    tour_titles = {v for (f, _, field), v in planted.fields.items() if (f, field) == (paths.TOUR, "title")}
    if lang == "en":
        assert {c["title"] for c in chapters} == tour_titles, "chapter titles exactly as planted"
    else:
        assert {c["title"] for c in chapters} == {tr.get(f"tour.{c['id']}.title") for c in chapters}, (
            "Korean chapter titles exactly as planted"
        )
    # The template's own text (title, buttons, labels) is the planted catalogue text, HTML-escaped, not run.
    assert parsed.title == tr("pack.title")
    assert tr("pack.next") in parsed.texts
    assert tr("pack.tour") in parsed.attributes
    assert PIECES["expression"] in parsed.title, "{{ 7*7 }} shown, not evaluated"


@pytest.fixture(scope="module")
def site(planted: Planted, workdir: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert cli.main(["export", "--site", str(out), "--data", str(planted.data_dir)]) == 0
    return out


@pytest.mark.parametrize("page", ["index.html", "ko/index.html"])
def test_export_writes_the_audience_site_with_the_data_as_data(
    planted: Planted, workdir: Path, site: Path, page: str
):
    html = (site / page).read_text(encoding="utf-8")
    assert not (workdir / RCE_DIR).exists()
    assert f"pid={os.getpid()}" not in html
    parsed = _Pack()
    parsed.feed(html)
    scripts = "\n".join(parsed.scripts)
    for piece in PIECES.values():
        if set(piece) & set("<>"):
            assert piece not in html, f"raw {piece!r} in {page}"
    for piece in ("{{ 7*7 }}", "{# c #}", "}} {{ {% {#", "<img src=x onerror=alert(1)>"):
        assert script_json(piece)[1:-1] in scripts, f"{piece!r} is in {page}'s data, JSON-escaped"
    assert PIECES["expression"] in parsed.title, "{{ 7*7 }} shown in the title, not evaluated"
    assert not [a for a in parsed.attribute_names if a.startswith("on")], "no event handler from data"
    allowed = appview.source_urls(planted.data_dir)
    external = [h for h in parsed.hrefs if re.match(r"[a-z]+:", h)]
    assert external, "the sources are linked"
    assert set(external) <= allowed, f"links other than the sources' own addresses: {set(external) - allowed}"
    # The chart images' text is the planted catalogue and data text as SVG text nodes, escaped.
    for svg in site.glob("assets/chart.*.svg"):
        chart = svg.read_text(encoding="utf-8")
        assert "<script" not in chart
        assert "<img" not in chart


class _Pack(HTMLParser):
    """The pack's scripts, its elements, and its text and attributes outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.texts: list[str] = []
        self.attributes: list[str] = []
        self.tags: set[str] = set()
        self.attribute_names: list[str] = []
        self.hrefs: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        # The pack's own skip link (past the map to the chapter) is the one link it writes.
        if not (tag == "a" and dict(attrs) == {"class": "skip", "href": "#slide-panel"}):
            self.tags.add(tag)
        self.attributes += [v for _, v in attrs if v]
        self.attribute_names += [name for name, _ in attrs]
        self.hrefs += [v for name, v in attrs if name == "href" and v]
        self._in = tag if tag in ("script", "style", "title") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "title":
            self.title += data
        elif self._in != "style":
            self.texts.append(data.strip())
