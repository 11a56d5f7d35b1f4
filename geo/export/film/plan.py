"""The film's script: which scene is on screen when, what its captions say, and the WebVTT sidecar.

Everything here is plain data computed from the tour (``geo.story.tour.chapters``), so the frames, the
sidecar and the tests all read one timeline and cannot drift apart. Times are in seconds of film.

A chapter's scene flies to its leg, draws the legs up to and including it, then holds long enough to
read its captions aloud twice over (a back-row reader is slower than a reader at a desk).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.data.dataset import Dataset
from geo.present.slides import credits
from geo.story.figures import cost_change, headline_figures
from geo.story.i18n import Strings, translate_dataset
from geo.story.tour import chapters

#: Seconds: the flight to a chapter's leg, then drawing its new legs.
FLY_S, DRAW_S = 1.6, 2.2
#: A chapter holds at least this long after drawing, and at most this long.
HOLD_MIN_S, HOLD_MAX_S = 4.0, 13.0
#: Reading speed on a screen across a room: characters per second (Latin script; Hangul counts double).
READ_CHARS_PER_S = 17.0
TITLE_S = 5.0
#: Each page of the closing credits.
CREDITS_PAGE_S = 6.0
#: Credit lines per page: long source lines wrap, so a page holds a few.
CREDITS_LINES_PER_PAGE = 5


@dataclass(frozen=True)
class Caption:
    """What a scene says on screen, and in the sidecar."""

    title: str
    text: str = ""
    quote: str | None = None
    quote_by: str | None = None
    #: The cost of a rescue as reported, on chapters about cost.
    cost: str | None = None
    cost_label: str | None = None
    #: "n / N" for chapters; "" for the title card and the credits.
    progress: str = ""
    #: Credits: (heading, lines) shown as a list.
    lines: tuple[str, ...] = ()

    def sidecar_lines(self) -> list[str]:
        out = [self.title]
        out += [self.text] if self.text else []
        if self.quote:
            out.append(f"\u201c{self.quote}\u201d" + (f" \u2014 {self.quote_by}" if self.quote_by else ""))
        if self.cost:
            out.append(f"{self.cost_label}: {self.cost}" if self.cost_label else self.cost)
        return out + list(self.lines)


@dataclass(frozen=True)
class Scene:
    kind: str  # "title" | "chapter" | "credits"
    start: float
    end: float
    caption: Caption
    #: The leg to show ([[south, west], [north, east]]); None: the whole route.
    bounds: list[list[float]] | None = None
    #: Legs drawn before this scene starts, and legs this scene draws (in route order).
    drawn: tuple[str, ...] = ()
    drawing: tuple[str, ...] = ()
    fly_s: float = 0.0
    draw_s: float = 0.0

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class FilmPlan:
    scenes: list[Scene] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.scenes[-1].end if self.scenes else 0.0

    def scene_at(self, t: float) -> Scene:
        for scene in self.scenes:
            if t < scene.end:
                return scene
        return self.scenes[-1]


def reading_seconds(text: str) -> float:
    """How long a room needs to read ``text``: Hangul syllables count double (denser than Latin letters)."""
    weight = sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in text)
    return weight / READ_CHARS_PER_S


def _cost(dataset: Dataset, tr: Strings) -> tuple[str | None, str | None]:
    cost = next((h for h in headline_figures(dataset, tr) if h.label == tr("story.cost_headline")), None)
    if cost is None:
        return None, None
    return cost.value, cost_change(dataset, tr) or cost.label


def _legs_up_to(dataset: Dataset, segment_id: str | None) -> tuple[str, ...]:
    """The legs of the route up to and including ``segment_id``, in route order."""
    order = list(dataset.route.sort_values("order")["id"])
    return tuple(order[: order.index(segment_id) + 1]) if segment_id in order else ()


def chapter_captions(dataset: Dataset, tr: Strings) -> list[tuple[Caption, str | None, list]]:
    """Each chapter's caption, leg and view, in tour order."""
    cost_value, cost_label = _cost(dataset, tr)
    out = []
    for ch in chapters(dataset, tr):
        caption = Caption(
            title=ch.title,
            text=ch.text,
            quote=ch.quote,
            quote_by=ch.quote_by,
            cost=cost_value if ch.show_chart else None,
            cost_label=cost_label if ch.show_chart else None,
            progress=ch.progress,
        )
        out.append((caption, ch.segment_id, ch.bounds if ch.segment_id else None))
    return out


def credit_pages(dataset: Dataset, tr: Strings) -> list[Caption]:
    """The closing credits: every source of what the film says and draws, a few lines per page."""
    info = credits(dataset, tr)
    pages = []
    for heading, lines in info.sections:
        for i in range(0, len(lines), CREDITS_LINES_PER_PAGE):
            pages.append(Caption(title=heading, lines=tuple(lines[i : i + CREDITS_LINES_PER_PAGE])))
    return pages or [Caption(title=info.title)]


def film_plan(dataset: Dataset, tr: Strings, *, pace: float = 1.0) -> FilmPlan:
    """The whole film. ``pace`` < 1 shortens every hold (tests); the flights and drawing keep their speed."""
    dataset = translate_dataset(dataset, tr)
    scenes: list[Scene] = []
    t = 0.0
    title = Caption(title=tr("video.title"), text=tr("video.subtitle"))
    scenes.append(Scene("title", t, t + TITLE_S * pace, title))
    t = scenes[-1].end
    drawn: tuple[str, ...] = ()
    for caption, segment_id, bounds in chapter_captions(dataset, tr):
        upto = _legs_up_to(dataset, segment_id) if segment_id else drawn
        new = tuple(leg for leg in upto if leg not in drawn)
        draw_s = DRAW_S if new else 0.0
        words = " ".join(caption.sidecar_lines())
        hold = min(max(reading_seconds(words), HOLD_MIN_S), HOLD_MAX_S) * pace
        end = t + FLY_S + draw_s + hold
        scenes.append(Scene("chapter", t, end, caption, bounds, drawn, new, FLY_S, draw_s))
        drawn = tuple(dict.fromkeys([*drawn, *new]))
        t = end
    for page in credit_pages(dataset, tr):
        scenes.append(Scene("credits", t, t + CREDITS_PAGE_S * pace, page, drawn=drawn))
        t = scenes[-1].end
    return FilmPlan(scenes)


# ------------------------------------------------------------------------------------- WebVTT


def _timestamp(t: float) -> str:
    ms = round(t * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cue_text(line: str) -> str:
    """WebVTT cue text: ``&``, ``<`` and ``>`` escaped (the format's own markup), no blank lines and no
    ``-->`` (either would end or break the cue)."""
    text = " ".join(line.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("--&gt;", "\u2192")


def webvtt(plan: FilmPlan, lang: str) -> str:
    """The sidecar: one cue per scene, timed to the film, with every chapter's text."""
    out = ["WEBVTT", f"Language: {lang}", ""]
    for i, scene in enumerate(plan.scenes, start=1):
        lines = [_cue_text(line) for line in scene.caption.sidecar_lines() if line.strip()]
        out += [str(i), f"{_timestamp(scene.start)} --> {_timestamp(scene.end)}", *lines, ""]
    return "\n".join(out)
