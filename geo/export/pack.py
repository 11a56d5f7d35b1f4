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

from jinja2 import Environment, FileSystemLoader, select_autoescape

from geo import paths
from geo.data.dataset import Dataset
from geo.export.film import film_name
from geo.files import atomic_write, writing_output
from geo.fonts import with_font_faces
from geo.map.assets import ASSETS, AssetLinks, asset_file, read_asset
from geo.map.basemap import RELIEF_REL, relief_bytes
from geo.map.build import slide_map
from geo.present.qr import check_url, qr_svg
from geo.present.slides import chart_svg, credits
from geo.story.charts import timeline_summary
from geo.story.i18n import DEFAULT, Strings, translate_dataset
from geo.story.tour import chapters
from geo.text import script_json

DEFAULT_NAME = "escape-route-screening.html"
#: A URL prefix no real link has, replaced by inlined files after rendering.
_SENTINEL = "inline-vendor:"
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


def inline_assets(html: str) -> str:
    """Replace every vendored ``<script src>``/``<link href>`` with the file's contents."""
    relief = f"data:image/webp;base64,{base64.b64encode(relief_bytes()).decode()}"
    html = html.replace(
        f'"{_SENTINEL}/{RELIEF_REL}"', f'"{relief}"'
    )  # the basemap's relief, in the map's spec
    for name, rel in ASSETS.items():
        url = f"{_SENTINEL}/{rel}"
        if rel.endswith(".js"):
            code = read_asset(name).replace("</script", "<\\/script")
            html = re.sub(
                rf'<script src="{re.escape(url)}"></script>', lambda _m, c=code: f"<script>{c}</script>", html
            )
        else:
            css = _css_with_inlined_images(name)
            html = re.sub(
                rf'<link rel="stylesheet" href="{re.escape(url)}"\s*/>',
                lambda _m, c=css: f"<style>{c}</style>",
                html,
            )
    if _SENTINEL in html:
        raise RuntimeError("an asset link was left un-inlined")
    return html


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
_HEAD_START = (
    f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
    "<script>window.__packBlocked = []; document.addEventListener('securitypolicyviolation', "
    "function (e) { window.__packBlocked.push(String(e.blockedURI)); });</script>\n"
)


def _static(name: str) -> str:
    """One of the presenter's own files (``static/presenter``), to inline."""
    return (paths.STATIC_DIR / "presenter" / name).read_text(encoding="utf-8")


def _script(name: str) -> str:
    return _static(name).replace("</script", "<\\/script")


def _strings(tr: Strings) -> dict:
    """The show script's strings: every ``pack.*`` and ``slides.*`` string, the help's key list, the
    sources prefix (with its colon)."""
    tables = {"pack": {}, "slides": {}}
    for key in tr.fallback:
        table, _, name = key.partition(".")
        if table in tables:
            tables[table][name] = tr(key)
    return {
        **tables,
        "help_keys": [tr(f"pack.key_{key}") for key in HELP_KEYS],
        "sources_prefix": tr("map.sources"),
        "film_file": film_name(tr.lang),
    }


def pack_slides(dataset: Dataset, tr: Strings, audience_url: str | None) -> list[dict]:
    """The tour's chapters, the audience QR code (when there is an address for it), the credits."""
    out = [{"kind": "chapter", **c.as_dict()} for c in chapters(dataset, tr)]
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
    page = inline_assets(m.get_root().render())
    closing = credits(dataset, tr)
    overlay = _TEMPLATES.get_template("pack.html.j2").render(
        # Looked up as ``text["keys"]``: ``t.keys`` in a template is the dict's method, not the string.
        text={key: tr(f"pack.{key}") for key in PACK_STRINGS},
        data_json=script_json(
            {
                "lang": tr.lang,
                "mapName": m.get_name(),
                "slides": pack_slides(dataset, tr, url),
                "strings": _strings(tr),
                "credits": {"title": closing.title, "sections": closing.sections},
                "audienceUrl": url,
                # Quotes stay in English, as published: other languages say so under each one.
                "quoteNote": tr("presenter.quote_note") if tr.lang != DEFAULT else "",
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
    head_extra, body_extra = overlay.split("<!-- body -->", 1)
    page = page.replace("<head>", "<head>\n" + _HEAD_START, 1)
    page = page.replace("<html>", f'<html lang="{tr.lang}">', 1)
    page = page.replace("</head>", head_extra + "</head>", 1)
    # The first stop for the keyboard: past the map's legs to the chapter (the template's skip link).
    skip, body_extra = body_extra.split("<!-- skip -->", 1)
    page = page.replace("<body>", "<body>\n" + skip.strip(), 1)
    # folium puts the map script after </body>; the tour script must run after it.
    head, tail = page.rsplit("</html>", 1)
    return with_font_faces(head + body_extra + "</html>" + tail)


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
