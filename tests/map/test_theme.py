"""Colour and contrast of the map in both themes, checked with the published formulas.

* WCAG 2.1 contrast ratio for map text (labels, legend) against what it sits on;
* route colours under simulated protanopia, deuteranopia and tritanopia
  (Machado, Oliveira & Fernandes 2009, severity 1.0): legs that meet on the
  map must stay apart (CIE76 ΔE), and dashes plus labels carry the meaning too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from geo.data import load_dataset
from geo.map.build import legend_rows
from geo.map.theme import DASHED_KINDS, LIGHT, PROJECTOR, MapTheme
from geo.story.i18n import strings

MACHADO = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
#: Legs that touch must differ at least this much (ΔE 76; ~2.3 is "just noticeable").
MIN_DELTA_E = 12
WCAG_AA_TEXT = 4.5


def rgb(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    return np.array([int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def luminance(hex_color: str) -> float:
    return float(np.dot(linear(rgb(hex_color)), [0.2126, 0.7152, 0.0722]))


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def lab(lin: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(lin, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(hex_color: str, deficiency: str | None) -> np.ndarray:
    lin = linear(rgb(hex_color))
    if deficiency:
        lin = np.array(MACHADO[deficiency]) @ lin
    return lab(lin)


@pytest.mark.parametrize("theme", [LIGHT, PROJECTOR], ids=lambda t: t.name)
def test_map_text_meets_wcag_aa(theme: MapTheme):
    for role, land in theme.land.items():
        assert contrast(theme.label, land) >= WCAG_AA_TEXT, f"country label on {role} land"
    assert contrast(theme.label, theme.sea) >= WCAG_AA_TEXT, "country label over the sea"
    panel = theme.panel_bg if theme.panel_bg.startswith("#") else ("#ffffff" if theme is LIGHT else "#0a0a0a")
    assert contrast(theme.panel_text, panel) >= WCAG_AA_TEXT, "legend text"


@pytest.mark.parametrize("deficiency", [None, *MACHADO])
@pytest.mark.parametrize("theme", [LIGHT, PROJECTOR], ids=lambda t: t.name)
def test_legs_that_meet_stay_distinguishable(theme: MapTheme, deficiency: str | None):
    route = load_dataset().route
    countries = list(dict.fromkeys(route["country"]))
    for a, b in itertools.pairwise(countries):
        distance = float(np.linalg.norm(seen(theme.color(a), deficiency) - seen(theme.color(b), deficiency)))
        assert distance >= MIN_DELTA_E, f"{a} / {b} under {deficiency or 'normal vision'}: ΔE {distance:.1f}"


def test_colour_is_never_the_only_cue():
    data = load_dataset()
    rows = legend_rows(data, LIGHT, strings("en"))
    assert len({label for label, _, _ in rows}) == len(rows), "every colour has its own label"
    dashed = {label.split(" (")[0]: d for label, _, d in rows}
    for _, seg in data.route.iterrows():
        if seg["kind"] in DASHED_KINDS:
            assert dashed[seg["country"]], f"{seg['id']} is {seg['kind']} and must be drawn dashed"
