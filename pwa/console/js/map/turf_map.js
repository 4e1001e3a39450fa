// The console's map: turf outlines coloured and patterned by status, text labels, doors at
// high zoom, and click-to-select. Everything is drawn on one shared canvas, so 2,000 turfs
// stay one <canvas> instead of 2,000 SVG paths. Leaflet re-simplifies each outline for the
// current zoom (Douglas-Peucker in screen pixels, `smoothFactor`), so a zoomed-out county
// draws a few points per turf and a zoomed-in street sees every corner.

import * as api from "../net/api.js";
import { events, state, toggleSelected } from "../state.js";
import { STATUS_LABELS, h, pct } from "../ui.js";

const L = window.L;

/** Zoom from which doors are drawn (about 1.5 km across on a laptop screen). */
export const DOOR_ZOOM = 15;
/** Labels are drawn only when at most this many turfs are in view: more would be noise. */
const MAX_LABELS = 150;
/** From this zoom a label may spill past a small turf's edges (it still never overlaps another). */
const LABEL_ZOOM = 15;
/** The label font (as .turf-label in console.css), for measuring label boxes before drawing. */
const LABEL_FONT =
  "11.5px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const LABEL_PAD_X = 8;
const LABEL_HEIGHT = 17;
const LABEL_GAP = 4;
const MAX_DOORS = 20000;

// Status is told by colour AND line pattern AND text label, never colour alone.
const STYLES = {
  not_started: {
    color: "#4a5568",
    weight: 1.5,
    dashArray: "6 4",
    fillColor: "#4a5568",
    fillOpacity: 0.04,
  },
  in_progress: {
    color: "#b36b00",
    weight: 2.5,
    dashArray: null,
    fillColor: "#f0a500",
    fillOpacity: 0.2,
  },
  done: {
    color: "#1e7a3c",
    weight: 3.5,
    dashArray: null,
    fillColor: "#1e7a3c",
    fillOpacity: 0.4,
  },
};
const SELECTED = { color: "#1f5fbf", weight: 4, dashArray: null };

let map;
let renderer;
let turfLayer;
let labelLayer;
let doorLayer;
let precinctLayer;
const turfLayers = new Map();
let doorRequest = 0;
let drawing = null;

/**
 * Progress of a turf as a fraction 0..1 (doors attempted over doors), whatever the API
 * calls it.
 * @param {object} turf
 * @returns {number}
 */
export function turfProgress(turf) {
  if (typeof turf.progress === "number") return turf.progress;
  if (turf.progress && typeof turf.progress.share_done === "number")
    return turf.progress.share_done;
  const attempted =
    turf.doors_attempted ?? (turf.progress && turf.progress.doors_attempted);
  if (typeof attempted === "number" && turf.door_count)
    return attempted / turf.door_count;
  return turf.status === "done" ? 1 : 0;
}

/**
 * How much of an outline's full weight to draw at a zoom: a whole county of full-weight
 * borders is a thicket, while the fills still tell the statuses apart.
 * @param {number} zoom
 * @returns {number}
 */
export function outlineScale(zoom) {
  if (zoom >= 15) return 1;
  if (zoom >= 14) return 0.75;
  if (zoom >= 13) return 0.55;
  return 0.4;
}

function styleFor(turf) {
  const base = STYLES[turf.status] || STYLES.not_started;
  const scale = outlineScale(map ? map.getZoom() : DOOR_ZOOM);
  const style = { ...base, weight: Math.max(0.75, base.weight * scale) };
  // Short dashes at low zoom, or a dashed border reads as a solid one.
  if (base.dashArray && scale < 1) style.dashArray = "3 3";
  if (turf.status === "in_progress")
    style.fillOpacity = 0.12 + 0.4 * turfProgress(turf);
  if (!state.selected.has(turf.id)) return style;
  return {
    ...style,
    ...SELECTED,
    weight: Math.max(2.5, SELECTED.weight * scale),
  };
}

function ringsToLatLngs(rings) {
  return rings.map((ring) => ring.map(([lon, lat]) => [lat, lon]));
}

function outlineLatLngs(outline) {
  if (!outline) return null;
  if (outline.type === "Polygon") return ringsToLatLngs(outline.coordinates);
  if (outline.type === "MultiPolygon")
    return outline.coordinates.map(ringsToLatLngs);
  return null;
}

