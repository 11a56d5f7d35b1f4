/*
 * The Presenter page's kit in the browser (pages/ui/slide.py puts it on the page with st.html, after fit.js):
 *   - B or . (full stop, what clickers' "blank screen" button sends) blanks the screen to black and back, at
 *     once, with no round trip to the server (Streamlit's own shortcuts cannot take ".");
 *   - the controls hide 2 s after the mouse stops and come back when it moves;
 *   - the chapter's type shrinks until it fits (SlideFit), again whenever Streamlit redraws it.
 * Installed once per page (Streamlit may run this script again on a rerun); nothing here reads data.
 */
(function () {
  "use strict";
  if (window.__presenterKit) { return; }
  window.__presenterKit = true;
  var IDLE_MS = 2000;
  var MIN_FIT = 0.5;

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function blackout() {
    var el = document.getElementById("presenter-blackout");
    if (el) { el.remove(); } else {
      el = document.createElement("div");
      el.id = "presenter-blackout";
      el.className = "blackout";
      el.setAttribute("aria-hidden", "true");
      el.addEventListener("click", function () { el.remove(); });
      document.body.appendChild(el);
    }
    document.body.setAttribute("data-blackout", String(Boolean(document.getElementById("presenter-blackout"))));
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) { return; }
    var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    var blank = document.getElementById("presenter-blackout");
    if (key === "b" || key === "." || (key === "Escape" && blank)) {
      e.preventDefault();
      e.stopPropagation();
      blackout();
    }
  }, true);

  var timer = null;
  function wake() {
    document.body.classList.remove("presenter-idle");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var controls = document.querySelector(".st-key-presenter_controls");
      // A hidden control must not keep the focus: a clicker's Space would press it.
      if (controls && controls.contains(document.activeElement)) { document.activeElement.blur(); }
      // An open list (the interval) stays until it closes.
      if (!document.querySelector("[data-baseweb='popover']")) { document.body.classList.add("presenter-idle"); }
      else { wake(); }
    }, IDLE_MS);
  }
  ["mousemove", "mousedown", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, wake, { passive: true });
  });
  wake();

  var PARTS = "#slide-title, #slide-text, #slide-quote, #slide-quote-by, #slide-sources";
  var pending = false;
  function refit() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      if (!window.SlideFit) { return; }
      // Every panel: while Streamlit swaps a chapter in, the old and the new one are on the page at once.
      Array.prototype.forEach.call(document.querySelectorAll("#slide-panel"), function (panel) {
        var ok = window.SlideFit.fit(panel, panel.querySelectorAll(PARTS), MIN_FIT);
        panel.setAttribute("data-fits", String(ok));
        // The size this fit was for: a test that resizes waits for its own size, not for time.
        panel.setAttribute("data-fitted-at", window.innerWidth + "x" + window.innerHeight);
      });
    });
  }
  new MutationObserver(refit).observe(document.body, { childList: true, subtree: true, characterData: true });
  window.addEventListener("resize", refit);
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(refit); }
  refit();
})();
