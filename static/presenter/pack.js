/*
 * The screening pack's show: slides, keys, the presenter view in a second window, blackout and the venue
 * check. Inlined into the one HTML file by geo/export/pack.py, after the folium map and fit.js.
 *
 * Data comes from the <script type="application/json" id="pack-data"> block and reaches the page only as
 * text (textContent); a chapter's panel is the pack's own <template>, escaped where it was written.
 * The map is driven through its RouteStory (static/map/route-story.js).
 *
 * Address options: #4 opens slide 4; #presenter is the presenter view (opened by P); #check runs the
 * venue check; ?motion=reduce starts with reduced motion.
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("pack-data").textContent);
  var S = DATA.strings;
  var slides = DATA.slides;
  var map = window[DATA.mapName];
  var story = map && map.routeStory;
  var $ = function (id) { return document.getElementById(id); };
  var hash = String(location.hash || "").replace("#", "");
  var params = new URLSearchParams(location.search);
  var ROLE = hash === "presenter" ? "view" : "show";
  var MIN_FIT = 0.62;
  var IDLE_MS = 2000;

  var state = {
    index: 0, part: 0, split: {}, chartPinned: false, sheet: null, blackout: false,
    startedAt: null, reduced: params.get("motion") === "reduce", checking: false
  };

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function text(id, value) { $(id).textContent = value || ""; }

  /* ------------------------------------------------------------------------------- messaging */

  /* Two windows of one show talk over a BroadcastChannel named after this file, and directly through
   * postMessage (window.opener and the window P opened), for browsers that keep file:// pages apart.
   * Both routes may deliver a message: each carries an id, and a window acts on an id once. */
  var channel = window.BroadcastChannel ? new BroadcastChannel("escape-route-pack:" + location.pathname) : null;
  var peer = null;
  var seen = {};

  function send(message) {
    message.id = Date.now() + ":" + Math.random();
    message.from = ROLE;
    if (channel) { channel.postMessage(message); }
    var target = ROLE === "show" ? peer : window.opener;
    if (target && !target.closed) { try { target.postMessage(message, "*"); } catch (e) { /* closed meanwhile */ } }
  }

  function receive(message) {
    if (!message || typeof message !== "object" || message.from === ROLE || seen[message.id]) { return; }
    seen[message.id] = true;
    if (ROLE === "show") { onCommand(message); } else { onState(message); }
  }

  if (channel) { channel.onmessage = function (e) { receive(e.data); }; }
  window.addEventListener("message", function (e) {
    if (e.source && (e.source === peer || e.source === window.opener)) { receive(e.data); }
  });

  /* ---------------------------------------------------------------------------------- slides */

  function slide() { return slides[state.index]; }

  function chapterParts() { return [$("slide-title"), $("slide-text"), $("slide-quote"), $("slide-quote-by"), $("slide-sources")]; }

  function sheetFor(kind) {
    return { qr: "qr-sheet", credits: "credits-sheet", help: "help-sheet", check: "check-report" }[kind];
  }

  /* The chapter's parts, written by the same template as the Presenter page's (a <template> per chapter):
   * the panel stays, a live region that is replaced is not heard. */
  function fillChapter(c) {
    var parts = document.querySelector('template.slide-parts[data-chapter="' + c.number + '"]');
    $("slide-panel").replaceChildren(parts.content.cloneNode(true));
    $("slide-panel").classList.toggle("no-quote", !c.quote);
  }

  function fillQr() {
    text("qr-title", S.slides.qr_title);
    text("qr-hint", DATA.audienceUrl ? S.slides.qr_hint : S.slides.qr_none);
    text("qr-url", DATA.audienceUrl || "");
  }

  function fillCredits() {
    text("credits-title", DATA.credits.title);
    var body = $("credits-body");
    body.textContent = "";
    DATA.credits.sections.forEach(function (section) {
      var box = document.createElement("div");
      box.className = "credits-section";
      var heading = document.createElement("h3");
      heading.textContent = section[0];
      box.appendChild(heading);
      var list = document.createElement("ul");
      section[1].forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      box.appendChild(list);
      body.appendChild(box);
    });
  }

  function fillHelp() {
    text("help-title", S.pack.help_title);
    var list = $("help-keys");
    list.textContent = "";
    S.help_keys.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
  }

  /* The sheet on screen: the slide's own (QR, credits) or one a key asked for over any slide. */
  function showSheet(kind) {
    ["qr", "credits", "help", "check"].forEach(function (k) {
      var el = $(sheetFor(k));
      if (el) { el.hidden = k !== kind; }
    });
    ["qr", "credits", "help"].forEach(function (k) {
      var button = $(k + "-toggle");
      if (button) { button.setAttribute("aria-pressed", String(state.sheet === k)); }
    });
    if (kind === "qr") { fillQr(); }
    if (kind === "credits") { fillCredits(); }
    if (kind === "help") { fillHelp(); }
    var el = kind && $(sheetFor(kind));
    if (el && kind !== "check") { window.SlideFit.fit(el, el.querySelectorAll("h2, p, li, figure"), 0.5); }
  }

  /* Fill the panel for part `part` of the chapter and make it fit; a chapter that does not fit even at the
   * smallest type is shown in two steps: the text, then the quote. Returns whether it is split. */
  function layoutChapter(c, part) {
    var panel = $("slide-panel");
    panel.classList.remove("split-text", "split-quote");
    fillChapter(c);
    if (window.SlideFit.fit(panel, chapterParts(), MIN_FIT) || !c.quote || !c.text) { return false; }
    panel.classList.add(part === 1 ? "split-quote" : "split-text");
    window.SlideFit.fit(panel, chapterParts(), 0.45);
    return true;
  }

  function render() {
    var c = slide();
    var chapter = c.kind === "chapter";
    $("slide-panel").hidden = !chapter;
    state.split[state.index] = chapter ? layoutChapter(c, state.part) : false;
    $("chart").hidden = !(chapter && (c.show_chart || state.chartPinned));
    $("chart-toggle").setAttribute("aria-pressed", String(state.chartPinned));
    showSheet(state.sheet || (chapter ? null : c.kind));
    text("progress", (state.index + 1) + " / " + slides.length);
    $("prev").disabled = state.index === 0 && state.part === 0;
    $("next").disabled = state.index === slides.length - 1 && !(state.split[state.index] && state.part === 0);
    document.body.setAttribute("data-slide", String(state.index + 1));
    document.body.setAttribute("data-part", String(state.part));
    document.body.setAttribute("data-chapter", chapter ? String(c.number) : "");
    document.body.setAttribute("data-segment", chapter ? c.segment_id || "" : "");
  }

  function moveMap(previous) {
    var c = slide();
    if (!story || state.checking || previous === state.index) { return; }
    story.select(c.kind === "chapter" ? c.segment_id || null : null, { draw: true });
  }

  function show(index, part) {
    var previous = state.index;
    state.index = Math.max(0, Math.min(slides.length - 1, index));
    state.part = part || 0;
    render();
    if (state.part === 1 && !state.split[state.index]) { state.part = 0; render(); }
    moveMap(previous);
    if (!state.checking && window.history && history.replaceState) {
      history.replaceState(null, "", location.pathname + location.search + "#" + (state.index + 1));
    }
    broadcast();
  }

  function next() {
    if (state.split[state.index] && state.part === 0) { show(state.index, 1); } else { show(state.index + 1, 0); }
  }

  function previous() {
    if (state.part === 1) { show(state.index, 0); return; }
    if (state.index === 0) { return; }
    show(state.index - 1, 0);
    if (state.split[state.index]) { show(state.index, 1); }
  }

  function toggleSheet(kind) {
    state.sheet = state.sheet === kind ? null : kind;
    render();
  }

  function setBlackout(on) {
    state.blackout = on;
    $("blackout").hidden = !on;
    document.body.setAttribute("data-blackout", String(on));
    broadcast();
  }

  function setReduced(on) {
    state.reduced = on;
    if (story && story.setReducedMotion) { story.setReducedMotion(on); }
    $("motion").setAttribute("aria-pressed", String(on));
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  }

  /* The film (python -m geo video) beside the pack, in the pack's language: the fallback when this
     browser cannot play the show. Its own tab plays it with the browser's controls. */
  function openFilm() { window.open(S.film_file, "escape-route-film"); }

  function openPresenterView() {
    if (state.startedAt === null) { state.startedAt = Date.now(); }
    var url = location.href.split("#")[0] + "#presenter";
    peer = window.open(url, "escape-route-presenter-view", "popup,width=1280,height=800") || peer;
  }

  function broadcast() {
    if (ROLE !== "show") { return; }
    send({ type: "state", index: state.index, part: state.part, split: Boolean(state.split[state.index]),
      blackout: state.blackout, startedAt: state.startedAt });
  }

  function onCommand(message) {
    if (message.type === "hello") { if (state.startedAt === null) { state.startedAt = Date.now(); } }
    else if (message.type === "step") { if (message.delta > 0) { next(); } else { previous(); } return; }
    else if (message.type === "go") { show(message.index, 0); return; }
    else if (message.type === "blackout") { setBlackout(!state.blackout); return; }
    else if (message.type === "reset") { state.startedAt = Date.now(); }
    broadcast();
  }

  /* --------------------------------------------------------------------------- keys and idle */

  var SHOW_KEYS = {
    ArrowRight: next, PageDown: next, " ": next, ArrowLeft: previous, PageUp: previous,
    Home: function () { show(0, 0); }, End: function () { show(slides.length - 1, 0); },
    b: function () { setBlackout(!state.blackout); }, ".": function () { setBlackout(!state.blackout); },
    p: openPresenterView, v: openFilm, c: function () { state.chartPinned = !state.chartPinned; render(); },
    // With no address the sheet says how to add one (export with --audience-url).
    q: function () { toggleSheet("qr"); },
    i: function () { toggleSheet("credits"); }, h: function () { toggleSheet("help"); },
    "?": function () { toggleSheet("help"); }, m: function () { setReduced(!state.reduced); },
    f: toggleFullscreen,
    Escape: function () { if (state.blackout) { setBlackout(false); } else { state.sheet = null; render(); } }
  };

  function keyName(e) { return e.key.length === 1 ? e.key.toLowerCase() : e.key; }

  function onKey(keys) {
    return function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      // A leg the keyboard reached (Tab; a mouse click never gives one focus) keeps the arrows, Home, End
      // and Enter for moving between the legs (route-story.js). A clicker's keys step the show otherwise.
      if (story && story.ownsKey && story.ownsKey(e)) { return; }
      var action = keys[keyName(e)];
      if (!action) { return; }
      e.preventDefault();
      e.stopPropagation();
      action();
    };
  }

  /* The controls show while the mouse moves and hide 2 s after it stops (and the pointer with them). */
  function watchIdle() {
    var timer = null;
    var wake = function () {
      document.body.classList.remove("idle");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        // A hidden button must not keep the focus: a clicker's Space would press it.
        if ($("controls").contains(document.activeElement)) { document.activeElement.blur(); }
        document.body.classList.add("idle");
      }, IDLE_MS);
    };
    ["mousemove", "mousedown", "touchstart", "wheel"].forEach(function (name) {
      document.addEventListener(name, wake, { passive: true });
    });
    wake();
  }

  function startShow() {
    $("prev").addEventListener("click", previous);
    $("next").addEventListener("click", next);
    $("chart-toggle").addEventListener("click", SHOW_KEYS.c);
    $("qr-toggle").addEventListener("click", SHOW_KEYS.q);
    $("credits-toggle").addEventListener("click", SHOW_KEYS.i);
    $("help-toggle").addEventListener("click", SHOW_KEYS.h);
    $("present").addEventListener("click", openPresenterView);
    $("motion").addEventListener("click", SHOW_KEYS.m);
    $("fullscreen").addEventListener("click", toggleFullscreen);
    $("blackout").addEventListener("click", function () { setBlackout(false); });
    document.addEventListener("keydown", onKey(SHOW_KEYS), true);
    window.addEventListener("resize", function () { render(); });
    setReduced(state.reduced);
    watchIdle();
    var start = parseInt(hash, 10);
    state.index = -1;  // so the first show() moves the map
    show(isNaN(start) ? 0 : start - 1, 0);
    if (hash === "check") { window.setTimeout(runCheck, 300); }
  }

  /* ------------------------------------------------------------------------- presenter view */

  var shown = null;

  function pvSlide(i) { return i >= 0 && i < slides.length ? slides[i] : null; }

  function pvTitle(s) { return s.kind === "chapter" ? s.title : s.kind === "qr" ? S.slides.qr_title : DATA.credits.title; }

  function onState(message) {
    if (message.type !== "state") { return; }
    shown = message;
    var now = pvSlide(message.index), after = pvSlide(message.index + 1);
    text("pv-progress", (message.index + 1) + " / " + slides.length + (message.split ? " (" + (message.part + 1) + "/2)" : ""));
    text("pv-status", message.blackout ? "\u25a0 B" : "");
    text("pv-now-title", pvTitle(now));
    text("pv-now-text", now.kind === "chapter" ? now.text : now.kind === "qr" ? DATA.audienceUrl : "");
    text("pv-now-quote", now.kind === "chapter" && now.quote ? "\u201c" + now.quote + "\u201d" : "");
    $("pv-now-quote").hidden = !(now.kind === "chapter" && now.quote);
    text("pv-next-title", after ? pvTitle(after) : S.slides.end);
    text("pv-next-text", after && after.kind === "chapter" ? after.text : "");
    text("pv-notes", now.notes || S.slides.no_notes);
    // What the audience will not find anywhere else: said in the room, left out of site, handout, film.
    var share = now.kind === "chapter" && now.share && now.share !== "public" ? S.slides["share_" + now.share] : "";
    text("pv-share", share || "");
    $("pv-share").hidden = !share;
    document.body.setAttribute("data-slide", String(message.index + 1));
  }

  function tick() {
    if (!shown || !shown.startedAt) { return; }
    var seconds = Math.max(0, Math.floor((Date.now() - shown.startedAt) / 1000));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    text("pv-timer", m + ":" + (s < 10 ? "0" : "") + s);
  }

  function startPresenterView() {
    document.body.classList.add("pv");
    $("pv").hidden = false;
    text("pv-now-label", S.slides.now);
    text("pv-next-label", S.slides.next);
    text("pv-notes-label", S.slides.notes);
    text("pv-timer-label", S.slides.elapsed);
    text("pv-reset", S.slides.reset_timer + " (R)");
    text("pv-now-title", S.slides.waiting);
    text("pv-notes", S.slides.follows);
    var step = function (delta) { return function () { send({ type: "step", delta: delta }); }; };
    var keys = {
      ArrowRight: step(1), PageDown: step(1), " ": step(1), ArrowLeft: step(-1), PageUp: step(-1),
      Home: function () { send({ type: "go", index: 0 }); },
      End: function () { send({ type: "go", index: slides.length - 1 }); },
      b: function () { send({ type: "blackout" }); }, ".": function () { send({ type: "blackout" }); },
      r: function () { send({ type: "reset" }); }
    };
    document.addEventListener("keydown", onKey(keys), true);
    $("pv-reset").addEventListener("click", keys.r);
    window.setInterval(tick, 500);
    send({ type: "hello" });
  }

  /* --------------------------------------------------------------------------------- #check */

  var blocked = window.__packBlocked || [];

  function glyphsFor(sample) {
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = "40px " + getComputedStyle(document.body).fontFamily;
    var missing = ctx.measureText("\u0378\u0378\u0378").width;  // unassigned: every font's empty box
    return ctx.measureText(sample).width !== missing;
  }

  function elementName(el) { return el.id || el.tagName.toLowerCase(); }

  function slideProblems(number) {
    var c = slide(), out = [];
    var elements = c.kind === "chapter" ? chapterParts().concat([$("progress")])
      : Array.prototype.slice.call($(sheetFor(c.kind)).querySelectorAll("h2, p, li, figure"));
    window.SlideFit.problems(elements).forEach(function (p) {
      var template = p.kind === "offscreen" ? S.pack.problem_offscreen : S.pack.problem_clipped;
      out.push(fill(template, { slide: number, element: elementName(p.element) }));
    });
    return out;
  }

  /* Every slide (and both steps of a split one) at this window's size; the show is put back after. */
  function checkSlides() {
    var keep = { index: state.index, part: state.part, sheet: state.sheet, chart: state.chartPinned };
    var problems = [], count = 0;
    state.checking = true;
    state.sheet = null;
    state.chartPinned = false;
    for (var i = 0; i < slides.length; i++) {
      show(i, 0);
      problems = problems.concat(slideProblems(i + 1));
      count++;
      if (state.split[i]) { show(i, 1); problems = problems.concat(slideProblems(i + 1)); }
    }
    state.chartPinned = keep.chart;
    show(keep.index, keep.part);
    state.checking = false;
    return { problems: problems, count: count };
  }

  function networkProblems() {
    var out = [];
    performance.getEntriesByType("resource").forEach(function (entry) {
      if (!/^(data|blob):/.test(entry.name)) { out.push(fill(S.pack.problem_request, { url: entry.name })); }
    });
    blocked.forEach(function (url) { out.push(fill(S.pack.problem_blocked, { url: url })); });
    return out;
  }

  function runCheck() {
    var korean = glyphsFor("\ud55c\uad6d\uc5b4"), latin = glyphsFor("Aa");
    var slidesResult = checkSlides();
    var problems = slidesResult.problems.concat(networkProblems());
    if (!latin || (DATA.lang === "ko" && !korean)) { problems.push(S.pack.problem_font); }
    if (window.innerWidth < 1024 || window.innerHeight < 600) {
      problems.push(fill(S.pack.problem_small, { width: window.innerWidth, height: window.innerHeight }));
    }
    var fontWord = function (ok) { return ok ? S.pack.check_font_found : S.pack.check_font_missing; };
    var fonts = [
      fill(S.pack.check_latin, { font: fontWord(latin && document.fonts.check("16px system-ui")) }),
      fill(S.pack.check_korean, { font: fontWord(korean && document.fonts.check("16px sans-serif", "\ud55c")) })
    ].join(" \u00b7 ");
    var facts = [
      [S.pack.check_window, window.innerWidth + " \u00d7 " + window.innerHeight],
      [S.pack.check_screen, screen.width + " \u00d7 " + screen.height],
      [S.pack.check_pixel_ratio, String(window.devicePixelRatio)],
      [S.pack.check_fonts, fonts],
      [S.pack.check_slides, fill(S.pack.check_slides_fit, { count: slidesResult.count })],
      [S.pack.check_network, networkProblems().length ? S.pack.check_problems : S.pack.check_network_none]
    ];
    showReport(facts, problems);
    window.packCheck = { ok: problems.length === 0, problems: problems, facts: facts };
    document.documentElement.setAttribute("data-check", problems.length ? "fail" : "pass");
  }

  function showReport(facts, problems) {
    var report = $("check-report");
    text("check-title", S.pack.check_title);
    text("check-verdict", problems.length ? S.pack.check_problems + " (" + problems.length + ")" : S.pack.check_ok);
    text("check-close", S.pack.check_close);
    report.setAttribute("data-ok", String(problems.length === 0));
    var dl = $("check-facts"), ul = $("check-problems");
    dl.textContent = "";
    ul.textContent = "";
    facts.forEach(function (fact) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = fact[0];
      dd.textContent = fact[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    problems.forEach(function (p) { var li = document.createElement("li"); li.textContent = p; ul.appendChild(li); });
    state.sheet = "check";
    render();
  }

  window.packShow = { show: show, next: next, previous: previous, state: state, check: runCheck };
  if (ROLE === "view") { startPresenterView(); } else { startShow(); }
})();
