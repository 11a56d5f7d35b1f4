"""Does a page draw Hangul with real glyphs? ``python -m harness.glyphs URL [--map] [--wait SELECTOR]``.

Prints JSON: for the page (and with ``--map`` the app's map iframe) the element's font family, whether
the vendored face "Route Sans KR" loaded, and fingerprints of '한', '국' and a code point no font has
(U+10FFFD) drawn on a canvas in that family. Real glyphs differ from each other and from the missing
one; boxes are all alike. A program of its own (not a fixture) so a test can run it where the system
CJK fonts are hidden (``unshare -m`` with an empty folder mounted over them): Chromium must start in
that mount namespace.
"""

from __future__ import annotations

import argparse
import json
import sys

from harness.browser import CHROMIUM_ARGS, MAP_FRAME, find_chromium, offline_context

MEASURE = """
async (selector) => {
  const el = document.querySelector(selector) || document.body;
  const family = getComputedStyle(el).fontFamily;
  await document.fonts.load(`32px ${family}`, '한국');
  await document.fonts.ready;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch) => {
    g.clearRect(0, 0, 64, 64);
    g.fillStyle = '#000';
    g.font = `32px ${family}`;
    g.fillText(ch, 8, 44);
    const alpha = g.getImageData(0, 0, 64, 64).data;
    let hash = 0, ink = 0;
    for (let i = 3; i < alpha.length; i += 4) {
      hash = (hash * 31 + alpha[i]) | 0;
      if (alpha[i] > 0) ink++;
    }
    return {hash, ink};
  };
  const vendored = [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Route Sans KR'
                                                   && f.status === 'loaded');
  return {family, vendored, han: draw('한'), guk: draw('국'), missing: draw('\\u{10FFFD}')};
}
"""


#: Text boxes of the map that are not labels: each must draw Hangul too.
MAP_PARTS = (".route-legend", ".leaflet-control-attribution")


def measure(url: str, *, wait: str, in_map: bool) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        context, watch = offline_context(browser, viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(wait, timeout=60_000)
        out = {"page": page.evaluate(MEASURE, wait), "external": watch.external}
        holder = page
        if in_map:
            frame = page.frame_locator(MAP_FRAME).first
            frame.locator(".rs-label").first.wait_for(timeout=60_000)
            holder = page.locator(MAP_FRAME).first.element_handle().content_frame()
            out["map"] = holder.evaluate(MEASURE, ".rs-label")
        # The map's own boxes, which Leaflet's style sheet gives a font of its own.
        out["parts"] = {
            selector: holder.evaluate(MEASURE, selector)
            for selector in MAP_PARTS
            if holder.locator(selector).count()
        }
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--wait", default="body", help="a selector whose text is Korean")
    parser.add_argument("--map", action="store_true", help="also measure the app's map iframe")
    args = parser.parse_args(argv)
    json.dump(measure(args.url, wait=args.wait, in_map=args.map), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
