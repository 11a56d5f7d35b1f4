/*
 * Slides that fit: shared by the screening pack and the app's Presenter page.
 *
 * SlideFit.fit(box, parts, min) shrinks the type of `box` (its --fit custom property, 1 down to `min`)
 * until neither the box nor any of `parts` overflows; false when even `min` does not fit (the caller then
 * splits the slide in two steps). SlideFit.problems(elements) lists what is clipped (by the element itself
 * or an ancestor that hides overflow) or off screen: the pack's #check report and the tests measure the same.
 * No dependency; no text from data is touched here.
 */
(function () {
  "use strict";

  function shown(el) {
    return Boolean(el && el.isConnected && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden");
  }

  function overflowsItself(el) {
    return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
  }

  /* Ancestors that cut off what sticks out of them. */
  function clippers(el) {
    var out = [];
    for (var a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      var style = getComputedStyle(a);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") { out.push(a); }
    }
    return out;
  }

  function within(inner, outer, slack) {
    return inner.left >= outer.left - slack && inner.top >= outer.top - slack &&
      inner.right <= outer.right + slack && inner.bottom <= outer.bottom + slack;
  }

  /* [{element, kind: "clipped" | "offscreen"}] for the shown elements of `elements`. */
  function problems(elements) {
    var out = [];
    var screen = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
    Array.prototype.forEach.call(elements, function (el) {
      if (!shown(el)) { return; }
      var rect = el.getBoundingClientRect();
      if (!within(rect, screen, 1)) {
        out.push({ element: el, kind: "offscreen" });
      } else if (overflowsItself(el) || clippers(el).some(function (a) { return !within(rect, a.getBoundingClientRect(), 1); })) {
        out.push({ element: el, kind: "clipped" });
      }
    });
    return out;
  }

  function fits(box, parts) {
    return !overflowsItself(box) && problems(parts).length === 0;
  }

  /* The largest --fit in [min, 1] at which everything fits (a few layouts: a binary search). */
  function fit(box, parts, min) {
    min = min || 0.6;
    var set = function (value) { box.style.setProperty("--fit", String(value)); };
    set(1);
    if (fits(box, parts)) { return true; }
    set(min);
    if (!fits(box, parts)) { return false; }
    var lo = min, hi = 1;
    for (var i = 0; i < 7; i++) {
      var mid = (lo + hi) / 2;
      set(mid);
      if (fits(box, parts)) { lo = mid; } else { hi = mid; }
    }
    set(Math.floor(lo * 1000) / 1000);
    return true;
  }

  window.SlideFit = { fit: fit, fits: fits, problems: problems };
})();
