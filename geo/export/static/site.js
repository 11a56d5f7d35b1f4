/* Escape Route Map, audience site: the map's legs and waypoints open their story in the panel.
 *
 * The page's data is the JSON block #site-data, written by geo/export/site.py; it reaches
 * the page only through textContent, never as HTML. The map is whatever
 * geo.map.build.build_map drew: this script knows its variable name (from the data), the
 * class names its legs carry ("route-segment seg-<id>"), and map.routeStory
 * (static/map/route-story.js: select a leg, each leg's layer) when the map has one. Without
 * it, the page highlights and fits legs itself, finding them by DOM class when it needs them.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("site-data").textContent);
  var map = window[data.map] || null;
  var byId = {};
  data.legs.forEach(function (leg, index) { leg.index = index; byId[leg.id] = leg; });
  var $ = function (id) { return document.getElementById(id); };
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var current = null;
  // The viewer moved the map since the page last fitted it: a resize then leaves the view alone.
  var touched = false;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  // ------------------------------------------------------------------------------ the panel

  function quoteFigure(quote) {
    var figure = el("figure", "", "quote");
    var block = el("blockquote");
    block.setAttribute("lang", "en");
    block.appendChild(el("p", quote.text));
    figure.appendChild(block);
    figure.appendChild(el("figcaption", quote.cite));
    return figure;
  }

  function showLeg(leg, place) {
    $("leg-kicker").textContent = place ? place + " \u00b7 " + leg.kicker : leg.kicker;
    $("leg-title").textContent = leg.title;
    $("leg-facts").textContent = leg.facts;
    $("leg-summary").textContent = leg.summary;
    $("leg-note").textContent = leg.note;
    $("leg-note").hidden = !leg.note;
    $("leg-said").textContent = data.text.said_about_leg;
    var quotes = $("leg-quotes");
    clear(quotes);
    if (leg.quotes.length === 0) { quotes.appendChild(el("p", data.text.no_quote, "small")); }
    leg.quotes.forEach(function (quote) { quotes.appendChild(quoteFigure(quote)); });
    $("leg-sources-label").textContent = data.text.sources;
    var sources = $("leg-sources");
    clear(sources);
    leg.sources.forEach(function (source) {
      var item = el("li");
      var link = el("a", source.label);
      link.href = "#source-" + source.id;
      item.appendChild(link);
      sources.appendChild(item);
    });
    $("leg").style.setProperty("--leg-color", leg.color);
  }

  function showPanel(leg, place) {
    if (leg) { showLeg(leg, place); }
    $("leg").hidden = !leg;
    $("whole-route").hidden = !!leg;
    $("prev").disabled = !leg;
    $("next").disabled = !!leg && leg.index === data.legs.length - 1;
    $("whole").setAttribute("aria-pressed", leg ? "false" : "true");
    // What the choice shows is said by the map's own live region (route-story.js): one voice, not two.
  }

  // ------------------------------------------------------------------------------ the map

  // The map's own storytelling (geo.map's route-story.js: it flies to a leg, draws it, dims the
  // others and keeps the view through resizes) when the map has it; else a highlight and fit of ours.
  var story = map && map.routeStory && typeof map.routeStory.select === "function" ? map.routeStory : null;

  function routePaths() {
    return map ? map.getContainer().querySelectorAll("path.route-segment") : [];
  }

  function highlight(id) {
    if (!map) { return; }
    map.getContainer().classList.toggle("has-selection", !!id);
    Array.prototype.forEach.call(routePaths(), function (path) {
      var on = !!id && path.classList.contains("seg-" + id);
      path.classList.toggle("is-selected", on);
      if (on) { path.parentNode.appendChild(path); }
    });
  }

  function fit(animate) {
    if (!map) { return; }
    var size = map.getSize();
    if (size.x === 0 || size.y === 0) { return; }
    var bounds = current ? byId[current].bounds : data.route_bounds;
    // Clear of the map's controls: zoom and layers along the top, scale and legend along the bottom.
    var pad = Math.min(data.fit.padding, Math.round(size.x / 10));
    var options = {
      paddingTopLeft: [pad, data.fit.top],
      paddingBottomRight: [pad, data.fit.bottom],
      maxZoom: data.fit.max_zoom
    };
    if (animate && !reduceMotion) {
      map.flyToBounds(bounds, Object.assign({ duration: 0.6 }, options));
    } else {
      map.fitBounds(bounds, Object.assign({ animate: false }, options));
    }
    touched = false;
  }

  function classLeg(node) {
    var names = node && node.getAttribute ? node.getAttribute("class") || "" : "";
    var match = /(?:^|\s)seg-([a-z0-9-]+)/.exec(names);
    return match && byId[match[1]] ? match[1] : null;
  }

  // Legs meet at waypoints: a tap on or this close to one opens the leg that starts there (or ends there).
  function nearPlace(point) {
    var best = null;
    var bestDistance = data.place_px;
    data.places.forEach(function (place) {
      var d = map.latLngToContainerPoint([place.lat, place.lon]).distanceTo(point);
      if (d < bestDistance) { best = { leg: place.leg, place: place.name }; bestDistance = d; }
    });
    return best;
  }

  function flat(latlngs) {
    return latlngs.length && Array.isArray(latlngs[0]) ? [].concat.apply([], latlngs.map(flat)) : latlngs;
  }

  // Each leg's line as drawn (curved, when the map draws curves), else as the data has it.
  function legLines() {
    var lines = [];
    if (story && typeof story.eachSegment === "function") {
      story.eachSegment(function (layer, props) {
        if (byId[props.id] && layer.getLatLngs) { lines.push({ id: props.id, latlngs: flat(layer.getLatLngs()) }); }
      });
    }
    return lines.length ? lines : data.legs.map(function (leg) { return { id: leg.id, latlngs: leg.line }; });
  }

  // The leg nearest a tap, within data.tap_px: a 5 px line is hard to hit with a finger.
  function nearLeg(point) {
    var best = null;
    var bestDistance = data.tap_px;
    legLines().forEach(function (leg) {
      var points = leg.latlngs.map(function (latlng) { return map.latLngToContainerPoint(latlng); });
      for (var i = 1; i < points.length; i += 1) {
        var d = L.LineUtil.pointToSegmentDistance(point, points[i - 1], points[i]);
        if (d < bestDistance) { best = { leg: leg.id, place: "" }; bestDistance = d; }
      }
    });
    return best;
  }

  function onMapClick(event) {
    // A leg's own line first (it may be drawn curved), then a waypoint's dot or its surroundings.
    var id = classLeg(event.originalEvent && event.originalEvent.target);
    var hit = id ? { leg: id, place: "" } : nearPlace(event.containerPoint) || nearLeg(event.containerPoint);
    if (hit) { select(hit.leg, { animate: true, place: hit.place }); }
  }

  function show(id, animate) {
    if (!map) { return; }
    if (story) {
      story.select(id, { draw: animate, animate: animate });
    } else {
      highlight(id);
      fit(animate);
    }
  }

  function watchMap() {
    if (!map) { return; }
    map.on("click", onMapClick);
    if (story) { return; }
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
      map.getContainer().addEventListener(name, function () { touched = true; }, { passive: true });
    });
    // A leg drawn after a selection (the map may draw legs one by one) takes the selection's look.
    map.on("layeradd", function () { if (current) { highlight(current); } });
    var refit = function () {
      map.invalidateSize();
      if (!touched) { fit(false); }
    };
    if (window.ResizeObserver) {
      new ResizeObserver(refit).observe(map.getContainer());
    } else {
      window.addEventListener("resize", refit);
    }
  }

  // ------------------------------------------------------------------------------ selection

  function setAddress(id) {
    var hash = id ? "#segment-" + id : "";
    var search = location.search.replace(/([?&])segment=[^&]*&?/, "$1").replace(/[?&]$/, "");
    try {
      history.replaceState(null, "", location.pathname + search + hash);
    } catch (error) {
      // Some browsers refuse to rewrite a file:// address; the page works the same.
    }
    Array.prototype.forEach.call(document.querySelectorAll("a[data-language]"), function (link) {
      link.href = link.getAttribute("href").split("#")[0] + hash;
    });
  }

  function select(id, options) {
    options = options || {};
    var leg = id && byId[id] ? byId[id] : null;
    if (!options.playing && timer) { setPlaying(false); }
    current = leg ? leg.id : null;
    showPanel(leg, options.place);
    show(current, !!options.animate);
    if (!options.initial) { setAddress(current); }
    if (options.reveal && !data.embed) {  // an embed never scrolls its partner's page
      $("map-section").scrollIntoView({ block: "start", behavior: reduceMotion ? "auto" : "smooth" });
      var title = document.querySelector("#story .panel:not([hidden]) .panel-title");
      if (title) { title.focus({ preventScroll: true }); }
    }
  }

  function step(by) {
    var index = current ? byId[current].index + by : by > 0 ? 0 : -1;
    select(index >= 0 && index < data.legs.length ? data.legs[index].id : null, { animate: true });
  }

  // ------------------------------------------------------------------------------ the player

  // Plays the journey leg after leg, data.step_seconds each (the map flies, the leg draws, the panel
  // can be read), and stops after the last or as soon as the viewer chooses anything themselves.
  var timer = null;

  function setPlaying(on) {
    var button = $("play");
    window.clearTimeout(timer);
    timer = null;
    button.classList.toggle("playing", on);
    button.textContent = button.getAttribute(on ? "data-pause" : "data-play");
    if (on) { timer = window.setTimeout(advance, data.step_seconds * 1000); }
  }

  function advance() {
    var index = current ? byId[current].index + 1 : 0;
    if (index >= data.legs.length) { setPlaying(false); return; }
    select(data.legs[index].id, { animate: true, playing: true });
    setPlaying(true);
  }

  function togglePlay() {
    if (timer) { setPlaying(false); return; }
    if (!current || byId[current].index === data.legs.length - 1) {
      select(data.legs[0].id, { animate: true, playing: true });
    }
    setPlaying(true);
  }

  function fromAddress() {
    var hash = /^#segment-([a-z0-9-]+)$/.exec(location.hash);
    if (hash) { return hash[1]; }
    var query = /[?&]segment=([a-z0-9-]+)(?:&|$)/.exec(location.search);
    return query ? query[1] : null;
  }

  $("prev").addEventListener("click", function () { step(-1); });
  $("next").addEventListener("click", function () { step(1); });
  $("whole").addEventListener("click", function () { select(null, { animate: true }); });
  $("play").addEventListener("click", togglePlay);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-leg]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    select(link.getAttribute("data-leg"), { animate: true, reveal: true });
  });
  // A source further down may sit in the folded part of the list: unfold it before the link is followed.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#source-"]');
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    var folded = target && target.closest("details");
    if (folded) { folded.open = true; }
  }, true);
  window.addEventListener("hashchange", function () {
    var id = fromAddress();
    if (id && byId[id] && id !== current) { select(id, { animate: true, reveal: true }); }
  });

  // The map may be in the middle of a zoom it began on its own (route-story.js fits the view when it
  // first sees its size), and Leaflet drops a view asked for during a zoom animation. So the first
  // view is asked for again when that zoom ends, unless the viewer has taken the map meanwhile.
  function settleFirstView() {
    if (!map) { return; }
    var taken = false;
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
      map.getContainer().addEventListener(name, function () { taken = true; }, { passive: true, once: true });
    });
    map.once("zoomend", function () { if (!taken) { show(current, false); } });
  }

  // ------------------------------------------------------------------------------ embedded

  /* In a partner's iframe (embed.html): no scroll trap (the wheel, and on a touch screen one finger,
   * scroll the partner's page; the + and - buttons zoom), nothing stored (no service worker), and the
   * page's height sent up so the partner's snippet sizes the frame to the content. */
  function embedded() {
    if (map) {
      map.scrollWheelZoom.disable();
      if (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) { map.dragging.disable(); }
    }
    var last = 0;
    var report = function () {
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (window.parent === window || height === last) { return; }
      last = height;
      window.parent.postMessage({ type: data.embedMessage, height: height }, "*");
    };
    if (window.ResizeObserver) { new ResizeObserver(report).observe(document.body); }
    window.addEventListener("load", report);
    report();
  }

  /* The snippet on the page names this site's own embed once the page is served from an address. */
  function embedCode() {
    var box = $("embed-snippet"), copy = $("embed-copy");
    if (!box || !copy) { return; }
    if (/^https?:$/.test(location.protocol)) {
      box.value = box.value.replace(data.embedPlaceholder, new URL("embed.html", location.href).href);
    }
    copy.addEventListener("click", function () {
      var done = function () { $("embed-status").textContent = copy.getAttribute("data-done"); };
      box.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }

  watchMap();
  var start = fromAddress();
  select(start, { initial: !start || !byId[start] });
  settleFirstView();
  if (data.embed) { embedded(); } else { embedCode(); }
  if (!data.embed && "serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
    navigator.serviceWorker.register(data.root + "sw.js").catch(function () { return null; });
  }
  document.documentElement.classList.add("js");
})();
