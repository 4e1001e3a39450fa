/**
 * The turf map, only when asked for: the outline and doors drawn from IndexedDB with
 * Leaflet, no tile server needed (tiles only when configured and online). Doors show their
 * status by shape and letter as well as colour. The phone's position: one fix, on request.
 */
import { t } from "../../i18n/index.js";
import * as store from "../data/store.js";
import * as reports from "../data/reports.js";
import { look, planWalk, ranksOf } from "../data/walk.js";
import { $, esc, html, mount } from "../ui/dom.js";
import { app, go } from "../app.js";
import { locate, skippedDoors } from "./walk.js";

let leaflet = null;

/** Load Leaflet (precached by the service worker) the first time the map opens. */
function loadLeaflet() {
  if (leaflet) return leaflet;
  leaflet = new Promise((resolve, reject) => {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "vendor/leaflet/leaflet.css";
    document.head.append(css);
    const script = document.createElement("script");
    script.src = "vendor/leaflet/leaflet.js";
    script.onload = () => resolve(self.L);
    script.onerror = () => {
      leaflet = null;
      reject(new Error("Leaflet did not load"));
    };
    document.head.append(script);
  });
  return leaflet;
}

export async function renderMap(root, [turfIdText]) {
  const turfId = Number(turfIdText);
  const turf = await store.getTurf(turfId);
  if (!turf) return go("#/turfs");
  const [doors, history, skipped] = await Promise.all([
    store.turfDoors(turfId),
    reports.turfHistory(turfId),
    skippedDoors(turfId),
  ]);
  const plan = planWalk(doors, history, skipped, ranksOf(turf.result_codes));
  mount(
    root,
    html`<section class="map-view">
      <header class="bar">
        <a class="button" href="#/walk/${turfId}">‹ ${t("walk.list")}</a>
        <h1 class="grow">${turf.name}</h1>
        <button data-action="locate" data-testid="locate">⌖ ${t("walk.locate")}</button>
      </header>
      <div id="map" data-testid="map" role="application" aria-label="${t("walk.map")}"></div>
      <p class="legend">${["todo", "canvassed", "not_home", "refused", "inaccessible", "lit_drop"].map(
        (s) => html`<span class="badge tone-${look(s).tone}">${look(s).shape} ${t(`status.${s}`)}</span> `,
      )}</p>
    </section>`,
  );
  const L = await loadLeaflet();
  const map = L.map($("#map", root), { zoomControl: true, preferCanvas: false });
  if (app.config.tile_url && navigator.onLine) {
    L.tileLayer(app.config.tile_url, { attribution: app.config.tile_attribution, maxZoom: 19 }).addTo(map);
  }
  const layers = [];
  if (turf.outline) {
    layers.push(L.geoJSON(turf.outline, { style: { color: "#1b4d89", weight: 3, fill: false }, interactive: false }).addTo(map));
  }
  const next = plan.todo[0]?.doors[0]?.id;
  const points = [];
  for (const door of doors) {
    if (door.lat == null || door.lon == null) continue;
    const status = door.do_not_contact ? "do_not_contact" : plan.status.get(door.id) || (skipped.has(door.id) ? "skipped" : "todo");
    const l = look(status);
    const icon = L.divIcon({
      className: "",
      html: `<span class="pin tone-${l.tone}${door.id === next ? " next" : ""}" data-status="${status}" title="${esc(t(`status.${status}`))}">${l.shape}</span>`,
      iconSize: [44, 44],
      iconAnchor: [22, 22],
    });
    const marker = L.marker([door.lat, door.lon], { icon, keyboard: true, title: `${door.address_line} ${door.unit || ""}` });
    marker.on("click", () => go(`#/door/${turfId}/${door.id}`));
    marker.addTo(map);
    points.push([door.lat, door.lon]);
  }
  const bounds = layers.length ? layers[0].getBounds() : L.latLngBounds(points);
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24] });
  else map.setView([0, 0], 2);
  let me = null;
  const showMe = (pos) => {
    me?.remove();
    me = L.circleMarker([pos.lat, pos.lon], { radius: 9, color: "#000", fillColor: "#fff", fillOpacity: 1, weight: 3 })
      .bindTooltip(t("map.you"), { permanent: true })
      .addTo(map);
    map.panTo([pos.lat, pos.lon]);
  };
  if (app.position) showMe(app.position);
  $("[data-action=locate]", root).addEventListener("click", () => locate(showMe));
}
