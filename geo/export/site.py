"""The audience site: a static, mobile-first Route Map for a screening's audience.

``python -m geo export --site DIR`` writes it. A few hundred phones opening the
Streamlit app at once would each need a Python session; this site is plain
files, so any static host serves it (nginx's ``/audience/``, GitHub Pages, an
object store, a USB stick opened with ``file://``), and a service worker keeps
it on a phone after the first load (browsers allow one over https and on
localhost only).

Layout (every link is relative, so it works under any path prefix)::

    index.html                  the first language asked for (English by default)
    ko/index.html               every other language in a folder of its own
    manifest.json, ko/...       web app manifests
    sw.js                       the service worker: precaches every other file
    assets/vendor/leaflet/...   vendored Leaflet (script, images, licence), as under static/
    assets/map/route-story.js   the map's own script (geo.map), as under static/
    assets/site.<hash>.css|js   the page's own style and behaviour (constant files)
    assets/chart.<lang>.<size>.<hash>.svg   the chart, rendered by vl-convert for a phone and wider
    assets/icon.svg

The map is ``geo.map.build.build_map``'s folium figure in its parts
(``geo.export.site_map``: its header's links and styles, its body, its script),
so whatever the builder draws the site draws.
The page's own data (legs, places, quotes) is JSON in a
``<script type="application/json">`` block that the page reads with
``JSON.parse`` and shows with ``textContent``: a page opened from ``file://``
cannot fetch a sibling JSON file. Everything else is rendered here by constant
Jinja templates with autoescaping.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import shapely
from jinja2 import Environment, FileSystemLoader, select_autoescape

from geo.data.dataset import Dataset
from geo.data.share import for_output, refuse_leaks, texts_of, withheld
from geo.export.owned_folder import FolderRefused, FolderWrite, safe_relative, write_owned_folder
from geo.export.site_map import ASSETS_DIR, MapParts, copied_files, map_parts
from geo.files import writing_output
from geo.fonts import with_font_faces
from geo.map.assets import ASSETS
from geo.map.theme import LIGHT
from geo.paths import STATIC_DIR
from geo.story import charts
from geo.story.figures import cost_change, headline_figures
from geo.story.i18n import DEFAULT, I18N_DIR, LANGUAGES, Strings, strings, translate_dataset
from geo.story.legs import leg, leg_titles
from geo.story.quotes import quote_citation
from geo.story.route_text import route_list, route_summary
from geo.text import esc, script_json

#: The first line of every ``sw.js`` this module writes: how ``write_site`` knows a folder is its own.
SITE_MARK = "// Escape Route Map: audience site"
#: The site's constant files (CSS, JS, icon), copied as they are.
STATIC = Path(__file__).parent / "static"
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)
#: A tap this close (CSS pixels) to a waypoint opens the leg that starts there; this close to a
#: leg, that leg (a 5 px line is hard to hit with a finger). The page's script reads both.
PLACE_PX = 12
TAP_PX = 20
#: How the page's script fits the view to a leg or the route: zoom at most, and the margins
#: (CSS pixels) it keeps clear of the map's controls.
FIT = {"max_zoom": 7, "padding": 28, "top": 60, "bottom": 44}
#: Seconds each leg stays on screen while the journey plays (as ``pages.ui.player.STEP_S``).
STEP_SECONDS = 6
#: Quotes listed in "In their words", and sources in "Sources", before "show all".
QUOTES_SHOWN = 5
SOURCES_SHOWN = 4


# ------------------------------------------------------------------------------------ the data


def _rounded(points: Sequence[Sequence[float]]) -> list[list[float]]:
    """``[lat, lon]`` pairs at 2 decimals at most: the data's own precision, and no more is ever shipped."""
    return [[round(float(a), 2), round(float(b), 2)] for a, b in points]


def _kind_note(kind: str, tr: Strings) -> str:
    return {"flight": tr("map.flight_note"), "symbolic": tr("map.symbolic_note")}.get(kind, "")


