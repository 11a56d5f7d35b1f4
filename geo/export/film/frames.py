"""The film's frames, drawn with matplotlib: the same countries, curves and colours as the pack's map.

Why matplotlib and not screenshots of the pack in Chromium: ``./run`` alone can make a film (no browser,
no dev requirements), the frames are the same bytes on every run (no clock, no GPU, no fonts from the
system), and a frame of a held chapter is drawn once and repeated. The map is in Web Mercator, as the
pack's Leaflet map is, in the projector's dark theme; captions sit in a band under it, sized as a share
of the frame's height so they read the same from the back of a room at 720p and 1080p.

One ``FilmCanvas`` holds one figure whose artists are made once; a frame only moves the view, lengthens
the leg being drawn and, at a scene change, replaces the caption's text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import Transformer

from geo.data.dataset import Dataset
from geo.export.film.plan import Caption, FilmPlan, Scene
from geo.export.handout import PLAIN_TEXT, Page, font_families
from geo.map.basemap import draw_basemap
from geo.map.build import drawn_lines
from geo.map.theme import DASHED_KINDS, PROJECTOR, outline_style, segment_style
from geo.story.i18n import DEFAULT, Strings, translate_dataset

DPI = 100
#: The caption band's share of the frame's height, under the map.
BAND = 0.4
#: Type sizes as shares of the frame's height (at 1080p: title 58 px, text 39 px, small 28 px; a
#: 1080p frame on a 3 m screen makes text 10 cm tall, readable from 15 m).
TITLE_H, TEXT_H, SMALL_H, BIG_H = 0.054, 0.036, 0.026, 0.066
#: Scales tried in turn until a caption fits its band.
FIT_STEPS = (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62)
MARGIN_X = 0.045
THEME = PROJECTOR
ACCENT = "#ffd400"
GHOST = "#6f7a86"
#: The narrowest view, in metres: a short leg still shows the towns and borders around it.
MIN_VIEW_M = 450_000.0
TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)

#: A view: centre x, centre y and width, in Web Mercator metres.
View = tuple[float, float, float]


def ease(f: float) -> float:
    """Ease in and out (smoothstep): a flight starts and lands gently."""
    f = min(max(f, 0.0), 1.0)
    return f * f * (3 - 2 * f)


def view_of(bounds: list[list[float]], aspect: float, pad: float = 0.18) -> View:
    """The view that shows ``[[south, west], [north, east]]`` whole, padded, in a map of ``aspect`` (w/h)."""
    (south, west), (north, east) = bounds
    (x0, x1), (y0, y1) = TO_MERCATOR.transform([west, east], [south, north])
    width = max(x1 - x0, (y1 - y0) * aspect, MIN_VIEW_M) * (1 + 2 * pad)
    return ((x0 + x1) / 2, (y0 + y1) / 2, width)


def fly(a: View, b: View, f: float) -> View:
    """Between two views: the centre moves, the width changes geometrically (as a zoom does)."""
    f = ease(f)
    width = math.exp(math.log(a[2]) * (1 - f) + math.log(b[2]) * f)
    return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, width)


def partial(line: np.ndarray, f: float) -> np.ndarray:
    """The first ``f`` of a polyline by length: the leg as drawn so far."""
    if f >= 1:
        return line
    if f <= 0 or len(line) < 2:
        return line[:0]
    steps = np.hypot(*np.diff(line, axis=0).T)
    along = np.concatenate([[0], np.cumsum(steps)])
    cut = along[-1] * f
    i = int(np.searchsorted(along, cut, side="right"))
    i = min(max(i, 1), len(line) - 1)
    t = (cut - along[i - 1]) / (steps[i - 1] or 1)
    return np.vstack([line[:i], line[i - 1] + (line[i] - line[i - 1]) * t])


@dataclass(frozen=True)
class FrameState:
    """Everything that decides a frame's pixels: equal states give equal frames, drawn once."""

    scene: int
    view: View
    #: Per leg being drawn, the share drawn (rounded, so a held frame repeats exactly).
    progress: tuple[float, ...]


