"""The printable handout: one A4 or Letter page to give the audience after a screening.

``python -m geo handout --out FILE.pdf [--lang ko] [--paper a4|letter] [--audience-url URL]`` and the
Presenter page's download. Everything on it comes from the same data and code as the map: the route
drawn with geopandas/matplotlib from ``data/countries.geojson`` and ``geo.map.build.drawn_lines`` (the
same curves as the map), the headline figures (``geo.story.figures``), three short quotes word for word
with speaker and source, every source, and the audience QR code (segno's modules, drawn as vectors).
Text is real text in the PDF (TrueType fonts embedded), so it can be searched and read aloud; Korean is
set in the vendored Noto Sans KR (``geo.fonts``: no system font needed), and breaks only between words.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.text
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from geo.data.dataset import Dataset
from geo.data.share import for_output, refuse_leaks, withheld
from geo.files import atomic_write, writing_output
from geo.fonts import font_path, matplotlib_family
from geo.map.basemap import draw_basemap
from geo.map.build import drawn_lines
from geo.map.theme import DASHED_KINDS, LIGHT, outline_style, segment_style
from geo.present.qr import check_url, qr_matrix
from geo.present.slides import full_source_line, map_credit_line, map_source_ids, source_ids
from geo.story.figures import headline_figures
from geo.story.i18n import DEFAULT, Strings, translate_dataset
from geo.story.quotes import quote_citation

#: Paper sizes in inches (portrait).
PAPER = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
#: Quotes short enough for a handout; three of them, one per topic, in the order the tour uses them.
MAX_QUOTE_CHARS = 170
QUOTES = 3
LATIN_FONT = "DejaVu Sans"
MARGIN = 0.055
#: The map's box: the left of the page, from under the title down to here (figure fractions).
MAP_WIDTH, MAP_BOTTOM = 0.55, 0.46
#: Scales of the text under the map, tried in turn until it fits on the page.
FIT_STEPS = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66)
#: The printed QR code's side: big enough for a phone at arm's length.
QR_INCHES = 1.45
INK, DIM, ACCENT = "#111111", "#4a4a4a", "#8a6d00"


class FontMissing(RuntimeError):
    """The vendored Korean font is not in the checkout (static/fonts/)."""


def cjk_font() -> str:
    """The vendored Korean font, registered with matplotlib: never a system font's presence."""
    if not font_path().is_file():
        raise FontMissing(f"the Korean font is missing: {font_path()} (run scripts/build_fonts.py)")
    return matplotlib_family()


#: Text is drawn as written: "$3,000 ... $20,000" is money, not TeX, and a "$\\x$" in the data is not code.
PLAIN_TEXT = {"text.parse_math": False}


def font_families(lang: str) -> list[str]:
    if lang == DEFAULT:
        return [LATIN_FONT]
    return [LATIN_FONT, cjk_font()]


def quote_rows(dataset: Dataset) -> list[pd.Series]:
    """Up to three short quotes the tour uses, one per topic, in tour order."""
    out, topics = [], set()
    for quote_id in dataset.tour["quote_id"]:
        quote = dataset.quote(quote_id) if quote_id else None
        if quote is None or len(quote["text"]) > MAX_QUOTE_CHARS or quote["topic"] in topics:
            continue
        topics.add(quote["topic"])
        out.append(quote)
    return out[:QUOTES]


def handout_quotes(dataset: Dataset, tr: Strings) -> list[tuple[str, str]]:
    """(quote, citation): word for word, with speaker and source."""
    return [(quote["text"], quote_citation(dataset, quote, tr)) for quote in quote_rows(dataset)]


def handout_sources(dataset: Dataset) -> list[str]:
    """The sources of what the page shows: the map, the figures (``figures.csv``) and the quotes on it."""
    quoted = [quote["source_id"] for quote in quote_rows(dataset)]
    ids = source_ids([*map_source_ids(dataset), *dataset.figures["source_ids"], *quoted])
    return [full_source_line(dataset, source_id) for source_id in ids]