def leg_records(dataset: Dataset, tr: Strings) -> list[dict]:
    """Each leg's story as text fields, with its line (for taps) and bounds (for the view)."""
    total = len(dataset.route)
    records = []
    for number, (_, seg) in enumerate(dataset.route.iterrows(), start=1):
        story = leg(dataset, seg["id"], tr)
        assert story is not None
        records.append(
            {
                "id": story.id,
                "title": story.title,
                "kicker": tr("site.leg_of", number=number, total=total),
                "facts": story.facts,
                "summary": story.summary,
                "note": _kind_note(seg["kind"], tr),
                "color": LIGHT.color(seg["country"]),
                "quotes": [
                    {"text": q["text"], "cite": quote_citation(dataset, q, tr)}
                    for _, q in story.quotes.iterrows()
                ],
                "sources": [{"id": sid, "label": dataset.source_label(sid)} for sid in seg["sources"]],
                "line": _rounded([(lat, lon) for lon, lat, *_ in seg.geometry.coords]),
                "bounds": _rounded(dataset.bounds(story.id)),
            }
        )
    return records


def place_leg(dataset: Dataset, place: shapely.Point) -> str:
    """The leg a waypoint opens: the one that starts there, else the one that ends there, else the one
    passing nearest (of two as near, the later: a river between two legs opens its crossing)."""
    here = (round(place.x, 2), round(place.y, 2))
    route = list(dataset.route.iterrows())
    for end in (0, -1):
        for _, seg in route:
            x, y = seg.geometry.coords[end][:2]
            if (round(x, 2), round(y, 2)) == here:
                return seg["id"]
    nearest = min(round(seg.geometry.distance(place), 6) for _, seg in route)
    return [seg["id"] for _, seg in route if round(seg.geometry.distance(place), 6) == nearest][-1]


def place_records(dataset: Dataset) -> list[dict]:
    return [
        {
            "name": place["name"],
            "lat": round(place.geometry.y, 2),
            "lon": round(place.geometry.x, 2),
            "leg": place_leg(dataset, place.geometry),
        }
        for _, place in dataset.places.iterrows()
    ]


#: Where the snippet on the page says the embed lives, until the page (served over http) puts its own
#: address in: a file opened from a disk has none a partner could use.
EMBED_PLACEHOLDER = "YOUR-SITE/embed.html"
#: The message the embed sends its parent with its height, and the heights the snippet accepts.
EMBED_MESSAGE = "escape-route-map:height"
EMBED_HEIGHTS = (320, 4000)


def embed_snippet(tr: Strings, url: str = EMBED_PLACEHOLDER) -> str:
    """What a partner pastes into a page: the iframe, and a listener that sets its height from the
    embed's messages (only from that iframe's own window, within bounds). No cookies, no storage."""
    low, high = EMBED_HEIGHTS
    return (
        f'<iframe src="{url}" title="{esc(tr("route_map.title"))}" loading="lazy"\n'
        '  style="width:100%;height:720px;border:0"></iframe>\n'
        "<script>\n"
        'addEventListener("message", function (e) {\n'
        '  document.querySelectorAll("iframe").forEach(function (f) {\n'
        f'    if (f.contentWindow === e.source && e.data && e.data.type === "{EMBED_MESSAGE}") {{\n'
        f'      f.style.height = Math.min(Math.max(Number(e.data.height) || 0, {low}), {high}) + "px";\n'
        "    }\n"
        "  });\n"
        "});\n"
        "</script>"
    )


def page_data(
    dataset: Dataset,
    tr: Strings,
    map_name: str,
    root: str,
    *,
    embed: bool = False,
    embed_url: str = EMBED_PLACEHOLDER,
) -> dict:
    """Everything the page's script needs, as plain text and numbers."""
    return {
        "map": map_name,
        "embed": embed,
        "embedMessage": EMBED_MESSAGE,
        #: The snippet's placeholder address, which the page replaces with its own embed's.
        "embedPlaceholder": embed_url,
        #: From the page to the site's root, where the service worker is.
        "root": root,
        "step_seconds": STEP_SECONDS,
        "place_px": PLACE_PX,
        "tap_px": TAP_PX,
        "fit": FIT,
        "route_bounds": _rounded(dataset.bounds()),
        "legs": leg_records(dataset, tr),
        "places": place_records(dataset),
        "text": {
            "said_about_leg": tr("route_map.said_about_leg"),
            "no_quote": tr("route_map.no_quote"),
            "sources": tr("route_map.sources"),
            "whole_route": tr("site.whole_route_title"),
        },
    }