class FilmCanvas:
    """The figures the frames are drawn on, for one language and size: the map, whose artists are made
    once and only move, and a caption figure drawn once per scene (text is most of a frame's cost)."""

    def __init__(self, dataset: Dataset, tr: Strings, plan: FilmPlan, width: int, height: int) -> None:
        self.dataset = translate_dataset(dataset, tr)
        self.tr = tr
        self.plan = plan
        self.width, self.height = width, height
        self.families = font_families(tr.lang)
        self.map_height = 2 * round(height * (1 - BAND) / 2)
        self.map_fig = Figure(figsize=(width / DPI, self.map_height / DPI), dpi=DPI, facecolor=THEME.sea)
        self.map_canvas = FigureCanvasAgg(self.map_fig)
        self.ax = self.map_fig.add_axes((0, 0, 1, 1))
        self.map_aspect = width / self.map_height
        self._lines = {
            k: np.array(TO_MERCATOR.transform(*zip(*v, strict=True))).T
            for k, v in drawn_lines(self.dataset).items()
        }
        with matplotlib.rc_context(PLAIN_TEXT):
            self._draw_base()
            self._legs = self._draw_legs()
        self._captions: dict[int, np.ndarray] = {}
        self.whole = view_of(self.dataset.bounds(), self.map_aspect, pad=0.06)

    # ------------------------------------------------------------------------------- the map

    def _pt(self, share: float) -> float:
        """A type size in points from a share of the frame's height."""
        return share * self.height * 72 / DPI

    def _draw_base(self) -> None:
        ax = self.ax
        ax.set_facecolor(THEME.sea)
        ax.set_axis_off()
        countries = self.dataset.countries.to_crs(3857)
        for role, outlines in countries.groupby("role"):
            style = outline_style(role, THEME)
            outlines.plot(ax=ax, facecolor=style["fillColor"], edgecolor=style["color"], linewidth=0.8)
        halo = [patheffects.withStroke(linewidth=3, foreground=THEME.label_halo)]
        size = self._pt(SMALL_H) * 0.9
        draw_basemap(
            ax, THEME, self.tr.lang, project=TO_MERCATOR.transform, dataset=self.dataset,
            font_size=size * 0.85, families=self.families, labels_up_to_degrees=20,
        )  # fmt: skip
        for _, country in self.dataset.countries[self.dataset.countries["role"] != "context"].iterrows():
            x, y = TO_MERCATOR.transform(*country["label"])
            name = self.tr.country(country["name"])
            ax.text(
                x, y, name.upper() if self.tr.lang == DEFAULT else name, fontsize=size, color=GHOST,
                ha="center", va="center", family=self.families, path_effects=halo, zorder=2, clip_on=True,
            )  # fmt: skip
        keys = self.dataset.places[
            (self.dataset.places["label"] == "always") & (self.dataset.places["role"] != "river")
        ]
        for _, place in keys.iterrows():
            x, y = TO_MERCATOR.transform(place.geometry.x, place.geometry.y)
            ax.plot([x], [y], "o", color="#000000", markerfacecolor="#ffffff", markersize=5, zorder=6)
            ax.annotate(
                place["name"], (x, y), xytext=(7, 4), textcoords="offset points", fontsize=size,
                color=THEME.label, family=self.families, path_effects=halo, zorder=7, annotation_clip=True,
            )  # fmt: skip

    def _draw_legs(self) -> dict[str, tuple]:
        """Per leg: a faint ghost of the whole route (where the story goes), a casing and the line."""
        out = {}
        for _, seg in self.dataset.route.iterrows():
            line = self._lines[seg["id"]]
            style = segment_style(seg["country"], seg["kind"], theme=THEME)
            dashed = seg["kind"] in DASHED_KINDS
            width = 2.6 if seg["kind"] == "flight" else 4.2
            self.ax.plot(line[:, 0], line[:, 1], color=GHOST, linewidth=1.2, alpha=0.55, zorder=3)
            (casing,) = self.ax.plot(
                [], [], color=THEME.casing, linewidth=width + 3.2, solid_capstyle="round", zorder=4,
                alpha=0 if dashed else 0.9,
            )  # fmt: skip
            (drawn,) = self.ax.plot(
                [], [], color=style["color"], linewidth=width, linestyle=(0, (4, 3)) if dashed else "-",
                solid_capstyle="round", zorder=5,
            )  # fmt: skip
            out[seg["id"]] = (line, casing, drawn)
        return out

    # ---------------------------------------------------------------------------- the states

    def _view_of(self, scene: Scene) -> View:
        if scene.kind != "chapter" or scene.bounds is None:
            return self.whole
        return view_of(scene.bounds, self.map_aspect)

    def state_at(self, t: float) -> FrameState:
        index = next((i for i, s in enumerate(self.plan.scenes) if t < s.end), len(self.plan.scenes) - 1)
        scene = self.plan.scenes[index]
        local = t - scene.start
        before = self._view_of(self.plan.scenes[index - 1]) if index else self.whole
        view = fly(before, self._view_of(scene), local / scene.fly_s) if scene.fly_s else self._view_of(scene)
        progress: tuple[float, ...] = ()
        if scene.drawing:
            f = ease((local - scene.fly_s) / scene.draw_s) if scene.draw_s else 1.0
            lengths = np.array([self._length(leg) for leg in scene.drawing])
            done = f * lengths.sum()
            starts = np.cumsum(lengths) - lengths
            progress = tuple(
                round(float(min(max((done - s) / (length or 1), 0.0), 1.0)), 3)
                for s, length in zip(starts, lengths, strict=True)
            )
        return FrameState(index, tuple(round(v, -2) for v in view), progress)

    def _length(self, leg: str) -> float:
        line = self._lines[leg]
        return float(np.hypot(*np.diff(line, axis=0).T).sum()) if len(line) > 1 else 0.0

    # ---------------------------------------------------------------------------- drawing

    def render(self, state: FrameState) -> bytes:
        """One frame as raw RGB bytes (width × height × 3): the map over the scene's caption band."""
        scene = self.plan.scenes[state.scene]
        caption = self._caption(state.scene)
        if scene.kind == "credits":
            return caption.tobytes()
        return np.vstack([self._map(scene, state), caption]).tobytes()

    def _map(self, scene: Scene, state: FrameState) -> np.ndarray:
        shares = dict(zip(scene.drawing, state.progress, strict=True))
        for leg, (line, casing, drawn) in self._legs.items():
            f = 1.0 if leg in scene.drawn else shares.get(leg, 0.0)
            part = partial(line, f)
            casing.set_data(part[:, 0], part[:, 1])
            drawn.set_data(part[:, 0], part[:, 1])
        cx, cy, width = state.view
        height = width / self.map_aspect
        self.ax.set_xlim(cx - width / 2, cx + width / 2)
        self.ax.set_ylim(cy - height / 2, cy + height / 2)
        self.map_canvas.draw()
        return np.asarray(self.map_canvas.buffer_rgba())[:, :, :3]

    def _caption(self, index: int) -> np.ndarray:
        """The scene's caption as pixels, drawn once: the band under the map, or the whole frame."""
        if index not in self._captions:
            scene = self.plan.scenes[index]
            full = scene.kind == "credits"
            height = self.height if full else self.height - self.map_height
            fig = Figure(figsize=(self.width / DPI, height / DPI), dpi=DPI, facecolor=THEME.sea)
            canvas = FigureCanvasAgg(fig)
            layout = _CaptionLayout(fig, Page(fig, self.families), self.height)
            with matplotlib.rc_context(PLAIN_TEXT):
                if full:
                    layout.place(scene.caption, top=0.92, bottom=0.05, credits=True)
                else:
                    layout.place(scene.caption, top=0.9, bottom=0.06, big=scene.kind == "title")
            canvas.draw()
            self._captions = {index: np.asarray(canvas.buffer_rgba())[:, :, :3].copy()}
        return self._captions[index]