@dataclass
class Page:
    """A figure and a cursor that writes wrapped text down a column, in figure fractions."""

    fig: Figure
    families: list[str]
    measure: TextToPath = field(default_factory=TextToPath)

    def width_pt(self, text: str, size: float, weight: str = "normal") -> float:
        props = FontProperties(family=self.families, size=size, weight=weight)
        return self.measure.get_text_width_height_descent(text, props, ismath=False)[0]

    def wrap(self, text: str, size: float, width: float, weight: str = "normal") -> list[str]:
        """Greedy word wrap to ``width`` (a figure fraction), only at spaces: Korean words stay whole."""
        limit = width * self.fig.get_figwidth() * 72
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if line and self.width_pt(candidate, size, weight) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        return [*lines, line] if line else lines

    def write(self, x: float, y: float, text: str, size: float, width: float, **style) -> float:
        """Write wrapped text with its top at ``y``; returns the y below it."""
        lines = self.wrap(text, size, width, style.get("weight", "normal"))
        step = size * 1.32 / 72 / self.fig.get_figheight()
        for i, line in enumerate(lines):
            self.fig.text(x, y - i * step, line, fontsize=size, va="top", family=self.families, **style)
        return y - len(lines) * step


def draw_map(ax, dataset: Dataset, tr: Strings) -> None:
    """The route on its countries, as on the map: the same curves, colours and dashes (light theme)."""
    (south, west), (north, east) = dataset.bounds()
    pad_x, pad_y = (east - west) * 0.08, (north - south) * 0.06
    for role, outlines in dataset.countries.groupby("role"):
        style = outline_style(role, LIGHT)
        outlines.plot(
            ax=ax, facecolor=style["fillColor"], edgecolor=style["color"], linewidth=style["weight"] * 0.5
        )
    draw_basemap(ax, LIGHT, tr.lang, dataset=dataset, font_size=5.5, families=font_families(tr.lang))
    lines = drawn_lines(dataset)
    for _, seg in dataset.route.iterrows():
        style = segment_style(seg["country"], seg["kind"], theme=LIGHT)
        xs, ys = zip(*lines[seg["id"]], strict=True)
        dashed = seg["kind"] in DASHED_KINDS
        if not dashed:
            ax.plot(xs, ys, color=LIGHT.casing, linewidth=4.2, solid_capstyle="round", zorder=3)
        ax.plot(
            xs,
            ys,
            color=style["color"],
            linewidth=1.6 if seg["kind"] == "flight" else 2.4,
            linestyle=(0, (4, 3)) if dashed else "-",
            solid_capstyle="round",
            zorder=4,
        )
    halo = [patheffects.withStroke(linewidth=2.6, foreground="white")]
    # The key places; the river is named by the Golden Triangle's own label at this scale.
    keys = dataset.places[(dataset.places["label"] == "always") & (dataset.places["role"] != "river")]
    for _, place in keys.iterrows():
        x, y = place.geometry.x, place.geometry.y
        left = x > west + 0.7 * (east - west)  # near the right edge: name it on its left, inside the map
        ax.plot([x], [y], "o", color="#222222", markerfacecolor="white", markersize=3.2, zorder=5)
        ax.annotate(
            place["name"],
            (x, y),
            xytext=(-4, 2) if left else (4, 2),
            textcoords="offset points",
            ha="right" if left else "left",
            fontsize=7,
            color=INK,
            path_effects=halo,
            zorder=6,
        )
    for _, country in dataset.countries[dataset.countries["role"] != "context"].iterrows():
        lon, lat = country["label"]
        if west - pad_x < lon < east + pad_x and south - pad_y < lat < north + pad_y:
            ax.text(
                lon,
                lat,
                tr.country(country["name"]).upper() if tr.lang == DEFAULT else tr.country(country["name"]),
                fontsize=6,
                color=DIM,
                ha="center",
                va="center",
                path_effects=halo,
                zorder=2,
            )
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - pad_y, north + pad_y)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_facecolor(LIGHT.sea)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def draw_qr(ax, url: str) -> None:
    """The code as vector squares with its quiet zone: sharp at any print resolution."""
    matrix = qr_matrix(url)
    size = len(matrix)
    ax.add_patch(matplotlib.patches.Rectangle((-4, -4), size + 8, size + 8, color="white", zorder=0))
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                ax.add_patch(
                    matplotlib.patches.Rectangle((c, size - 1 - r), 1, 1, color="black", lw=0, zorder=1)
                )
    ax.set_xlim(-4, size + 4)
    ax.set_ylim(-4, size + 4)
    ax.set_aspect("equal")
    ax.axis("off")


