/**
 * The app controller: routes (hash-based, so any static host works), the shared state views
 * read, the sync bar, walk-in-progress and update etiquette.
 */
import { lang } from "../i18n/index.js";
import { getMeta, setMeta, deleteMeta } from "./data/db.js";
import * as store from "./data/store.js";
import * as sync from "./net/sync.js";
import { onUnauthorized } from "./net/api.js";
import * as bridge from "./sw-bridge.js";
import * as reports from "./data/reports.js";
import { renderStatus } from "./ui/status.js";
import { toast } from "./ui/dom.js";

const routes = {
  login: () => import("./views/auth.js").then((m) => m.renderLogin),
  join: () => import("./views/auth.js").then((m) => m.renderJoin),
  turfs: () => import("./views/turfs.js").then((m) => m.renderTurfs),
  walk: () => import("./views/walk.js").then((m) => m.renderWalk),
  stop: () => import("./views/door.js").then((m) => m.renderStop),
  door: () => import("./views/door.js").then((m) => m.renderDoor),
  map: () => import("./views/map.js").then((m) => m.renderMap),
  shift: () => import("./views/shift.js").then((m) => m.renderShift),
};

/** State shared by the views for this page's life (durable facts live in IndexedDB). */
export const app = {
  position: null, // {lat, lon, accuracy, at}: only when the volunteer asked
  updateReady: false,
  config: { tile_url: "", tile_attribution: "" },
};

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function parse() {
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  return { name: name || "", args };
}

let rendering = Promise.resolve();

export function render() {
  rendering = rendering.then(renderNow).catch((err) => {
    console.error(err);
    toast(String(err.message || err));
  });
  return rendering;
}

async function renderNow() {
  const root = document.getElementById("app");
  const params = new URLSearchParams(location.search);
  const listCode = params.get("list_code")?.trim();
  if (listCode) {
    // The console's QR code opens the app with ?list_code=. Kept on the phone rather than in
    // the address, so it survives a login or a dead zone and a reload cannot claim it twice.
    await store.keepListCodeToClaim(listCode);
    params.delete("list_code");
    const search = params.toString();
    history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}${location.hash}`);
  }
  const session = await store.getSession();
  let { name, args } = parse();
  if (!session) {
    name = params.get("code") || name === "join" ? "join" : "login";
    args = [params.get("code") || args[0] || ""];
  } else if (listCode) {
    name = "turfs"; // the turfs view claims the kept code
    args = [];
    history.replaceState(null, "", "#/turfs");
  } else if (!routes[name] || name === "login" || name === "join") {
    const walk = await getMeta("walk");
    name = walk && (await store.getTurf(walk.turf_id)) && location.pathname.endsWith("/walk") ? "walk" : "turfs";
    args = name === "walk" ? [String(walk.turf_id)] : [];
    history.replaceState(null, "", `#/${[name, ...args].join("/")}`);
  }
  const view = await routes[name]();
  document.body.dataset.view = name;
  await view(root, args, session);
  root.focus?.({ preventScroll: true });
}

// --- sync bar, update etiquette ---------------------------------------------------------

export function paintStatus(state = sync.state) {
  const el = document.getElementById("statusbar");
  if (el) renderStatus(el, state, { updateReady: app.updateReady });
}

/** A new version may take over only when no report waits and no walk is in progress. */
export async function updateIsSafe() {
  const waiting = await reports.waitingCount();
  const parked = await reports.parkedCount();
  const walk = await getMeta("walk");
  return { safe: !waiting && !parked && !walk, waiting: waiting + parked, walk: Boolean(walk) };
}

async function maybeUpdate() {
  app.updateReady = true;
  paintStatus();
  if ((await updateIsSafe()).safe && !document.querySelector("form.dirty")) bridge.applyUpdate();
}

export async function startWalk(turfId) {
  const walk = await getMeta("walk");
  if (!walk || walk.turf_id !== turfId) {
    await setMeta("walk", { turf_id: turfId, started_at: new Date().toISOString() });
  }
}

export async function endWalk() {
  await deleteMeta("walk");
  if (app.updateReady) maybeUpdate();
}

/** Persist a report and start a sync; resolves once the report is durable on the phone. */
export async function recordReport(fields) {
  const report = await reports.record(await reports.makeReport(fields));
  await sync.changed();
  setTimeout(() => sync.sync(), 300);
  return report;
}

async function askPersistence() {
  // Installed apps are exempt from Safari's 7-day eviction; ask for durable storage once.
  if (!navigator.storage?.persist || (await getMeta("persist_asked"))) return;
  const installed = matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  if (!installed) return;
  await setMeta("persist_asked", await navigator.storage.persist());
}

export async function loadConfig() {
  const { api } = await import("./net/api.js");
  try {
    app.config = { ...app.config, ...(await api.clientConfig()) };
    await setMeta("client_config", app.config);
  } catch {
    app.config = { ...app.config, ...((await getMeta("client_config")) || {}) };
  }
}

/**
 * The server refused the session's token (expired, or an organizer signed the volunteer out):
 * keep the outbox and the turfs, and show the login screen, unless a door form is being
 * filled in; then it shows at the next screen. The token is dropped, so nothing calls the
 * server with it again.
 */
async function sessionRefused(token) {
  if ((await store.expireSession(token)) && !document.querySelector("form.dirty")) render();
}

export function start() {
  document.documentElement.lang = lang;
  onUnauthorized(sessionRefused);
  sync.subscribe(paintStatus);
  // An update waits for the outbox to empty: look again whenever the sync state changes, so
  // a report acknowledged just after the walk ended cannot leave the update stranded.
  sync.subscribe(() => {
    if (app.updateReady) maybeUpdate();
  });
  // A notice a sync pass added (a report stored without an answer) shows on the open list at
  // once; a form being filled in is never redrawn under the volunteer's fingers.
  let notices = sync.state.notices;
  sync.subscribe((state) => {
    if (state.notices === notices) return;
    notices = state.notices;
    const listing = ["walk", "turfs"].includes(document.body.dataset.view);
    if (listing && !document.querySelector("form.dirty")) render();
  });
  window.addEventListener("hashchange", render);
  render().then(() => {
    sync.changed();
    sync.start();
    loadConfig();
    askPersistence();
  });
  // A list code kept for lack of network is claimed as soon as the network returns.
  self.addEventListener("online", async () => {
    if (document.body.dataset.view === "turfs" && (await store.getListCodeToClaim())) render();
  });
  bridge.onUpdateReady(maybeUpdate);
  bridge.register().catch((err) => console.warn("service worker", err));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") bridge.checkForUpdate();
  });
  // A small surface for the browser tests and for support over the phone.
  self.canvass = {
    outboxAll: reports.outboxAll,
    parkedAll: reports.parkedAll,
    sync: sync.sync,
    state: sync.state,
    updateIsSafe,
    ready: () => rendering,
  };
}