@dataclass
class _CaptionLayout:
    """Caption text on one figure, sized as shares of the film frame's height, shrunk until it fits."""

    fig: Figure
    page: Page
    frame_height: int

    def _pt(self, share: float) -> float:
        return share * self.frame_height * 72 / DPI

    def _frac(self, points: float) -> float:
        """A height in points as a fraction of this figure's height."""
        return points / 72 * DPI / (self.fig.get_figheight() * DPI)

    def _blocks(self, caption: Caption, big: bool, credits: bool) -> list[tuple[str, float, dict]]:
        """(text, size share, style) in reading order."""
        out = [(caption.title, BIG_H if big else TITLE_H, {"weight": "bold", "color": "#ffffff"})]
        if caption.text:
            out.append((caption.text, TEXT_H, {"color": "#e6e6e6"}))
        if caption.cost:
            out.append((caption.cost, BIG_H * 0.8, {"weight": "bold", "color": ACCENT}))
            out.append((caption.cost_label or "", SMALL_H, {"color": "#cfcfcf"}))
        if caption.quote:
            out.append((f"\u201c{caption.quote}\u201d", TEXT_H, {"style": "italic", "color": ACCENT}))
            out.append(
                (f"\u2014 {caption.quote_by}" if caption.quote_by else "", SMALL_H, {"color": "#cfcfcf"})
            )
        out += [(line, SMALL_H * (1.05 if credits else 1), {"color": "#e6e6e6"}) for line in caption.lines]
        return [b for b in out if b[0]]

    def _layout(self, blocks, k: float, width: float) -> tuple[list[tuple[list[str], float, dict]], float]:
        laid, total = [], 0.0
        for text, share, style in blocks:
            size = self._pt(share * k)
            lines = self.page.wrap(text, size, width, style.get("weight", "normal"))
            laid.append((lines, size, style))
            total += self._frac((len(lines) * 1.3 + 0.45) * size)
        return laid, total

    def place(self, caption: Caption, top: float, bottom: float, big: bool = False, credits: bool = False):
        width = 1 - 2 * MARGIN_X - (0.08 if caption.progress else 0)
        blocks = self._blocks(caption, big, credits)
        for k in FIT_STEPS:
            laid, total = self._layout(blocks, k, width)
            if total <= top - bottom:
                break
        y = top
        for lines, size, style in laid:
            for line in lines:
                self.fig.text(MARGIN_X, y, line, fontsize=size, va="top", family=self.page.families, **style)
                y -= self._frac(size * 1.3)
            y -= self._frac(size * 0.45)
        if caption.progress:
            self.fig.text(
                1 - MARGIN_X, top, caption.progress, fontsize=self._pt(SMALL_H), va="top", ha="right",
                color="#cfcfcf", family=self.page.families,
            )  # fmt: skip
