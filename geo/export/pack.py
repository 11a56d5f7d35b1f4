"""The screening pack: one self-contained HTML file with the tour, for a laptop or a USB stick.

Built from the same ``geo`` code and data as the app: the map is
``mapview.build_map`` in the projector theme, the chapters are
``tour.chapters``, the chart is ``charts.timeline`` rendered to SVG.
Leaflet and its images are inlined, so opening the file from ``file://`` with
the network off requests nothing outside it.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from geo.data.dataset import Dataset
from geo.files import atomic_write
from geo.map.assets import ASSETS, AssetLinks, asset_file, read_asset
from geo.map.build import build_map
from geo.map.theme import PROJECTOR
from geo.story.charts import timeline_svg
from geo.story.i18n import Strings, translate_dataset
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
PACK_STRINGS = ("title", "tour", "previous", "next", "chart_toggle", "keys", "chart")


def build_pack(dataset: Dataset, tr: Strings) -> str:
    """The whole screening pack as one HTML string, in the language of ``tr`` (quotes stay as published)."""
    dataset = translate_dataset(dataset, tr)
    m = build_map(
        dataset,
        tr,
        theme=PROJECTOR,
        assets=AssetLinks(_SENTINEL),
        online_tiles=False,
        fit_route=False,
        inset=False,
    )
    page = inline_assets(m.get_root().render())
    chart_svg = timeline_svg(dataset, tr, width=560, height=320)
    overlay = _TEMPLATES.get_template("pack.html.j2").render(
        # Looked up as ``text["keys"]``: ``t.keys`` in a template is the dict's method, not the string.
        text={key: tr(f"pack.{key}") for key in PACK_STRINGS},
        sources_prefix_json=script_json(tr("map.sources")),
        map_name=m.get_name(),
        chapters_json=script_json([c.as_dict() for c in chapters(dataset, tr)]),
        # vl-convert output is generated from our own spec (data values are escaped by it).
        chart_svg=chart_svg,
    )
    head_extra, body_extra = overlay.split("<!-- body -->", 1)
    page = page.replace("</head>", head_extra + "</head>", 1)
    # folium puts the map script after </body>; the tour script must run after it.
    head, tail = page.rsplit("</html>", 1)
    return head + body_extra + "</html>" + tail


def output_path(out: Path) -> Path:
    """``--out`` may name a file (``*.html``) or a directory to put the default file name in."""
    if out.suffix.lower() in (".html", ".htm"):
        return out
    return out / DEFAULT_NAME


def write_pack(dataset: Dataset, out: Path, tr: Strings) -> Path:
    """Write atomically: a half-written file on a USB stick is worse than none."""
    target = output_path(out)
    atomic_write(target, build_pack(dataset, tr).encode("utf-8"))
    return target