def source_url(value: object) -> str:
    """A source's link when it is a plain http(s) address; anything else (``javascript:``…) is dropped."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"'`]", url):
        return ""
    return url


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def source_records(dataset: Dataset) -> list[dict]:
    """Every source for the list at the foot of the page; ``url`` only where the data has one.

    A source whose headline is not known is linked by its address's host (``koreatimes.co.kr``).
    """
    records = []
    for src in dataset.sources.to_dict("records"):
        url = source_url(src.get("url"))
        records.append(
            {
                "id": src["id"],
                "outlet": src["outlet"],
                "title": src["title"] or _host(url),
                "byline": ", ".join(str(p) for p in (src.get("author"), src.get("date")) if p),
                "note": src.get("note") or "",
                "url": url,
            }
        )
    return records


def quote_records(dataset: Dataset, tr: Strings) -> list[dict]:
    titles = leg_titles(dataset)
    return [
        {
            "text": q["text"],
            "cite": quote_citation(dataset, q, tr),
            "leg": q["segment_id"] if q["segment_id"] in titles else "",
            "leg_title": titles.get(q["segment_id"], ""),
        }
        for _, q in dataset.quotes.iterrows()
    ]


# ------------------------------------------------------------------------------------ the chart


#: Plot widths (px) of the two renderings: a phone's column and a wide screen's half column.
CHART_WIDTHS = {"narrow": charts.NARROW_PLOT_PX, "wide": 520}


@dataclass(frozen=True)
class Chart:
    """``charts.timeline`` as SVG, one rendering per width (no Vega runtime on the page)."""

    svgs: dict[str, str]
    heading: str
    #: ``charts.timeline_summary``: the chart in one sentence, from the data.
    alt: str
    caption: str
    #: ``(date, title)`` of the events the chart marks, with their dates (the chart names them only).
    events: list[tuple[str, str]]
    sources: str


def _event_dates(dataset: Dataset, tr: Strings) -> list[tuple[str, str]]:
    """The events inside the chart's time axis, in date order, with their dates as the data gives them."""
    first_year = pd.Timestamp(charts.time_domain(dataset)[0], unit="ms").year
    return [
        (row["date"] + (f" {tr('chart.to')} {row['date_end']}" if row["date_end"] else ""), row["title"])
        for _, row in dataset.events.sort_values("date", kind="stable").iterrows()
        if int(row["date"][:4]) >= first_year
    ]


def chart(dataset: Dataset, tr: Strings) -> Chart:
    """The timeline of arrivals and the cost of a rescue, as the Route Map shows it, with its text."""
    cited = [*dataset.costs["source_ids"], *dataset.events["source_ids"], *dataset.arrivals["source_ids"]]
    labels = dict.fromkeys(dataset.source_label(sid) for ids in cited for sid in ids)
    return Chart(
        svgs={
            size: charts.timeline_svg(dataset, tr, theme="light", width=px)
            for size, px in CHART_WIDTHS.items()
        },
        heading=tr("route_map.cost_header"),
        alt=charts.timeline_summary(dataset, tr),
        caption=tr("site.chart_caption", change=cost_change(dataset, tr) or ""),
        events=_event_dates(dataset, tr),
        sources="; ".join(labels),
    )


# ------------------------------------------------------------------------------------ the page


@dataclass(frozen=True)
class PageSpec:
    """One language's page: where it lives and how it links to the others."""

    lang: str
    #: Folder under the site's root: ``""`` for the root page, ``"ko/"`` for the others.
    folder: str
    #: The page partner sites put in an iframe (``embed.html``): the map and the story only.
    embed: bool = False

    @property
    def root(self) -> str:
        """Relative path from this page's folder to the site's root."""
        return "../" * self.folder.count("/")

    @property
    def path(self) -> str:
        return f"{self.folder}{'embed' if self.embed else 'index'}.html"

    def embedded(self) -> PageSpec:
        return dataclasses.replace(self, embed=True)