def _right_column(page: Page, dataset: Dataset, tr: Strings, url: str | None, top: float) -> None:
    x, width = 0.62, 1 - MARGIN - 0.62
    y = page.write(x, top, tr("handout.figures"), 11, width, weight="bold", color=INK) - 0.008
    for figure in headline_figures(dataset, tr):
        y = page.write(x, y, figure.value, 15, width, weight="bold", color=ACCENT)
        y = page.write(x, y, figure.label, 8, width, color=DIM) - 0.012
    if url:
        width_in, height_in = page.fig.get_size_inches()
        y = page.write(x, y - 0.01, tr("handout.qr"), 8.5, width, color=DIM)
        y = page.write(x, y, url, 8.5, width, weight="bold", color=INK)
        ax = page.fig.add_axes(
            (x, y - 0.008 - QR_INCHES / height_in, QR_INCHES / width_in, QR_INCHES / height_in)
        )
        draw_qr(ax, url)


def _below_the_map(page: Page, dataset: Dataset, tr: Strings, y: float, k: float) -> float:
    """The quotes, the sources and the credits, with type scaled by ``k``; returns where they end."""
    full, indent = 1 - 2 * MARGIN, MARGIN + 0.015
    y = (
        page.write(MARGIN, y - 0.02 * k, tr("handout.quotes"), 12 * k, full, weight="bold", color=INK)
        - 0.006 * k
    )
    for text, citation in handout_quotes(dataset, tr):
        y = page.write(indent, y, f"\u201c{text}\u201d", 10.5 * k, full - 0.015, style="italic", color=INK)
        y = page.write(indent, y - 0.002, citation, 7.5 * k, full - 0.015, color=DIM) - 0.012 * k
    if tr.lang != DEFAULT:
        y = page.write(MARGIN, y, tr("app.quotes_as_published"), 7.5 * k, full, color=DIM) - 0.006 * k
    y = (
        page.write(MARGIN, y - 0.01 * k, tr("handout.sources"), 12 * k, full, weight="bold", color=INK)
        - 0.006 * k
    )
    for line in handout_sources(dataset):
        y = page.write(indent, y, line, 8 * k, full - 0.015, color=INK) - 0.004 * k
    return page.write(MARGIN, y - 0.008 * k, map_credit_line(tr), 7 * k, full, color=DIM)


def handout_figure(
    dataset: Dataset, tr: Strings, *, paper: str = "a4", audience_url: str | None = None
) -> Figure:
    """The page. The text under the map is set smaller until it ends above the bottom margin: longer
    sources or translations never run off the page."""
    dataset = translate_dataset(dataset, tr)
    url = check_url(audience_url) if audience_url else None
    for k in FIT_STEPS:
        fig = Figure(figsize=PAPER[paper])
        page = Page(fig, font_families(tr.lang))
        full = 1 - 2 * MARGIN
        y = page.write(MARGIN, 1 - MARGIN, tr("handout.title"), 19, full, weight="bold", color=INK)
        y = page.write(MARGIN, y - 0.004, tr("handout.subtitle"), 9.5, full, color=DIM) - 0.012
        map_top = y
        draw_map(fig.add_axes((MARGIN, MAP_BOTTOM, MAP_WIDTH, map_top - MAP_BOTTOM)), dataset, tr)
        y = page.write(MARGIN, MAP_BOTTOM - 0.006, tr("handout.map_note"), 7.5, MAP_WIDTH, color=DIM)
        _right_column(page, dataset, tr, url, map_top)
        if _below_the_map(page, dataset, tr, y, k) >= MARGIN / 2:
            break
    return fig


def handout_pdf(
    dataset: Dataset, tr: Strings, *, paper: str = "a4", audience_url: str | None = None
) -> bytes:
    """The handout as PDF bytes: one page, fonts embedded as TrueType (text stays text). Carries public
    and ``handout`` items only; ShareError when its text would still name a ``room`` one."""
    # Type 42: TrueType embedded, so the text is text.
    style = {"pdf.fonttype": 42, "font.family": font_families(tr.lang), **PLAIN_TEXT}
    everything, dataset = dataset, for_output(dataset, "handout")  # public and handout items only
    with matplotlib.rc_context(style):
        fig = handout_figure(dataset, tr, paper=paper, audience_url=audience_url)
        written = "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        refuse_leaks("handout", {"the handout": written}, withheld(everything, "handout", [tr.get]))
        out = io.BytesIO()
        fig.savefig(out, format="pdf", metadata={"Title": tr("handout.title"), "Creator": "Escape Route Map"})
    return out.getvalue()


def write_handout(
    dataset: Dataset, out: Path, tr: Strings, *, paper: str = "a4", audience_url: str | None = None
) -> Path:
    """Write the PDF atomically (OutputError if it cannot: no half file)."""
    pdf = handout_pdf(dataset, tr, paper=paper, audience_url=audience_url)
    with writing_output(out):
        atomic_write(out, pdf)
    return out
