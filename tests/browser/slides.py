"""Measuring a slide in the browser, independently of the page's own fit code (``static/presenter/fit.js``).

An element is clipped when its content is larger than its box (``scrollHeight > clientHeight + 1``, the
same for width), or when its box sticks out of an ancestor that hides overflow; it is off screen when its
box is not inside the viewport. Fixed boxes are not clipped by anything above them, so the walk up stops
at the first fixed ancestor.
"""

from __future__ import annotations

#: The pack's and the Presenter page's slide: title, text, quote, attribution, sources.
CHAPTER = (
    "#slide-title",
    "#slide-text",
    "#slide-quote",
    "#slide-quote-by",
    "#slide-sources",
    ".slide-progress",
)
SHEETS = (".sheet h2", ".sheet p", ".sheet li", ".sheet figure")

MEASURE = """(selectors) => {
  const out = [];
  const slack = 1, vw = window.innerWidth, vh = window.innerHeight;
  const outside = (r, b) => r.left < b.left - slack || r.top < b.top - slack ||
    r.right > b.right + slack || r.bottom > b.bottom + slack;
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const style = getComputedStyle(el);
      const gone = style.visibility === 'hidden' || style.display === 'none' || el.closest('[hidden]');
      if (!el.getClientRects().length || gone) { continue; }
      const r = el.getBoundingClientRect();
      const name = selector + (el.id ? '#' + el.id : '');
      if (el.scrollHeight > el.clientHeight + slack || el.scrollWidth > el.clientWidth + slack) {
        out.push(name + ' is clipped: its text is larger than its box');
      }
      if (outside(r, {left: 0, top: 0, right: vw, bottom: vh})) { out.push(name + ' is off screen'); }
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        const cuts = s.overflowX !== 'visible' || s.overflowY !== 'visible';
        if (cuts && outside(r, a.getBoundingClientRect())) {
          out.push(name + ' is clipped by ' + (a.id || a.className || a.tagName));
          break;
        }
        if (s.position === 'fixed') { break; }
      }
    }
  }
  return out;
}"""


def problems(page, selectors=CHAPTER + SHEETS) -> list[str]:
    return page.evaluate(MEASURE, list(selectors))


def visible_text(page) -> str:
    return page.evaluate("() => document.body.innerText")