/**
 * Creates the map in #map. With a tile URL it shows that base layer; without one the
 * outlines and doors stand on a plain background, which is all planning needs.
 * @param {{tile_url?: string, tile_attribution?: string}} config
 * @returns {any} the Leaflet map
 */
export function createMap(config) {
  map = L.map("map", {
    preferCanvas: true,
    zoomControl: true,
    minZoom: 8,
    maxZoom: 19,
  });
  renderer = L.canvas({ padding: 0.3, tolerance: 4 });
  if (config && config.tile_url) {
    L.tileLayer(config.tile_url, {
      attribution: config.tile_attribution || "",
      maxZoom: 19,
    }).addTo(map);
  }
  precinctLayer = L.layerGroup().addTo(map);
  turfLayer = L.layerGroup().addTo(map);
  doorLayer = L.layerGroup().addTo(map);
  labelLayer = L.layerGroup().addTo(map);
  map.setView([39.96, -83.0], 12);
  map.on("zoomend", () => restyle({ labels: false }));
  map.on("moveend", () => {
    updateLabels();
    updateDoors();
  });
  events.addEventListener("turfs", drawTurfs);
  events.addEventListener("selection", () => restyle());
  events.addEventListener("figures", () => restyle());
  events.addEventListener("universe", () => {
    doorLayer.clearLayers();
    updateDoors();
  });
  events.addEventListener("turfs", () => refreshDoors());
  renderLegend();
  window.consoleMap = map; // for the browser tests and for debugging from the devtools
  return map;
}

function doorSwatch(fill) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  const dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
  dot.setAttribute("cx", "14");
  dot.setAttribute("cy", "7");
  dot.setAttribute("r", "4");
  dot.setAttribute("fill", fill);
  dot.setAttribute("stroke", "#1d2330");
  svg.append(dot);
  return svg;
}

function renderLegend() {
  const swatch = (style) => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", "2");
    rect.setAttribute("y", "2");
    rect.setAttribute("width", "24");
    rect.setAttribute("height", "10");
    rect.setAttribute("fill", style.fillColor || "none");
    rect.setAttribute("fill-opacity", String(style.fillOpacity ?? 0));
    rect.setAttribute("stroke", style.color);
    rect.setAttribute("stroke-width", String(Math.min(style.weight, 3)));
    if (style.dashArray) rect.setAttribute("stroke-dasharray", "4 3");
    svg.append(rect);
    return svg;
  };
  const legend = document.getElementById("legend");
  legend.replaceChildren(
    h("strong", {}, "Turfs"),
    h(
      "ul",
      {},
      Object.entries(STYLES).map(([status, style]) =>
        h(
          "li",
          {},
          swatch(style),
          STATUS_LABELS[status] + (status === "not_started" ? " (dashed)" : ""),
        ),
      ),
      h("li", {}, swatch({ ...SELECTED, fillColor: "none" }), "Selected"),
      h("li", {}, doorSwatch("#1d2330"), "Door in a turf (from zoom 15)"),
      h("li", {}, doorSwatch("#ffffff"), "Door not cut yet"),
    ),
    h(
      "p",
      { class: "hint" },
      "Names show when turfs are big enough on screen.",
    ),
  );
}

function drawTurfs() {
  turfLayer.clearLayers();
  turfLayers.clear();
  for (const turf of state.turfs) {
    const latlngs = outlineLatLngs(turf.outline);
    if (!latlngs) continue;
    const layer = L.polygon(latlngs, {
      renderer,
      smoothFactor: 1.5,
      ...styleFor(turf),
    });
    layer.turfId = turf.id;
    // Built on hover only, so 2,000 turfs cost no tooltip DOM until someone points at one.
    layer.bindTooltip(
      () => turfDetails(state.turfs.find((t) => t.id === turf.id) || turf),
      {
        sticky: true,
      },
    );
    layer.on("click", (e) => {
      if (drawing) return;
      L.DomEvent.stopPropagation(e);
      // The canvas hands the click to the last-drawn outline within a few pixels of the
      // pointer, which near a border is often the neighbour: ask the outlines themselves.
      const doors = doorCache.doors || [];
      toggleSelected(turfAt(state.turfs, e.latlng.lng, e.latlng.lat, doors) ?? turf.id);
    });
    layer.addTo(turfLayer);
    turfLayers.set(turf.id, layer);
  }
  document.getElementById("map").dataset.turfsDrawn = String(turfLayers.size);
  updateLabels();
}

