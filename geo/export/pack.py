"""The screening pack: one self-contained HTML file with the tour, for a laptop or a USB stick.

Built from the same ``geo`` code and data as the app: the map is
``geo.map.build.slide_map`` (projector theme, no controls), the chapters are
``tour.chapters``, the chart and the credits are ``geo.present.slides``'s, the
audience QR code is segno's SVG. Leaflet, its images and the show's own scripts
(``static/presenter``) are inlined, and a content security policy forbids any
request, so opening the file from ``file://`` requests nothing outside it.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import folium
from jinja2 import Environment, FileSystemLoader, select_autoescape

from geo import paths
from geo.data.dataset import Dataset
from geo.export.film import film_name
from geo.files import atomic_write, writing_output
from geo.fonts import with_font_faces
from geo.map.assets import ASSETS, AssetLinks, asset_file, read_asset
from geo.map.basemap import RELIEF_REL, relief_bytes
from geo.map.build import slide_map
from geo.map.figure import HeadPart, map_figure
from geo.present.qr import check_url, qr_svg
from geo.present.slides import chart_svg, credits, slide_panel, slide_parts
from geo.story.charts import timeline_summary
from geo.story.i18n import Strings, translate_dataset
from geo.story.tour import Chapter, chapters
from geo.text import script_json

DEFAULT_NAME = "escape-route-screening.html"
#: A URL prefix no real link has: the map links to its files under it, and the pack writes them in.
_SENTINEL = "inline-vendor:"
_BY_URL = {f"{_SENTINEL}/{rel}": name for name, rel in ASSETS.items()}
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)


def _css_with_inlined_images(name: str) -> str:
    """Leaflet's CSS points at ``images/*.png``; embed them so ``file://`` needs no sibling files."""
    css = read_asset(name)
    folder = asset_file(name).parent

    def embed(match: re.Match) -> str:
        path = folder / match.group(1)
        mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"
        return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()})"

    return re.sub(r"url\((images/[\w.@-]+)\)", embed, css)


def _inlined(part: HeadPart) -> str:
    """A part of the map's head with its vendored file written in: nothing outside the file may load."""
    if part.kind == "markup":
        return part.value
    name = _BY_URL.get(part.value)
    if name is None:
        raise RuntimeError(f"the map links to {part.value!r}, which is not a vendored asset")
    if part.kind == "script":
        return "<script>" + read_asset(name).replace("</script", "<\\/script") + "</script>"
    return "<style>" + _css_with_inlined_images(name) + "</style>"


def inline_map(m: folium.Map) -> dict[str, str]:
    """``m``'s figure parts for the pack's template (``head``, ``body``, ``script``), with every vendored
    script and style sheet inlined, and the basemap's relief a data: URL in the map's spec."""
    figure = map_figure(m)
    relief = f"data:image/webp;base64,{base64.b64encode(relief_bytes()).decode()}"
    script = figure.script.replace(f'"{_SENTINEL}/{RELIEF_REL}"', f'"{relief}"')
    if _SENTINEL in script:
        raise RuntimeError("the map's script points at a file that was not inlined")
    return {"head": "\n".join(_inlined(part) for part in figure.head), "body": figure.body, "script": script}


#: The pack's own interface strings (``pack.*`` in the catalogues), handed to the template as text.
PACK_STRINGS = (
    "title",
    "tour",
    "previous",
    "next",
    "chart_toggle",
    "keys",
    "present",
    "qr",
    "credits",
    "help",
    "fullscreen",
    "motion",
    "skip_map",
)
HELP_KEYS = (
    "next",
    "previous",
    "ends",
    "blackout",
    "present",
    "qr",
    "chart",
    "credits",
    "motion",
    "fullscreen",
    "film",
    "help",
)
#: Nothing outside the file may load: scripts and styles are inline, images are data: URIs. ``#check``
#: reports anything the policy blocked (collected from the first moment by the script after it).
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
    "font-src data:; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def _static(name: str) -> str:
    """One of the presenter's own files (``static/presenter``), to inline."""
    return (paths.STATIC_DIR / "presenter" / name).read_text(encoding="utf-8")


def _script(name: str) -> str:
    return _static(name).replace("</script", "<\\/script")


def _strings(tr: Strings) -> dict:
    """The show script's strings: every ``pack.*`` and ``slides.*`` string, and the help's key list."""
    tables = {"pack": {}, "slides": {}}
    for key in tr.fallback:
        table, _, name = key.partition(".")
        if table in tables:
            tables[table][name] = tr(key)
    return {
        **tables,
        "help_keys": [tr(f"pack.key_{key}") for key in HELP_KEYS],
        "film_file": film_name(tr.lang),
    }


def pack_slides(tour: list[Chapter], tr: Strings, audience_url: str | None) -> list[dict]:
    """The tour's chapters, the audience QR code (when there is an address for it), the credits."""
    out = [{"kind": "chapter", **c.as_dict()} for c in tour]
    if audience_url:
        out.append({"kind": "qr", "notes": tr("slides.qr_hint") + " " + audience_url})
    out.append({"kind": "credits", "notes": ""})
    return out


def build_pack(dataset: Dataset, tr: Strings, *, audience_url: str | None = None) -> str:
    """The whole screening pack as one HTML string, in the language of ``tr`` (quotes stay as published).

    ``audience_url``: the address the audience QR code opens (a slide and the Q key); none, no QR code.
    """
    dataset = translate_dataset(dataset, tr)
    url = check_url(audience_url) if audience_url else None
    m = slide_map(dataset, tr, assets=AssetLinks(_SENTINEL), online_tiles=False)
    closing = credits(dataset, tr)
    tour = chapters(dataset, tr)
    page = _TEMPLATES.get_template("pack.html.j2").render(
        lang=tr.lang,
        csp=CSP,
        map=inline_map(m),
        # Looked up as ``text["keys"]``: ``t.keys`` in a template is the dict's method, not the string.
        text={key: tr(f"pack.{key}") for key in PACK_STRINGS},
        # Every chapter's panel parts, written as the Presenter page writes them; pack.js swaps them in.
        panel=slide_panel(tour[0], tr),
        chapter_parts=[slide_parts(c, tr) for c in tour],
        data_json=script_json(
            {
                "lang": tr.lang,
                "mapName": m.get_name(),
                "slides": pack_slides(tour, tr, url),
                "strings": _strings(tr),
                "credits": {"title": closing.title, "sections": closing.sections},
                "audienceUrl": url,
            }
        ),
        has_qr=url is not None,
        # segno and vl-convert write these SVGs from our own input (a checked URL, our own chart spec).
        qr_svg=qr_svg(url, dark="#000000", light="#ffffff") if url else "",
        chart_svg=chart_svg(dataset, tr),
        chart_alt=timeline_summary(dataset, tr),
        slide_css=_static("slide.css"),
        fit_js=_script("fit.js"),
        pack_js=_script("pack.js"),
    )
    return with_font_faces(page)


def output_path(out: Path) -> Path:
    """``--out`` may name a file (``*.html``) or a directory to put the default file name in."""
    if out.suffix.lower() in (".html", ".htm"):
        return out
    return out / DEFAULT_NAME


def write_pack(dataset: Dataset, out: Path, tr: Strings, *, audience_url: str | None = None) -> Path:
    """Write atomically: a half-written file on a USB stick is worse than none (OutputError if it cannot)."""
    target = output_path(out)
    html = build_pack(dataset, tr, audience_url=audience_url).encode("utf-8")
    with writing_output(target):
        atomic_write(target, html)
    return target
