/* The live picture: the center's /v1/ API drawn on a Leaflet map (no tiles: the shipped borders).
 *
 * Every datum comes from the API with the token typed in (sessionStorage, sent as
 * `Authorization: Bearer`); the page shows what the API returns for that token and nothing else.
 * The stream (GET /v1/stream, server-sent events) is read with fetch, since EventSource cannot
 * send the header. Strings from the center go into the page as text, never as HTML.
 */
(function () {
  "use strict";

  const TOKEN_KEY = "openbmd-center-token";
  const COLOURS = { track: "#d6008f", warning: "#e09f00", impact: "#f4791f", launch: "#6a4c93",
                    coverage: "#2a6fdb", sensor: "#123c7a", border: "#8a94a6" };
  const WGS84_A_M = 6378137.0, WGS84_F = 1 / 298.257223563;  // the WGS 84 ellipsoid
  const MEAN_RADIUS_KM = 6371.0088;  // IUGG mean Earth radius: the ellipse outlines' sphere
  const RECONNECT_MS = 1000, RECONCILE_MS = 15000, TRAIL_MAX = 400;

  const $ = (id) => document.getElementById(id);
  const state = { token: null, me: null, map: null, layers: null, tracks: new Map(), alerts: new Map(),
                  streamAbort: null, lastEventId: null, shownAt: {}, replay: null, replayTimer: null,
                  reconcileTimer: null, exercise: null };
  window.obmd = state;  // for the browser tests: the map, the drawn tracks, when each appeared

  // ------------------------------------------------------------------ geometry (presentation only)
  function ecefToGeodetic(p) {  // ECEF m -> [lat_deg, lon_deg, alt_m] on WGS 84 (fixed-point on latitude)
    const [x, y, z] = p, e2 = WGS84_F * (2 - WGS84_F), r = Math.hypot(x, y);
    let lat = Math.atan2(z, r * (1 - e2)), n = WGS84_A_M, alt = 0;
    for (let i = 0; i < 8; i++) {
      const s = Math.sin(lat);
      n = WGS84_A_M / Math.sqrt(1 - e2 * s * s);
      alt = r / Math.cos(lat) - n;
      lat = Math.atan2(z, r * (1 - e2 * n / (n + alt)));
    }
    return [lat * 180 / Math.PI, Math.atan2(y, x) * 180 / Math.PI, alt];
  }

  function destination(lat, lon, bearingDeg, distKm) {  // great circle on the mean sphere
    const d = distKm / MEAN_RADIUS_KM, b = bearingDeg * Math.PI / 180;
    const p1 = lat * Math.PI / 180, l1 = lon * Math.PI / 180;
    const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [p2 * 180 / Math.PI, ((l2 * 180 / Math.PI + 540) % 360) - 180];
  }

  function ellipse(pt, n) {  // the one-sigma ellipse of a launch or impact point, as [lat, lon] pairs
    const a = Math.max(pt.ellipse_semi_major_km || pt.sigma_km || 0, 0.05);
    const b = Math.max(pt.ellipse_semi_minor_km || pt.sigma_km || 0, 0.05);
    const o = (pt.ellipse_orientation_deg || 0) * Math.PI / 180, out = [];
    for (let k = 0; k < n; k++) {
      const t = 2 * Math.PI * k / n;
      const east = a * Math.cos(t) * Math.sin(o) + b * Math.sin(t) * Math.cos(o);
      const north = a * Math.cos(t) * Math.cos(o) - b * Math.sin(t) * Math.sin(o);
      out.push(destination(pt.lat_deg, pt.lon_deg, Math.atan2(east, north) * 180 / Math.PI, Math.hypot(east, north)));
    }
    return out;
  }

  // ------------------------------------------------------------------ the API
  async function api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {}, { Authorization: "Bearer " + state.token });
    const r = await fetch(path, Object.assign({}, opts, { headers, cache: "no-store" }));
    if (!r.ok) {
      let detail = r.status + " " + r.statusText;
      try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
      const err = new Error(detail);
      err.status = r.status;
      throw err;
    }
    return r.json();
  }

  function status(text) { $("status").textContent = text; }
  function utc(t_s) { return t_s == null ? "?" : new Date(t_s * 1000).toISOString().replace(".000Z", "Z"); }
  function parseUtc(text) { const t = Date.parse(text.trim()); return Number.isFinite(t) ? t / 1000 : NaN; }

  // ------------------------------------------------------------------ login
  async function login(token) {
    state.token = token;
    $("login-error").textContent = "";
    try {
      state.me = await api("/v1/me");
    } catch (e) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      $("login-error").textContent = "Login failed: " + e.message;
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token").value = "";
    $("login").hidden = true;
    $("app").hidden = false;
    $("logout").hidden = false;
    $("who").textContent = state.me.party + " (" + state.me.role + ")";
    start();
  }

  function logout(message) {
    if (state.streamAbort) state.streamAbort.abort();
    clearInterval(state.reconcileTimer);
    stopReplay();
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null; state.me = null; state.lastEventId = null;
    state.tracks.forEach((t) => removeTrack(t)); state.tracks.clear(); state.alerts.clear();
    if (state.layers) Object.values(state.layers).forEach((g) => g.clearLayers());
    ["alerts", "tracks", "sensors"].forEach((id) => { $(id).textContent = ""; });
    $("alert-banner").hidden = true;
    $("app").hidden = true; $("login").hidden = false; $("logout").hidden = true;
    $("who").textContent = ""; $("mode").textContent = "";
    $("login-error").textContent = message || "";
  }

  // ------------------------------------------------------------------ the map
  function makeMap() {
    if (state.map) { state.map.invalidateSize(); return; }
    const map = L.map("map", { worldCopyJump: false, minZoom: 2, maxZoom: 10, zoomSnap: 0.25, preferCanvas: false,
                               attributionControl: true });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Borders: Natural Earth");
    map.setView([38, 45], 4);
    state.map = map;
    state.layers = { borders: L.layerGroup().addTo(map), coverage: L.layerGroup().addTo(map),
                     sensors: L.layerGroup().addTo(map), live: L.layerGroup().addTo(map),
                     replay: L.layerGroup().addTo(map) };
    fetch("borders.geojson").then((r) => r.json()).then((gj) => {
      L.geoJSON(gj, { interactive: false, style: () => ({ className: "border", color: COLOURS.border, weight: 0.8,
                                                         fillColor: "#fbfaf5", fillOpacity: 1 }) })
        .addTo(state.layers.borders);
      state.layers.borders.eachLayer((l) => l.bringToBack && l.bringToBack());
    }).catch(() => status("the borders could not be loaded"));
  }

  async function loadSensors() {
    const out = await api("/v1/sensors");
    const bounds = [];
    $("sensors").textContent = "";
    for (const s of out.sensors) {
      for (const ring of s.coverage_latlon_deg) {
        L.polygon(ring, { color: COLOURS.coverage, weight: 1, fillOpacity: 0.08, interactive: false,
                          className: "coverage" }).addTo(state.layers.coverage);
        bounds.push(...ring);
      }
      const li = document.createElement("li");
      li.dataset.sensor = s.party + "/" + s.id;
      if (s.kind === "radar") {  // a space sensor has no site to draw (its lat/lon is its phasing point)
        L.circleMarker([s.lat_deg, s.lon_deg], { radius: 5, color: "#fff", weight: 1.5, fillColor: COLOURS.sensor,
                                                 fillOpacity: 1, className: "sensor" })
          .bindTooltip(s.party + "/" + s.id + " (" + s.sensor + ", shares " + s.sharing + ")")
          .addTo(state.layers.sensors);
        bounds.push([s.lat_deg, s.lon_deg]);
        li.textContent = s.party + "/" + s.id + ": " + s.sensor + " at " + s.lat_deg.toFixed(2) + ", " +
          s.lon_deg.toFixed(2) + " (shares " + s.sharing + ")";
      } else {
        li.textContent = s.party + "/" + s.id + ": " + s.sensor + " (" + s.kind + ", shares " + s.sharing + ")";
      }
      $("sensors").appendChild(li);
    }
    if (!out.sensors.length) $("sensors").textContent = "No sensor visible to this party.";
    if (bounds.length) state.map.fitBounds(L.latLngBounds(bounds), { padding: [10, 10], animate: false });
  }

  // ------------------------------------------------------------------ tracks
  function trackLayers(t, group) {  // the layers of one track view, added to ``group``
    const out = { group: L.layerGroup().addTo(group) };
    const cls = "track-" + t.id;
    if (t.level === "track" && t.position_m) {
      out.trail = L.polyline([], { color: COLOURS.track, weight: 2, opacity: 0.7, interactive: false,
                                   className: "trail " + cls }).addTo(out.group);
      out.marker = L.circleMarker([0, 0], { radius: 7, color: COLOURS.track, weight: 2, fillColor: COLOURS.track,
                                            fillOpacity: 1, className: "track " + cls }).addTo(out.group);
    }
    return out;
  }

  function drawTrack(t, layers) {  // (re)draw the positions, the trail and the launch/impact ellipses
    if (layers.marker && t.position_m) {
      const [lat, lon, alt] = ecefToGeodetic(t.position_m);
      layers.marker.setLatLng([lat, lon]);
      layers.marker.setStyle({ fillColor: COLOURS.track, color: t.firm ? "#5c0040" : COLOURS.track });
      layers.marker.bindTooltip(t.id + ": " + (alt / 1000).toFixed(0) + " km" + (t.firm ? ", firm" : ", tentative"));
      const trail = layers.trail.getLatLngs();
      trail.push([lat, lon]);
      if (trail.length > TRAIL_MAX) trail.shift();
      layers.trail.setLatLngs(trail);
      layers.latlon = [lat, lon, alt];
    }
    for (const kind of ["launch", "impact"]) {
      const pt = t[kind + "_point"];
      for (const key of [kind, kind + "Dot"]) if (layers[key]) { layers.group.removeLayer(layers[key]); layers[key] = null; }
      if (pt && Number.isFinite(pt.lat_deg)) {  // the one-sigma ellipse, and a dot that shows at any zoom
        const colour = t.level === "warning" ? COLOURS.warning : COLOURS[kind];
        const tip = kind + " point of " + t.id + ": " + pt.lat_deg.toFixed(2) + ", " + pt.lon_deg.toFixed(2) +
          " ±" + (pt.sigma_km || 0).toFixed(1) + " km (one-sigma ellipse)";
        layers[kind] = L.polygon(ellipse(pt, 72), { color: colour, weight: 2, fillOpacity: 0.2,
                                                     className: kind + "-ellipse track-" + t.id })
          .bindTooltip(tip).addTo(layers.group);
        layers[kind + "Dot"] = L.circleMarker([pt.lat_deg, pt.lon_deg], { radius: 4, color: colour, weight: 2,
                                                                          fillColor: "#fff", fillOpacity: 1,
                                                                          className: kind + "-point track-" + t.id })
          .bindTooltip(tip).addTo(layers.group);
      }
    }
  }

  function upsertTrack(t) {
    const old = state.tracks.get(t.id);
    if (old && old.view.t_s != null && t.t_s != null && t.t_s < old.view.t_s) return;  // an older state
    const entry = old || { layers: trackLayers(t, state.layers.live) };
    if (old && old.view.level !== t.level) {  // the level changed: draw anew
      state.layers.live.removeLayer(old.layers.group);
      entry.layers = trackLayers(t, state.layers.live);
    }
    entry.view = t;
    state.tracks.set(t.id, entry);
    drawTrack(t, entry.layers);
    if (!(t.id in state.shownAt)) state.shownAt[t.id] = Date.now();
    keepInView(entry.layers);
    listTrack(entry);
  }

  function keepInView(layers) {  // a new track off the map: widen the view to take it in (no animation)
    const pts = [layers.marker, layers.launch, layers.impact].filter(Boolean)
      .map((l) => (l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng()])));
    if (!pts.length) return;
    const want = pts.reduce((a, b) => a.extend(b), L.latLngBounds(pts[0].getSouthWest(), pts[0].getNorthEast()));
    if (!state.map.getBounds().pad(-0.02).contains(want)) {  // reset: at once, not animated
      const b = state.map.getBounds().extend(want);
      state.map.setView(b.getCenter(), state.map.getBoundsZoom(b, false, L.point(40, 40)), { reset: true });
    }
  }

  function removeTrack(entry) {
    if (state.layers) state.layers.live.removeLayer(entry.layers.group);
    const li = document.querySelector('#tracks li[data-track-id="' + CSS.escape(entry.view.id) + '"]');
    if (li) li.remove();
  }

  function listTrack(entry) {
    const t = entry.view;
    let li = document.querySelector('#tracks li[data-track-id="' + CSS.escape(t.id) + '"]');
    if (!li) {
      li = document.createElement("li");
      li.dataset.trackId = t.id;
      $("tracks").appendChild(li);
    }
    li.className = "track-item level-" + t.level;
    let text = t.id + " · " + (t.firm ? "firm" : "tentative") + " · " + t.level;
    if (entry.layers.latlon) text += " · alt " + (entry.layers.latlon[2] / 1000).toFixed(0) + " km";
    if (t.impact_point) text += " · impact " + t.impact_point.lat_deg.toFixed(2) + ", " +
      t.impact_point.lon_deg.toFixed(2) + " ±" + t.impact_point.sigma_km.toFixed(1) + " km";
    li.textContent = text;
    $("track-count").textContent = "(" + state.tracks.size + ")";
  }

  async function reconcile() {  // the whole picture again: drops tracks the center no longer shows
    const out = await api("/v1/tracks");
    const ids = new Set(out.tracks.map((t) => t.id));
    for (const [id, entry] of state.tracks) if (!ids.has(id)) { removeTrack(entry); state.tracks.delete(id); }
    out.tracks.forEach(upsertTrack);
  }

  // ------------------------------------------------------------------ alerts
  function addAlert(a) {
    if (state.alerts.has(a.track_id)) return;
    state.alerts.set(a.track_id, a);
    const li = document.createElement("li");
    li.className = "alert-" + a.kind;
    li.dataset.trackId = a.track_id;
    const lp = a.launch_point;
    li.textContent = (a.kind === "unannounced" ? "UNANNOUNCED launch" : "Announced launch (" + a.notification + ")") +
      (lp ? " from " + lp.lat_deg.toFixed(2) + ", " + lp.lon_deg.toFixed(2) : "") + " at " + utc(lp ? lp.t_s : a.t_s) +
      ": track " + a.track_id;
    $("alerts").prepend(li);
    if (a.kind === "unannounced") {
      const banner = $("alert-banner");
      banner.textContent = "Unannounced launch" + (lp ? " from " + lp.lat_deg.toFixed(2) + ", " +
        lp.lon_deg.toFixed(2) : "") + " (track " + a.track_id + ")";
      banner.hidden = false;
    }
  }

  // ------------------------------------------------------------------ the stream
  function parseEvents(buffer, onEvent) {  // server-sent events: blocks split by a blank line
    const blocks = buffer.split(/\r?\n\r?\n/);
    const rest = blocks.pop();
    for (const block of blocks) {
      const ev = { event: "message", data: [], id: null, comment: false };
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(":")) { ev.comment = true; continue; }
        const i = line.indexOf(":"), field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
        if (field === "event") ev.event = value;
        else if (field === "data") ev.data.push(value);
        else if (field === "id") ev.id = value;
      }
      onEvent(ev);
    }
    return rest;
  }

  function onStreamEvent(ev) {
    if (ev.id) state.lastEventId = ev.id;
    if (!ev.data.length) return;
    const data = JSON.parse(ev.data.join("\n"));
    if (ev.event === "track") upsertTrack(data);
    else if (ev.event === "alert") addAlert(data);
    else if (ev.event === "end") logout("The center ended the session: " + (data.reason || "access ended"));
  }

  async function stream(opened) {
    const ctrl = new AbortController();
    state.streamAbort = ctrl;
    const headers = { Authorization: "Bearer " + state.token };
    if (state.lastEventId) headers["Last-Event-ID"] = state.lastEventId;
    try {
      const r = await fetch("/v1/stream", { headers, signal: ctrl.signal, cache: "no-store" });
      if (r.status === 401) { logout("The token is no longer valid."); return; }
      if (!r.ok) throw new Error("stream: " + r.status);
      const reader = r.body.getReader(), decoder = new TextDecoder();
      let buffer = "";
      status("live: connected to the stream");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (ev) => {
          if (ev.comment && opened) { opened(); opened = null; }
          onStreamEvent(ev);
        });
      }
    } catch (e) {
      if (ctrl.signal.aborted) return;
      status("live: stream interrupted (" + e.message + "); reconnecting");
    }
    if (opened) opened();
    if (state.token && state.streamAbort === ctrl) setTimeout(() => state.token && stream(null), RECONNECT_MS);
  }

  // ------------------------------------------------------------------ the exercise score
  async function loadExercise() {
    let list;
    try {
      list = await api("/v1/exercises");
    } catch (e) {
      $("score").textContent = e.status === 404 ? "This center records no exercises." : "Exercises: " + e.message;
      return;
    }
    const rows = list.exercises || [];
    if (!rows.length) { $("score").textContent = "No exercise recorded yet."; return; }
    const latest = rows.reduce((a, b) => (b.started_s >= a.started_s ? b : a));  // the latest started
    state.exercise = latest;
    showScore(latest);
    if (!$("replay-from").value && latest.finished_s) {
      $("replay-from").value = utc(latest.started_s);
      $("replay-to").value = utc(latest.finished_s);
    }
  }

  function showScore(ex) {
    const box = $("score");
    box.textContent = "";
    const head = document.createElement("p");
    const scenario = (ex.scenario || "").split("\n")[0].slice(0, 60);  // a name, or a TOML text's first line
    head.textContent = "Exercise " + ex.id + " by " + ex.party + (scenario ? " (" + scenario + ")" : "") +
      ", " + ex.speed + "x, " + utc(ex.started_s) + " to " + (ex.finished_s ? utc(ex.finished_s) : "(running)");
    head.id = "score-title";
    box.appendChild(head);
    const dl = document.createElement("dl");
    const add = (k, v) => {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v);
      dd.dataset.key = k;
      dl.append(dt, dd);
    };
    const walk = (prefix, obj) => {
      for (const [k, v] of Object.entries(obj || {})) {
        const key = prefix ? prefix + "." + k : k;
        if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(key, v);
        else if (Array.isArray(v)) add(key, v.length + " items");
        else add(key, v);
      }
    };
    walk("", ex.score);
    box.appendChild(dl);
  }

  // ------------------------------------------------------------------ replay
  async function loadReplay() {
    const from = parseUtc($("replay-from").value), to = parseUtc($("replay-to").value);
    const step = Number($("replay-step").value) || 1;
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      $("replay-time").textContent = "Give from and to as UTC times, e.g. 2026-12-05T12:00:00Z.";
      return;
    }
    $("replay-time").textContent = "loading the replay...";
    try {
      const out = await api("/v1/history?from_s=" + from + "&to_s=" + to + "&step_s=" + step);
      state.replay = out;
    } catch (e) {
      $("replay-time").textContent = "Replay: " + e.message;
      return;
    }
    state.layers.live.remove();
    $("mode").textContent = "REPLAY";
    const slider = $("replay-slider");
    slider.max = String(state.replay.frames.length - 1);
    slider.value = "0";
    slider.disabled = false;
    $("replay-play").disabled = false;
    $("replay-live").disabled = false;
    showFrame(0);
  }

  function showFrame(k) {
    const frame = state.replay.frames[k];
    state.layers.replay.clearLayers();
    for (const t of frame.tracks) {
      const layers = trackLayers(t, state.layers.replay);
      for (const view of trailUpTo(t.id, k)) drawTrack(view, layers);
    }
    const alerts = state.replay.alerts.filter((a) => a.t_s <= frame.t_s);
    $("replay-time").textContent = utc(frame.t_s) + " · frame " + (k + 1) + "/" + state.replay.frames.length +
      " · " + frame.tracks.length + " tracks · " + alerts.filter((a) => a.kind === "unannounced").length +
      " unannounced";
    $("replay-slider").value = String(k);
  }

  function trailUpTo(id, k) {  // the track's states in frames 0..k (its trail), distinct times
    const out = [];
    for (let i = 0; i <= k; i++) {
      const t = state.replay.frames[i].tracks.find((x) => x.id === id);
      if (t && (!out.length || out[out.length - 1].t_s !== t.t_s)) out.push(t);
    }
    return out;
  }

  function playReplay() {
    if (state.replayTimer) {
      clearInterval(state.replayTimer);
      state.replayTimer = null;
      $("replay-play").textContent = "Play";
      return;
    }
    $("replay-play").textContent = "Pause";
    state.replayTimer = setInterval(() => {
      const k = Number($("replay-slider").value) + 1;
      if (k >= state.replay.frames.length) { playReplay(); return; }
      showFrame(k);
    }, 100);
  }

  function stopReplay() {
    if (state.replayTimer) clearInterval(state.replayTimer);
    state.replayTimer = null; state.replay = null;
    if (!state.layers) return;
    state.layers.replay.clearLayers();
    if (!state.map.hasLayer(state.layers.live)) state.layers.live.addTo(state.map);
    $("mode").textContent = "";
    $("replay-play").textContent = "Play";
    ["replay-play", "replay-live", "replay-slider"].forEach((id) => { $(id).disabled = true; });
  }

  // ------------------------------------------------------------------ start
  async function start() {
    makeMap();
    try {
      await loadSensors();
      await new Promise((resolve) => stream(resolve));  // the stream first: no update is lost between
      await reconcile();
      (await api("/v1/alerts")).alerts.forEach(addAlert);
      state.reconcileTimer = setInterval(() => Promise.all([reconcile(), loadExercise()])
        .catch((e) => status("refresh: " + e.message)), RECONCILE_MS);
      await loadExercise();
      if (!$("replay-from").value && state.tracks.size) {
        const times = [...state.tracks.values()].map((e) => e.view);
        $("replay-from").value = utc(Math.min(...times.map((t) => t.first_t_s || t.t_s)));
        $("replay-to").value = utc(Math.max(...times.map((t) => t.t_s)));
      }
    } catch (e) {
      if (e.status === 401) logout("The token is no longer valid.");
      else status("error: " + e.message);
    }
  }

  $("login-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const token = $("token").value.trim();
    if (!token) { $("login-error").textContent = "Type your party's API token (obmd_...)."; return; }
    login(token);
  });
  $("logout").addEventListener("click", () => logout(""));
  $("replay-load").addEventListener("click", loadReplay);
  $("replay-play").addEventListener("click", playReplay);
  $("replay-live").addEventListener("click", stopReplay);
  $("replay-slider").addEventListener("input", (ev) => showFrame(Number(ev.target.value)));
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) login(saved);
})();