def page_specs(langs: Sequence[str]) -> list[PageSpec]:
    """The first language at the root, every other one in a folder named after it."""
    return [PageSpec(lang, "" if i == 0 else f"{lang}/") for i, lang in enumerate(langs)]


def _link(frm: PageSpec, to: PageSpec) -> str:
    return posixpath.relpath(to.path, frm.folder or ".")


def render_page(
    data: Dataset,
    tr: Strings,
    spec: PageSpec,
    others: Sequence[PageSpec],
    assets: dict[str, str],
    parts: MapParts,
    the_chart: Chart,
) -> str:
    """The page's HTML. ``data`` is already in the language of ``tr`` (quotes stay as published)."""
    quotes = quote_records(data, tr)
    url = EMBED_PLACEHOLDER.replace("embed.html", f"{spec.folder}embed.html")  # this language's embed
    return _TEMPLATES.get_template("site.html.j2").render(
        lang=spec.lang,
        root=spec.root,
        assets={name: spec.root + path for name, path in assets.items()},
        tr=tr,
        languages=[(o.lang, LANGUAGES[o.lang], _link(spec, o)) for o in others],
        map=parts,
        data_json=script_json(page_data(data, tr, parts.name, spec.root, embed=spec.embed, embed_url=url)),
        embed=spec.embed,
        embed_snippet=embed_snippet(tr, url),
        summary=route_summary(data, tr),
        leg_quotes=[q for q in quotes if q["leg"]],
        quotes=quotes,
        quotes_shown=QUOTES_SHOWN,
        figures=headline_figures(data, tr),
        chart=the_chart,
        route_items=list(zip(data.route["id"], route_list(data, tr), strict=True)),
        sources=source_records(data),
        sources_shown=SOURCES_SHOWN,
        quotes_note=tr("app.quotes_as_published") if tr.lang != DEFAULT else "",
        site_css=(STATIC / "site.css").read_text(encoding="utf-8"),
    )


