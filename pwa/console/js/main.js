// The organizer console: login, then the map beside the panels. Wires modules together;
// the work is in net/api.js (HTTP), map/turf_map.js (Leaflet) and panels/*.js.

import { createMap, fitToData, showPrecincts } from "./map/turf_map.js";
import * as api from "./net/api.js";
import { renderCutPanel } from "./panels/cut.js";
import { renderExportsPanel } from "./panels/exports.js";
import { renderProgressPanel } from "./panels/progress.js";
import { renderReviewPanel } from "./panels/review.js";
import { renderSurveyPanel } from "./panels/survey.js";
import { renderTeamPanel } from "./panels/team.js";
import { renderTurfsPanel } from "./panels/turfs.js";
import { reloadUniverses, renderUniversePanel } from "./panels/universe.js";
import { events, mergeTurfFigures, setTurfs, state } from "./state.js";
import { attempt, h, setStatus } from "./ui.js";

const $ = (id) => document.getElementById(id);
let started = false;

/**
 * Loads every turf with its outline and puts it on the map; the saved universes come
 * along, since their turf counts change with every cut and edit.
 */
async function reloadTurfs() {
  const [turfs] = await Promise.all([api.listTurfs(), reloadUniverses()]);
  setTurfs(turfs);
}

/** Refreshes turf status and progress without downloading the outlines again. */
async function refreshTurfFigures() {
  const fresh = await api.listTurfs({ outline: false });
  if (!mergeTurfFigures(fresh)) await reloadTurfs();
}

function showLogin(message = "") {
  $("app-view").hidden = true;
  $("who").hidden = true;
  $("login-view").hidden = false;
  $("login-error").textContent = message;
  $("login-form").elements.email.focus();
}

async function showApp(user) {
  state.user = user;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = `${user.name || user.email} · ${user.role}`;
  if (started) return;
  started = true;

  const config = await api.clientConfig().catch(() => ({}));
  createMap(config);
  setStatus("Loading…");
  const [precincts, elections] = await Promise.all([
    api.listPrecincts().catch(() => []),
    api.listElections().catch(() => []),
  ]);
  showPrecincts(precincts);

  const universe = renderUniversePanel($("panel-universe"), {
    precincts,
    elections,
  });
  events.addEventListener("universe", universe.drawList);
  renderCutPanel($("panel-cut"), { reloadTurfs });
  renderTurfsPanel($("panel-turfs"), { reloadTurfs });
  const progress = renderProgressPanel($("panel-progress"), {
    onRefreshed: () => attempt(refreshTurfFigures),
  });
  const review = renderReviewPanel($("panel-review"));
  const team = renderTeamPanel($("panel-team"));
  const survey = renderSurveyPanel($("panel-survey"));
  renderExportsPanel($("panel-exports"));

  const onShow = {
    progress: progress.start,
    review: review.refresh,
    team: team.refresh,
    survey: survey.refresh,
  };
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.id = `tab-${tab.dataset.panel}`;
    tab.setAttribute("aria-controls", `panel-${tab.dataset.panel}`);
    $(`panel-${tab.dataset.panel}`).setAttribute("aria-labelledby", tab.id);
    tab.addEventListener("click", () => {
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute("aria-selected", String(on));
        $(`panel-${other.dataset.panel}`).hidden = !on;
      }
      if (tab.dataset.panel !== "progress") progress.stop();
      const show = onShow[tab.dataset.panel];
      if (show) show();
    });
  }

  await attempt(async () => {
    await Promise.all([reloadTurfs(), team.refresh()]);
    fitToData(precincts);
    setStatus(`${state.turfs.length.toLocaleString("en-US")} turfs loaded.`);
  });
  document.body.dataset.ready = "true";
}

async function boot() {
  api.setUnauthorizedHandler(() =>
    showLogin("Your session ended; please log in again."),
  );
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    if (!email || !password) {
      $("login-error").textContent = "Enter your email and password.";
      return;
    }
    $("login-error").textContent = "";
    try {
      const user = await api.login(email, password);
      form.reset();
      await showApp(user);
    } catch (err) {
      $("login-error").textContent = err.message;
    }
  });
  $("logout").addEventListener("click", async () => {
    await api.logout().catch(() => {});
    location.reload();
  });

  if (api.hasToken()) {
    try {
      const user = await api.me();
      if (["organizer", "admin"].includes(user.role)) return showApp(user);
    } catch {
      // an expired token falls through to the login form
    }
  }
  showLogin();
}

boot().catch((err) => {
  document.body.prepend(
    h(
      "p",
      { class: "error", role: "alert" },
      `The console failed to start: ${err.message}`,
    ),
  );
});
