/*
 * The route map's storytelling, shared by the app, the screening pack and the audience site.
 *
 * new RouteStory(map, spec) gives a Leaflet map:
 *   - select(id, {draw, animate}): fly to a leg (or, with null, the whole route), dim the other legs,
 *     draw a highlight no route colour can be mistaken for, and with draw, let the leg draw itself;
 *   - permanent place and country labels that never overlap each other or run off the map;
 *   - an inset of the part of the journey that is a knot at whole-route scale.
 * Until the viewer moves the map, its view follows the selection through every resize.
 * With prefers-reduced-motion (or spec.reducedMotion, or setReducedMotion(true)) nothing flies or draws:
 * views change at once.
 *
 * data-settled on the map's container (as uMap's "dataloaded") tells tests and the film when to look:
 * absent until a view is asked for (select(), or spec.fitOnStart), "false" while the map moves, a leg draws itself or the fonts load,
 * "true" once the view select() asked for has arrived, drawn and had its labels placed.
 *
 * Everything from data is text: labels are set with textContent. No dependency but Leaflet.
 */
(function () {
  "use strict";

  var reducedQuery = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

  function RouteStory(map, spec) {
    this.map = map;
    this.spec = spec;
    this.segments = spec.segments;
    this.selected = null;
    this.target = spec.route;
    this.touched = false;
    this.highlight = null;
    this.labels = [];
    this.moving = false;
    this.drawing = 0;
    this.fontsIn = false;  // set by addLabels once the page and its fonts have loaded
    var self = this;
    map.on("movestart", function () { self.moving = true; self.markSettled(); });
    map.on("moveend", function () { self.moving = false; self.markSettled(); });
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
      map.getContainer().addEventListener(name, function () { self.touched = true; }, { passive: true });
    });
    map.on("resize", function () { self.follow(); });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize(); self.follow(); }).observe(map.getContainer());
    }
    this.addLabels(spec.labels || []);
    map.on("zoomend moveend resize", function () { self.layoutLabels(); });
    map.on("popupopen", function (e) { self.popup = e.popup; });
    map.on("popupclose", function (e) { if (self.popup === e.popup) { self.popup = null; } });
    if (spec.inset) { this.addInset(spec.inset); }
    this.addSpeech();
    if (spec.fitOnStart) { this.asked = true; this.fit(false); }  // a view asked for, as select() asks
    map.routeStory = this;
  }

  RouteStory.prototype.reduced = function () {
    return Boolean(this.spec.reducedMotion || (reducedQuery && reducedQuery.matches));
  };

  /* The presenter's choice (a toggle in the app, a key or ?motion=reduce in the pack). The system's
   * prefers-reduced-motion still wins: false here never brings motion back to a viewer who asked for none. */
  RouteStory.prototype.setReducedMotion = function (on) {
    this.spec.reducedMotion = Boolean(on);
    this.map.getContainer().setAttribute("data-reduced-motion", this.reduced() ? "true" : "false");
  };

  /* See data-settled above. "true" waits one task, for the other moveend handlers (labels, a popup
   * opened again, which may pan the map once more) to have run. */
  RouteStory.prototype.markSettled = function () {
    var self = this, box = this.map.getContainer();
    window.clearTimeout(this.settleTimer);
    if (!this.asked) { return; }
    var fontsLoading = document.fonts && document.fonts.status === "loading";
    if (this.moving || this.drawing > 0 || !this.fontsIn || fontsLoading || this.stylesPending > 0) { box.setAttribute("data-settled", "false"); return; }
    this.settleTimer = window.setTimeout(function () {
      if (!self.moving && self.drawing === 0) { box.setAttribute("data-settled", "true"); }
    }, 0);
  };

  RouteStory.prototype.ready = function () {
    var size = this.map.getSize();
    return size.x > 0 && size.y > 0;  // a map in a hidden tab has no size yet
  };

  RouteStory.prototype.padding = function () {
    var size = this.map.getSize();
    var pad = Math.round(Math.min(size.x, size.y) * 0.08) + 16;
    return [pad, pad];
  };

  /* Show the target; true when it flies there (the view settles at the next "moveend"). */
  RouteStory.prototype.fit = function (animate) {
    if (!this.ready()) { return false; }
    var options = { padding: this.padding(), maxZoom: this.spec.maxZoom || 8 };
    if (animate && !this.reduced()) {
      this.map.flyToBounds(this.target, L.extend({ duration: this.spec.flySeconds || 1.0 }, options));
      return true;
    }
    // No zoom animation either: "at once" is what reduced motion (and a resize) asks for.
    this.map.fitBounds(this.target, L.extend({ animate: false }, options));
    return false;
  };

  /* Keep the chosen view while the frame settles or resizes, until the viewer moves the map. */
  RouteStory.prototype.follow = function () {
    if (!this.touched) { this.fit(false); }
    this.layoutLabels();
  };

  RouteStory.prototype.eachSegment = function (fn) {
    if (!this.segments) { return; }
    this.segments.eachLayer(function (layer) {
      if (layer.feature && layer.feature.properties) { fn(layer, layer.feature.properties); }
    });
  };

  RouteStory.prototype.select = function (id, options) {
    options = options || {};
    this.asked = true;
    var known = id && this.spec.legs[id];
    this.selected = known ? id : null;
    this.target = known ? this.spec.legs[id] : this.spec.route;
    var self = this;
    this.eachSegment(function (layer, props) {
      var base = props.style.opacity;
      layer.setStyle({ opacity: self.selected && props.id !== self.selected ? base * 0.35 : base });
    });
    this.drawHighlight(options.draw);
    this.touched = false;  // an explicit choice: follow it again through resizes
    this.refitPopup(this.fit(options.animate !== false));
    this.layoutLabels();  // names keep off the chosen leg's halo even when the view does not move
    this.map.getContainer().setAttribute("data-selected-leg", this.selected || "");
    this.say((this.spec.speech || {})[this.selected || ""]);
    this.markSettled();
  };

  /* ------------------------------------------------------------------------ a map that speaks */

  /* A polite live region says in words what each choice shows (geo.story.speech), and every leg is a
   * stop for the keyboard: Tab reaches the legs, arrow keys go to the next or previous one, Home and End
   * to the first and last, Enter or Space choose it as a click would (the page hears a click on it). */
  RouteStory.prototype.addSpeech = function () {
    var self = this, box = this.map.getContainer();
    this.live = L.DomUtil.create("div", "rs-live", box);
    this.live.setAttribute("role", "status");
    this.live.setAttribute("aria-live", "polite");
    if (this.spec.keyboardHint) {
      var hint = L.DomUtil.create("div", "rs-live", box);
      hint.id = "rs-keyboard-hint-" + L.Util.stamp(this);
      hint.textContent = this.spec.keyboardHint;
      this.hintId = hint.id;
    }
    this.focusLegs();
    if (this.segments && this.segments.on) { this.segments.on("layeradd", function () { self.focusLegs(); }); }
  };

  RouteStory.prototype.say = function (words) {
    if (!this.live || !words || this.live.textContent === words) { return; }
    this.live.textContent = words;
  };

  RouteStory.prototype.legPaths = function () {
    var paths = [], order = Object.keys(this.spec.legs || {});  // the spec lists the legs in travel order
    this.eachSegment(function (layer, props) {
      var el = layer.getElement && layer.getElement();
      if (el) { paths.push({ el: el, id: props.id, order: order.indexOf(props.id) }); }
    });
    return paths.sort(function (a, b) { return a.order - b.order; });
  };

  RouteStory.prototype.focusLegs = function () {
    var self = this, labels = this.spec.focusLabels || {};
    this.legPaths().forEach(function (leg) {
      var el = leg.el;
      if (el.getAttribute("data-keyboard") === "true") { return; }
      el.setAttribute("data-keyboard", "true");
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", labels[leg.id] || leg.id);
      if (self.hintId) { el.setAttribute("aria-describedby", self.hintId); }
      el.addEventListener("keydown", function (e) { self.onLegKey(e, leg.id); });
      // Only the keyboard gives a leg focus: a leg clicked with the mouse must not keep the arrows (in
      // the pack they are the clicker's "next slide").
      el.addEventListener("mousedown", function (e) { e.preventDefault(); });
    });
  };

  /* The keys a leg with keyboard focus takes for itself. A page with keys of its own (the pack's clicker
   * keys) asks ownsKey first and leaves these to the leg. */
  var LEG_KEYS = /^(ArrowRight|ArrowDown|ArrowLeft|ArrowUp|Home|End|Enter| )$/;

  RouteStory.prototype.ownsKey = function (e) {
    var target = e.target;
    return Boolean(target && target.getAttribute && target.getAttribute("data-keyboard") === "true" &&
      LEG_KEYS.test(e.key));
  };

  RouteStory.prototype.onLegKey = function (e, id) {
    var legs = this.legPaths(), at = -1;
    legs.forEach(function (leg, i) { if (leg.id === id) { at = i; } });
    var to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: legs.length - 1 }[e.key];
    if (to !== undefined) {
      L.DomEvent.stop(e);  // not Leaflet's keyboard panning: the arrows move between legs here
      legs[Math.max(0, Math.min(legs.length - 1, to))].el.focus();
    } else if (e.key === "Enter" || e.key === " ") {
      L.DomEvent.stop(e);
      this.clickLeg(legs[at].el);
    }
  };

  /* Choose a leg as the mouse does: a click in the middle of its line, which the app (streamlit-folium),
   * the pack and the site each already answer. */
  RouteStory.prototype.clickLeg = function (el) {
    var length = el.getTotalLength(), p = el.getPointAtLength(length / 2).matrixTransform(el.getScreenCTM());
    el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window, clientX: p.x, clientY: p.y }));
  };

  /* A leg's popup opened by the click that chose it rides along with the flight and can end up past the
   * map's top edge (its title cut off). Once the view has settled, open it again: Leaflet pans it in. */
  RouteStory.prototype.refitPopup = function (flying) {
    var map = this.map, popup = this.popup;
    if (!popup) { return; }
    var again = function () {
      if (popup.isOpen()) { map.closePopup(popup); map.openPopup(popup); }
    };
    if (flying) { map.once("moveend", again); } else { window.setTimeout(again, 0); }
  };

  RouteStory.prototype.drawHighlight = function (draw) {
    if (this.highlight) { this.map.removeLayer(this.highlight); this.highlight = null; }
    if (!this.selected) { return; }
    var feature = null, selected = this.selected;
    this.eachSegment(function (layer, props) { if (props.id === selected) { feature = layer.feature; } });
    if (!feature) { return; }
    var theme = this.spec.highlight, line = feature.properties.style;
    var styles = [
      { color: theme.outer, weight: line.weight + 12, opacity: 0.9, lineCap: "round", className: "route-halo" },
      { color: theme.inner, weight: line.weight + 6, opacity: 1, lineCap: "round", className: "route-halo" },
      L.extend({}, line, { weight: line.weight + 1, opacity: 1, className: "route-selected seg-" + selected })
    ];
    var group = L.featureGroup();
    styles.forEach(function (style) {
      L.geoJSON(feature, { interactive: false, style: function () { return style; } }).addTo(group);
    });
    this.highlight = group.addTo(this.map);
    if (draw && !this.reduced()) { this.animateDrawing(group); }
  };

  /* The leg draws itself from its start once the map has arrived (an SVG stroke-dashoffset transition). */
  RouteStory.prototype.animateDrawing = function (group) {
    var seconds = this.spec.drawSeconds || 1.6, map = this.map, self = this;
    var paths = [], started = false, finished = false;
    var finish = function () {
      if (finished) { return; }
      finished = true;
      self.drawing -= 1;
      self.markSettled();
    };
    this.drawing += 1;
    group.eachLayer(function (geo) { geo.eachLayer(function (l) { if (l._path) { paths.push(l); } }); });
    paths.forEach(function (l) { l._path.style.visibility = "hidden"; });
    var start = function () {
      if (started) { return; }  // the map arrived, or the fallback below gave up waiting for it
      started = true;
      window.setTimeout(finish, seconds * 1000 + 60);
      paths.forEach(function (l) {
        var path = l._path, length = path.getTotalLength(), dashes = path.getAttribute("stroke-dasharray");
        path.style.visibility = "";
        path.style.transition = "none";
        path.style.strokeDasharray = length + " " + length;
        path.style.strokeDashoffset = String(length);
        path.getBoundingClientRect();
        path.style.transition = "stroke-dashoffset " + seconds + "s ease-in-out";
        path.style.strokeDashoffset = "0";
        window.setTimeout(function () {
          path.style.transition = "";
          path.style.strokeDasharray = dashes || "";
          path.style.strokeDashoffset = "";
        }, seconds * 1000 + 50);
      });
    };
    map.once("moveend", start);
    window.setTimeout(start, (this.spec.flySeconds || 1.0) * 1000 + 400);
  };

  /* ----------------------------------------------------------------------------------- labels */

  var CANDIDATES = {
    // The eight positions cartographers try around a point, the usual order of preference first.
    place: ["right", "left", "above", "below", "above-right", "below-right", "above-left", "below-left"],
    water: ["center", "below", "above"],
    sea: ["center"],
    country: ["center"]
  };
  // The basemap's capitals (geo/map/basemap.py) are placed like the route's places, a little closer in.
  CANDIDATES.city = CANDIDATES.place;

  /* Where a label may go, nearest first: beside a place, then the same eight spots a little further out
   * (where two legs leave a place side by side, the near spots all lie on a leg). */
  function candidates(kind) {
    var gap = { place: 9, city: 6 }[kind] || 0;
    var near = (CANDIDATES[kind] || CANDIDATES.place).map(function (k) { return { kind: k, gap: gap }; });
    if (kind !== "place") { return near; }
    return near.concat(CANDIDATES.place.map(function (k) { return { kind: k, gap: 22 }; }));
  }

  RouteStory.prototype.addLabels = function (items) {
    var map = this.map, self = this;
    if (!map.getPane("routeLabels")) {
      var pane = map.createPane("routeLabels");
      pane.style.zIndex = 450;
      pane.style.pointerEvents = "none";
    }
    items.forEach(function (item) {
      var el = document.createElement("div");
      el.className = "rs-label rs-" + item.kind + (item.must ? " rs-must" : "");
      el.textContent = item.text;
      var marker = L.marker([item.lat, item.lon], {
        icon: L.divIcon({ html: el, className: "rs-label-anchor", iconSize: [0, 0] }),
        interactive: false, keyboard: false, pane: "routeLabels"
      }).addTo(map);
      self.labels.push({ item: item, el: el, marker: marker });
    });
    this.labels.sort(function (a, b) { return b.item.priority - a.item.priority; });
    // Again once the page has loaded and its fonts are in: a label's size depends on both.
    window.setTimeout(function () { self.layoutLabels(); }, 0);
    // streamlit-folium writes the map into its frame after the frame has loaded, style sheets and all:
    // a label measured before route-story.css applies is laid out at the wrong size. So again each time
    // a style sheet arrives, and the map is not settled while one is on its way.
    var pending = Array.prototype.filter.call(document.querySelectorAll('link[rel="stylesheet"]'),
      function (link) { return !link.sheet; });
    this.stylesPending = pending.length;
    var arrived = function (e) {  // load and error do not bubble, but a listener that captures hears them
      if (!e.target || e.target.tagName !== "LINK") { return; }
      var at = pending.indexOf(e.target);
      if (at >= 0) { pending.splice(at, 1); self.stylesPending -= 1; }
      self.layoutLabels();
      self.markSettled();
    };
    document.addEventListener("load", arrived, true);
    document.addEventListener("error", arrived, true);
    var loaded = function () {
      var fonts = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
      fonts.then(function () { self.fontsIn = true; self.layoutLabels(); self.markSettled(); });
    };
    if (document.readyState === "complete") { loaded(); } else { window.addEventListener("load", loaded); }
    // A web font (the Korean one) is fetched only once a label uses it, after fonts.ready may have
    // resolved: its names grow, so place them again when it arrives.
    if (document.fonts && document.fonts.addEventListener) {
      document.fonts.addEventListener("loadingdone", function () { self.layoutLabels(); self.markSettled(); });
    }
  };

  function box(kind, point, w, h, gap) {
    switch (kind) {
      case "right": return { x: point.x + gap, y: point.y - h / 2, w: w, h: h };
      case "left": return { x: point.x - gap - w, y: point.y - h / 2, w: w, h: h };
      case "above": return { x: point.x - w / 2, y: point.y - gap - h, w: w, h: h };
      case "below": return { x: point.x - w / 2, y: point.y + gap, w: w, h: h };
      case "above-right": return { x: point.x + gap * 0.7, y: point.y - gap * 0.7 - h, w: w, h: h };
      case "below-right": return { x: point.x + gap * 0.7, y: point.y + gap * 0.7, w: w, h: h };
      case "above-left": return { x: point.x - gap * 0.7 - w, y: point.y - gap * 0.7 - h, w: w, h: h };
      case "below-left": return { x: point.x - gap * 0.7 - w, y: point.y + gap * 0.7, w: w, h: h };
      default: return { x: point.x - w / 2, y: point.y - h / 2, w: w, h: h };
    }
  }

  function overlaps(a, b) {
    var pad = 3;
    return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
  }

  /* What labels keep clear of: the map's controls, and anything of the page marked .rs-avoid that floats
   * over the map (the screening pack's slide counter). */
  function controlBoxes(map) {
    var frame = map.getContainer().getBoundingClientRect();
    var floating = Array.prototype.slice.call(map.getContainer().querySelectorAll(".leaflet-control"))
      .concat(Array.prototype.slice.call(document.querySelectorAll(".rs-avoid")));
    return floating.map(function (el) {
      var r = el.getBoundingClientRect();
      return { x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height };
    }).filter(function (b) { return b.w > 0 && b.h > 0; });
  }

  /* What a label should not cover either: the waypoints' circles and the direction arrows. They do not move
   * and never give way, but a key place forced into a crowd still goes where it covers the least of them. */
  function markerBoxes(map) {
    var frame = map.getContainer().getBoundingClientRect(), boxes = [];
    map.eachLayer(function (layer) {
      if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle)) {
        var p = map.latLngToContainerPoint(layer.getLatLng()), r = layer.options.radius || 5;
        boxes.push({ x: p.x - r, y: p.y - r, w: 2 * r, h: 2 * r, marker: true, cx: p.x, cy: p.y });
      } else if (layer instanceof L.Marker && layer.getElement && layer.getElement()) {
        var arrow = layer.getElement().querySelector(".route-arrow");
        if (!arrow) { return; }
        var r2 = arrow.getBoundingClientRect();
        boxes.push({ x: r2.left - frame.left, y: r2.top - frame.top, w: r2.width, h: r2.height, marker: true });
      }
    });
    return boxes.filter(function (b) { return b.w > 0 && b.h > 0; });
  }

  /* The route's own strokes, as small boxes every few pixels along the part inside the map: place names
   * keep off them (a name written over a leg reads as neither). The chosen leg counts with its halo. */
  function lineBoxes(story) {
    var map = story.map, size = map.getSize(), view = L.bounds([0, 0], [size.x, size.y]), boxes = [], step = 8;
    story.eachSegment(function (layer, props) {
      var half = ((props.style && props.style.weight) || 4) / 2 + (props.id === story.selected ? 6 : 1);
      var lines = layer.getLatLngs();
      if (lines.length && !Array.isArray(lines[0])) { lines = [lines]; }
      lines.forEach(function (line) {
        for (var i = 1; i < line.length; i++) {
          var piece = L.LineUtil.clipSegment(
            map.latLngToContainerPoint(line[i - 1]), map.latLngToContainerPoint(line[i]), view);
          if (!piece) { continue; }
          var n = Math.max(1, Math.ceil(piece[0].distanceTo(piece[1]) / step));
          for (var k = 0; k <= n; k++) {
            var x = piece[0].x + (piece[1].x - piece[0].x) * k / n, y = piece[0].y + (piece[1].y - piece[0].y) * k / n;
            boxes.push({ x: x - half, y: y - half, w: 2 * half, h: 2 * half, line: true, cx: x, cy: y });
          }
        }
      });
    });
    return boxes;
  }

  /* The waypoint a label names: its circle is where the label starts from, not something to avoid. */
  function ownPoint(box, point) {
    return box.marker && box.cx !== undefined && Math.abs(box.cx - point.x) < 2 && Math.abs(box.cy - point.y) < 2;
  }

  function atPoint(lineBox, point) {
    return Math.abs(lineBox.cx - point.x) < 24 && Math.abs(lineBox.cy - point.y) < 24;
  }

  function inside(b, size, margin) {
    return b.x >= margin && b.y >= margin && b.x + b.w <= size.x - margin && b.y + b.h <= size.y - margin;
  }

  function clamp(b, size, margin) {
    return {
      x: Math.min(Math.max(b.x, margin), Math.max(margin, size.x - margin - b.w)),
      y: Math.min(Math.max(b.y, margin), Math.max(margin, size.y - margin - b.h)),
      w: b.w, h: b.h
    };
  }

  function overlapArea(a, b) {
    var x = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x), y = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    return x > 0 && y > 0 ? x * y : 0;
  }

  /* A key place with no free position: wherever it covers (and is covered by) the least. */
  function leastCovered(point, w, h, size, margin, placed) {
    var best = null, bestArea = Infinity;
    CANDIDATES.place.concat(["center"]).forEach(function (kind) {
      var b = clamp(box(kind, point, w, h, 9), size, margin);
      var area = placed.reduce(function (sum, p) { return sum + overlapArea(b, p); }, 0);
      if (area < bestArea) { best = b; bestArea = area; }
    });
    return best;
  }

  /* Greedy placement by priority: each label takes its first position that is inside the map and clear of
   * every label placed before it. Labels that must show (the story's key places) are clamped inside the map
   * when no position is free; country names move inside rather than be cut at the edge. */
  RouteStory.prototype.layoutLabels = function () {
    if (!this.ready() || !this.labels.length) { return; }
    var map = this.map, size = map.getSize(), margin = 4;
    // Labels never hide under the legend, the inset or the buttons, and keep off waypoints and arrows.
    var placed = controlBoxes(map).concat(markerBoxes(map), lineBoxes(this));
    // A river is offered at several spots along it (item.group): the first that finds room names it.
    var named = {};
    this.labels.forEach(function (label) {
      var el = label.el, item = label.item;
      el.style.visibility = "hidden";
      el.style.transform = "none";
      if (item.group && named[item.group]) { return; }
      var w = el.offsetWidth, h = el.offsetHeight;
      var point = map.latLngToContainerPoint([item.lat, item.lon]);
      var chosen = null;
      if (item.kind !== "country" && !inside({ x: point.x, y: point.y, w: 0, h: 0 }, size, 0)) { return; }
      // A country's name is nudged inside when it would be cut at the edge, never dragged in from afar: a
      // name whose place is far off the map would land on another country (South Korea's over the North).
      if (item.kind === "country" &&
          (point.x < -w / 2 || point.x > size.x + w / 2 || point.y < -h / 2 || point.y > size.y + h / 2)) { return; }
      // What this label keeps clear of, worked out once for all its candidate spots. A country's name may
      // lie across a leg, as on any atlas page; a place's name may not, except where the legs meet at the
      // place itself (its name starts right beside that point), and never minds its own waypoint.
      var obstacles = placed.filter(function (p) {
        return !ownPoint(p, point) && !(p.line && (item.kind === "country" || atPoint(p, point)));
      });
      candidates(item.kind).some(function (spot) {
        var b = box(spot.kind, point, w, h, spot.gap);
        if (item.kind === "country") { b = clamp(b, size, margin); }
        var free = inside(b, size, margin) && !obstacles.some(function (p) { return overlaps(b, p); });
        if (free) { chosen = b; }
        return free;
      });
      if (!chosen && item.must) {
        chosen = leastCovered(point, w, h, size, margin, placed);
        // A key place forced into a crowded spot: the lesser labels it would cover give way.
        placed = placed.filter(function (p) {
          var yields = p.label && !p.label.item.must && overlaps(chosen, p);
          if (yields) { p.label.el.style.visibility = "hidden"; }
          return !yields;
        });
      }
      if (!chosen) { return; }
      chosen.label = label;
      placed.push(chosen);
      if (item.group) { named[item.group] = true; }
      el.style.transform = "translate(" + Math.round(chosen.x - point.x) + "px," + Math.round(chosen.y - point.y) + "px)";
      el.style.visibility = "visible";
    });
  };

  /* ------------------------------------------------------------------------------------ inset */

  RouteStory.prototype.addInset = function (inset) {
    var story = this, map = this.map;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "rs-inset");
      box.setAttribute("role", "button");
      box.setAttribute("tabindex", "0");
      box.setAttribute("aria-label", inset.label);
      var title = L.DomUtil.create("div", "rs-inset-title", box);
      title.textContent = inset.label;
      var holder = L.DomUtil.create("div", "rs-inset-map", box);
      // Sized here, not only in the style sheet: the map may be drawn before the style sheet has loaded.
      holder.style.width = (inset.width || 170) + "px";
      holder.style.height = (inset.height || 120) + "px";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var go = function () {
        story.touched = true;
        if (story.reduced()) { map.fitBounds(inset.bounds, { padding: story.padding() }); }
        else { map.flyToBounds(inset.bounds, { padding: story.padding(), duration: story.spec.flySeconds || 1.0 }); }
      };
      L.DomEvent.on(box, "click", go);
      L.DomEvent.on(box, "keydown", function (e) { if (e.key === "Enter" || e.key === " ") { L.DomEvent.preventDefault(e); go(); } });
      story.insetHolder = holder;
      return box;
    };
    control.addTo(map);
    this.insetControl = control;
    var toggle = function () {
      var el = control.getContainer(), size = map.getSize();
      var wide = size.x >= (inset.minWidth || 560);
      el.classList.toggle("rs-inset-compact", !wide);
      el.style.display = map.getZoom() < (inset.hideFromZoom || 6) ? "" : "none";
      // The small map is drawn once it has a size: fitting a hidden one gives NaN coordinates.
      if (wide && !story.insetMap && story.insetHolder.offsetWidth > 0) { story.drawInset(story.insetHolder, inset); }
      story.layoutLabels();
    };
    map.on("zoomend resize", toggle);
    window.setTimeout(toggle, 0);
  };

  /* A small, still map of the knot, drawn from the main map's own layers (no second copy of the data). */
  RouteStory.prototype.drawInset = function (holder, inset) {
    var small = L.map(holder, {
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, tap: false, zoomSnap: 0.25,
      center: L.latLngBounds(inset.bounds).getCenter(), zoom: 5, maxZoom: 9
    });
    small.fitBounds(inset.bounds, { padding: [6, 6] });
    (inset.layers || []).forEach(function (layer) {
      if (!layer || !layer.toGeoJSON) { return; }
      L.geoJSON(layer.toGeoJSON(), {
        interactive: false,
        style: function (f) { return L.extend({}, f.properties && f.properties.style, { className: "rs-inset-path" }); }
      }).addTo(small);
    });
    this.insetMap = small;
  };

  window.RouteStory = RouteStory;
})();