function inRings(rings, lon, lat) {
  // Even-odd over every ring, so a point in a hole is outside.
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi)
        inside = !inside;
    }
  }
  return inside;
}

function outlineContains(outline, lon, lat) {
  if (!outline) return false;
  if (outline.type === "Polygon") return inRings(outline.coordinates, lon, lat);
  if (outline.type === "MultiPolygon")
    return outline.coordinates.some((rings) => inRings(rings, lon, lat));
  return false;
}

/**
 * The turf a click at (lon, lat) means: the one whose outline contains the point. Where
 * none or several do (a click on a border, or outlines stored before they were made to
 * tile), the one whose own door is nearest, when the doors are loaded.
 * @param {{id: number, outline: object|null}[]} turfs
 * @param {number} lon
 * @param {number} lat
 * @param {{lon: number|null, lat: number|null, turf_id: number|null}[]} [doors]
 * @returns {number|null} the turf id, or null when nothing tells
 */
export function turfAt(turfs, lon, lat, doors = []) {
  const hits = turfs.filter((t) => outlineContains(t.outline, lon, lat));
  if (hits.length === 1) return hits[0].id;
  const among = new Set((hits.length ? hits : turfs).map((t) => t.id));
  const kx = Math.cos((lat * Math.PI) / 180);
  let best = null;
  let bestD = Infinity;
  for (const d of doors) {
    if (d.lon === null || d.lat === null || !among.has(d.turf_id)) continue;
    const dist = (kx * (d.lon - lon)) ** 2 + (d.lat - lat) ** 2;
    if (dist < bestD) [best, bestD] = [d.turf_id, dist];
  }
  if (best !== null) return best;
  return hits.length ? hits[0].id : null;
}

function restyle({ labels = true } = {}) {
  const byId = new Map(state.turfs.map((t) => [t.id, t]));
  for (const [id, layer] of turfLayers) layer.setStyle(styleFor(byId.get(id)));
  if (labels) updateLabels();
}

/**
 * The label a turf shows on the map: name, status in words and progress.
 * @param {object} turf
 * @returns {string}
 */
export function turfLabel(turf) {
  const status = STATUS_LABELS[turf.status] || turf.status;
  const done =
    turf.status === "in_progress" ? ` ${pct(turfProgress(turf))}` : "";
  return `${turf.name} · ${status}${done}`;
}

function turfDetails(turf) {
  const who = (turf.assignees || []).map((u) => u.name || u.email).join(", ");
  const minutes = turf.minutes ? `, about ${Math.round(turf.minutes)} min` : "";
  return (
    `<strong>${escapeHtml(turfLabel(turf))}</strong><br>` +
    `${turf.door_count} doors, ${turf.voter_count} voters${minutes}<br>` +
    (who ? `Canvassers: ${escapeHtml(who)}` : "Not assigned")
  );
}

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[
        c
      ],
  );
}

let measureContext = null;

function textWidth(text) {
  if (!measureContext) {
    measureContext = document.createElement("canvas").getContext("2d");
    measureContext.font = LABEL_FONT;
  }
  return measureContext.measureText(text).width + LABEL_PAD_X;
}

function overlaps(a, b) {
  return (
    a.x0 < b.x1 + LABEL_GAP &&
    b.x0 < a.x1 + LABEL_GAP &&
    a.y0 < b.y1 + LABEL_GAP &&
    b.y0 < a.y1 + LABEL_GAP
  );
}

/**
 * Chooses which turfs get a label and which text: only when few turfs are in view, never
 * two labels overlapping, the full label (name, status, progress) when it fits inside the
 * turf, else the name alone; below LABEL_ZOOM only inside turfs big enough to hold it.
 * Selected turfs, then the largest on screen, are labelled first.
 * @param {{id: number, text: string, name: string, x: number, y: number, width: number, height: number, selected: boolean}[]} candidates
 *   label anchors in screen pixels with the turf's on-screen size
 * @param {number} zoom
 * @param {(text: string) => number} measure label width in pixels
 * @param {{x: number, y: number}} size the map's size in pixels: labels cut by its edge are left out
 * @returns {{id: number, text: string}[]}
 */