def manifest(tr: Strings, lang: str, root: str) -> str:
    return json.dumps(
        {
            "name": tr("route_map.title"),
            "short_name": tr("site.short_name"),
            "description": tr("site.description"),
            "lang": lang,
            "start_url": "./index.html",
            "scope": "./",
            "display": "standalone",
            "background_color": "#fbfaf7",
            "theme_color": "#16222d",
            "icons": [{"src": f"{root}{ASSETS_DIR}/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
        },
        ensure_ascii=False,
        indent=2,
    )


# ------------------------------------------------------------------------------------ the site


def _hashed(name: str, content: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:10]}{dot}{ext}"


def _write(root: Path, rel: str, content: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _service_worker(files: dict[str, bytes]) -> bytes:
    listed = sorted(files)
    version = hashlib.sha256(b"".join(p.encode() + b"\0" + files[p] for p in listed)).hexdigest()[:12]
    # Page folders are precached by their index.html; the worker answers "ko/" with "ko/index.html".
    text = _TEMPLATES.get_template("sw.js.j2").render(
        mark=SITE_MARK, version_json=script_json(version), files_json=script_json(listed)
    )
    return text.encode("utf-8")


def _own_assets() -> tuple[dict[str, bytes], dict[str, str]]:
    """The site's script and icon as files (the script under a content-hashed name: a new
    version is a new URL); its stylesheet is inlined in each page, as Leaflet's is."""
    script = (STATIC / "site.js").read_bytes()
    assets = {"site.js": f"{ASSETS_DIR}/{_hashed('site.js', script)}", "icon.svg": f"{ASSETS_DIR}/icon.svg"}
    files = {assets["site.js"]: script, assets["icon.svg"]: (STATIC / "icon.svg").read_bytes()}
    return files, assets


def _copies(rels: set[str]) -> dict[str, bytes]:
    """Files under ``static/`` at the same place under ``assets/``; a licence gets ``.txt``, so every
    server shows it as text."""
    files = {}
    for rel in sorted(rels):
        for file in copied_files(rel):
            target = f"{ASSETS_DIR}/{file}" + (".txt" if posixpath.basename(file) == "LICENSE" else "")
            files[target] = (STATIC_DIR / file).read_bytes()
    return files


def build_site(dataset: Dataset, translators: Sequence[Strings]) -> dict[str, bytes]:
    """Every file of the site, by path relative to its root. The first language is at the root.

    Only ``public`` items (``geo.data.share``); ShareError when a file would still name another.
    """
    everything, dataset = dataset, for_output(dataset, "site")
    specs = page_specs([tr.lang for tr in translators])
    files, assets = _own_assets()
    assets["licence"] = f"{ASSETS_DIR}/{posixpath.dirname(ASSETS['leaflet'])}/LICENSE.txt"
    linked: set[str] = set()
    for tr, spec in zip(translators, specs, strict=True):
        data = translate_dataset(dataset, tr)
        the_chart = chart(data, tr)
        for size, svg in the_chart.svgs.items():
            content = svg.encode("utf-8")
            assets[f"chart.{size}"] = f"{ASSETS_DIR}/{_hashed(f'chart.{spec.lang}.{size}.svg', content)}"
            files[assets[f"chart.{size}"]] = content
        parts = map_parts(data, tr, root=spec.root)
        linked |= set(parts.linked)
        others = [o for o in specs if o is not spec]
        for page_spec in (spec, spec.embedded()):
            page = with_font_faces(render_page(data, tr, page_spec, others, assets, parts, the_chart))
            files[page_spec.path] = page.encode("utf-8")
        files[f"{spec.folder}manifest.json"] = manifest(tr, spec.lang, spec.root).encode("utf-8")
    files |= _copies(linked)
    files["sw.js"] = _service_worker(files)
    refuse_leaks("site", texts_of(files), withheld(everything, "site", [tr.get for tr in translators]))
    return files


def translators_for(langs: Sequence[str], i18n_dir: Path = I18N_DIR) -> list[Strings]:
    """One translator per language asked for, in that order; ValueError for an unknown code."""
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        known, got = ", ".join(LANGUAGES), ", ".join(langs) or "none"
        raise ValueError(f"languages must be some of {known}; got {got}")
    return [strings(lang, i18n_dir) for lang in dict.fromkeys(langs)]


class NotASiteError(FolderRefused):
    """The output folder holds something else, or a symbolic link in the way: nothing is written."""


def is_site(folder: Path) -> bool:
    sw = folder / "sw.js"
    return sw.is_file() and sw.read_text(encoding="utf-8", errors="replace").startswith(SITE_MARK)


def _owned_by_an_older_site(folder: Path) -> list[str] | None:
    """What a site written before manifests owns: the files its service worker precaches, and itself.

    An empty folder owns nothing; any other folder without a manifest is not ours (None).
    """
    if not any(folder.iterdir()):
        return []
    if folder.joinpath("sw.js").is_symlink() or not is_site(folder):
        return None
    found = re.search(r"^var FILES = (\[.*\]);$", (folder / "sw.js").read_text(encoding="utf-8"), re.M)
    try:
        listed = json.loads(found.group(1)) if found else []
    except ValueError:
        listed = []
    return [rel for rel in listed if safe_relative(rel)] + ["sw.js"]


def write_site(dataset: Dataset, out: Path, translators: Sequence[Strings]) -> FolderWrite:
    """Write the site to ``out``: its own earlier files replaced or removed, the user's kept.

    See ``geo.export.owned_folder``: a server never serves half a site, a failure
    leaves the old one, and a symbolic link is refused, never followed. Raises
    NotASiteError for a folder that is not ours, OutputError when the disk says no.
    """
    out = Path(out)
    files = build_site(dataset, translators)
    try:
        with writing_output(out):
            return write_owned_folder(out, files, owned_before=_owned_by_an_older_site)
    except FolderRefused as exc:
        raise NotASiteError(str(exc)) from exc