export function placeLabels(candidates, zoom, measure, size) {
  if (candidates.length > MAX_LABELS) return [];
  const order = [...candidates].sort(
    (a, b) =>
      Number(b.selected) - Number(a.selected) ||
      b.width * b.height - a.width * a.height,
  );
  const placed = [];
  const boxes = [];
  for (const c of order) {
    // The full label inside the turf, else the name inside it; from LABEL_ZOOM the name
    // may spill past a small turf's edges.
    const tries = [
      [c.text, false],
      [c.name, false],
      [c.name, zoom >= LABEL_ZOOM],
    ];
    for (const [text, spill] of tries) {
      const width = measure(text);
      if (!spill && (width > c.width || LABEL_HEIGHT > c.height)) continue;
      const box = {
        x0: c.x - width / 2,
        x1: c.x + width / 2,
        y0: c.y - LABEL_HEIGHT / 2,
        y1: c.y + LABEL_HEIGHT / 2,
      };
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > size.x || box.y1 > size.y)
        continue;
      if (boxes.some((other) => overlaps(box, other))) continue;
      boxes.push(box);
      placed.push({ id: c.id, text });
      break;
    }
  }
  return placed;
}

function updateLabels() {
  if (!map) return;
  labelLayer.clearLayers();
  const view = map.getBounds();
  const inView = [];
  for (const turf of state.turfs) {
    const layer = turfLayers.get(turf.id);
    if (layer && view.intersects(layer.getBounds())) inView.push([turf, layer]);
    if (inView.length > MAX_LABELS) break;
  }
  const zoom = map.getZoom();
  const anchors = new Map();
  const candidates =
    inView.length > MAX_LABELS
      ? []
      : inView.map(([turf, layer]) => {
          const bounds = layer.getBounds();
          const nw = map.latLngToContainerPoint(bounds.getNorthWest());
          const se = map.latLngToContainerPoint(bounds.getSouthEast());
          const center = layer.getCenter();
          const at = map.latLngToContainerPoint(center);
          anchors.set(turf.id, center);
          return {
            id: turf.id,
            text: turfLabel(turf),
            name: turf.name,
            x: at.x,
            y: at.y,
            width: se.x - nw.x,
            height: se.y - nw.y,
            selected: state.selected.has(turf.id),
          };
        });
  const shown = placeLabels(candidates, zoom, textWidth, map.getSize());
  for (const { id, text } of shown) {
    L.tooltip({
      permanent: true,
      direction: "center",
      className: "turf-label",
      interactive: false,
    })
      .setLatLng(anchors.get(id))
      .setContent(escapeHtml(text))
      .addTo(labelLayer);
  }
  document.getElementById("map").dataset.labelsDrawn = String(shown.length);
}

/** Fits the map to the turfs, or failing that to the given precincts. */
export function fitToData(precincts = []) {
  const bounds = L.latLngBounds([]);
  for (const layer of turfLayers.values()) bounds.extend(layer.getBounds());
  if (!bounds.isValid()) {
    for (const p of precincts) {
      if (p.min_lat !== undefined && p.min_lat !== null) {
        bounds.extend([p.min_lat, p.min_lon]).extend([p.max_lat, p.max_lon]);
      } else if (p.polygon) {
        bounds.extend(L.polygon(outlineLatLngs(p.polygon)).getBounds());
      }
    }
  }
  if (bounds.isValid())
    map.fitBounds(bounds, { padding: [20, 20], animate: false });
}

/**
 * Draws precinct boundaries as faint context lines (not clickable).
 * @param {object[]} precincts
 */
export function showPrecincts(precincts) {
  precinctLayer.clearLayers();
  for (const p of precincts) {
    const latlngs = outlineLatLngs(p.polygon);
    if (!latlngs) continue;
    L.polygon(latlngs, {
      renderer,
      interactive: false,
      color: "#9aa3b2",
      weight: 1,
      fill: false,
      dashArray: "2 4",
    }).addTo(precinctLayer);
  }
}

/** Centres the map on one turf. @param {number} id */
export function zoomToTurf(id) {
  const layer = turfLayers.get(id);
  if (layer)
    map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 17 });
}

// The universe's doors are fetched once per universe, the first time the map is zoomed in
// far enough, then only those in view are drawn.
let doorCache = { universeId: null, doors: null, loading: null };

async function doorsOfUniverse(universeId) {
  if (doorCache.universeId === universeId && doorCache.doors)
    return doorCache.doors;
  if (doorCache.universeId !== universeId || !doorCache.loading) {
    doorCache = {
      universeId,
      doors: null,
      loading: api.universeDoors(universeId),
    };
  }
  const doors = await doorCache.loading;
  if (doorCache.universeId === universeId) doorCache.doors = doors;
  return doors;
}

/** Forgets the cached doors (after a cut or a drawn turf changed which turf they are in). */
export function refreshDoors() {
  doorCache = { universeId: null, doors: null, loading: null };
  updateDoors();
}

async function updateDoors() {
  if (!map) return;
  const mapEl = document.getElementById("map");
  if (map.getZoom() < DOOR_ZOOM || !state.universeId) {
    doorLayer.clearLayers();
    mapEl.dataset.doorsDrawn = "0";
    return;
  }
  const ticket = ++doorRequest;
  let doors;
  try {
    doors = await doorsOfUniverse(state.universeId);
  } catch {
    return; // the status line already says why when a panel asked; the map just stays bare
  }
  if (ticket !== doorRequest) return; // the view moved on while this was loading
  const view = map.getBounds().pad(0.1);
  doorLayer.clearLayers();
  let drawn = 0;
  for (const d of doors) {
    if (d.lat === null || d.lon === null || !view.contains([d.lat, d.lon]))
      continue;
    if (++drawn > MAX_DOORS) break;
    // Filled: already in a turf; hollow: still to be cut.
    L.circleMarker([d.lat, d.lon], {
      renderer,
      radius: 3,
      weight: 1,
      color: "#1d2330",
      fillColor: d.turf_id ? "#1d2330" : "#ffffff",
      fillOpacity: 1,
      interactive: false,
    }).addTo(doorLayer);
  }
  mapEl.dataset.doorsDrawn = String(Math.min(drawn, MAX_DOORS));
}

// ---- drawing a turf by hand -------------------------------------------------------------------

/**
 * Lets the organizer click corners on the map; resolves with a GeoJSON Polygon (lon/lat,
 * closed ring) when they finish, or null when they cancel.
 * @returns {Promise<object|null>}
 */
export function drawPolygon() {
  if (drawing) drawing.finish(null);
  const bar = document.getElementById("draw-bar");
  const hint = document.getElementById("draw-hint");
  const mapEl = document.getElementById("map");
  const corners = [];
  const line = L.polyline([], {
    renderer,
    color: "#1f5fbf",
    weight: 2,
    dashArray: "4 4",
    interactive: false,
  });
  const shape = L.polygon([], {
    renderer,
    color: "#1f5fbf",
    weight: 2,
    fillOpacity: 0.15,
    interactive: false,
  });
  line.addTo(map);
  shape.addTo(map);
  bar.hidden = false;
  mapEl.classList.add("drawing");
  map.doubleClickZoom.disable();

  const redraw = () => {
    line.setLatLngs(corners);
    shape.setLatLngs(corners.length >= 3 ? corners : []);
    hint.textContent =
      corners.length < 3
        ? `Click the map to add corners (${corners.length} of at least 3).`
        : `${corners.length} corners. Finish, or keep clicking.`;
    document.getElementById("draw-finish").disabled = corners.length < 3;
  };
  redraw();

  return new Promise((resolve) => {
    const onClick = (e) => {
      corners.push(e.latlng);
      redraw();
    };
    const onKey = (e) => {
      if (e.key === "Escape") finish(null);
      if (e.key === "Enter" && corners.length >= 3) finish(toGeoJSON());
    };
    const toGeoJSON = () => {
      const ring = corners.map((c) => [c.lng, c.lat]);
      ring.push(ring[0]);
      return { type: "Polygon", coordinates: [ring] };
    };
    const finish = (result) => {
      map.off("click", onClick);
      document.removeEventListener("keydown", onKey);
      line.remove();
      shape.remove();
      bar.hidden = true;
      mapEl.classList.remove("drawing");
      map.doubleClickZoom.enable();
      drawing = null;
      resolve(result);
    };
    map.on("click", onClick);
    document.addEventListener("keydown", onKey);
    document.getElementById("draw-finish").onclick = () =>
      corners.length >= 3 && finish(toGeoJSON());
    document.getElementById("draw-undo").onclick = () => {
      corners.pop();
      redraw();
    };
    document.getElementById("draw-cancel").onclick = () => finish(null);
    drawing = { finish };
  });
}
