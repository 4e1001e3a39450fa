// Cut a universe into turfs: automatically (a background job with a progress bar) or by
// drawing a polygon on the map.

import { drawPolygon } from "../map/turf_map.js";
import * as api from "../net/api.js";
import { events, setUniverseId, state } from "../state.js";
import { attempt, fmt, h, setStatus } from "../ui.js";

const POLL_MS = 400;

function universeSelect() {
  const select = h("select", { name: "universe_id", id: "cut-universe" });
  const fill = () => {
    select.replaceChildren(
      ...(state.universes.length
        ? state.universes.map((u) =>
            h(
              "option",
              { value: u.id, selected: u.id === state.universeId },
              u.name,
            ),
          )
        : [h("option", { value: "" }, "Save a universe first")]),
    );
  };
  fill();
  events.addEventListener("universe", fill);
  select.addEventListener("change", () =>
    setUniverseId(Number(select.value) || null),
  );
  return select;
}

/**
 * Polls a job until it is done or failed, updating a progress bar.
 * @param {number} jobId
 * @param {HTMLProgressElement} bar
 * @param {HTMLElement} label
 * @returns {Promise<object>} the finished job
 */
export async function followJob(jobId, bar, label) {
  for (;;) {
    const job = await api.getJob(jobId);
    const fraction = Math.max(0, Math.min(1, Number(job.progress) || 0));
    bar.value = fraction;
    label.textContent = `${Math.round(fraction * 100)}%${job.message ? ` · ${job.message}` : ""}`;
    if (job.status === "done") return job;
    if (job.status === "failed")
      throw new Error(
        `The cut failed: ${job.error || job.message || "no reason given"}`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Fills the cut panel.
 * @param {HTMLElement} panel
 * @param {{reloadTurfs: () => Promise<void>}} deps
 */
export function renderCutPanel(panel, { reloadTurfs }) {
  const bar = h("progress", {
    id: "cut-progress",
    max: 1,
    value: 0,
    "aria-label": "Cut progress",
  });
  const barLabel = h("span", { id: "cut-progress-label" }, "");
  const progressBox = h("div", { hidden: true }, bar, barLabel);
  const modeHint = h("span", { class: "hint" });

  const form = h(
    "form",
    { id: "cut-form" },
    h("label", {}, "Universe", universeSelect()),
    h(
      "fieldset",
      {},
      h("legend", {}, "Balance turfs by"),
      h(
        "label",
        { class: "inline" },
        h("input", {
          type: "radio",
          name: "mode",
          value: "doors",
          checked: true,
        }),
        "Door count",
      ),
      h(
        "label",
        { class: "inline" },
        h("input", { type: "radio", name: "mode", value: "time" }),
        "Walking time (shift length)",
      ),
    ),
    h(
      "label",
      {},
      "Doors per turf (target)",
      h("input", {
        name: "target_doors",
        type: "number",
        min: 5,
        max: 500,
        value: 50,
      }),
    ),
    h(
      "label",
      {},
      "Shift length, minutes (time mode)",
      h("input", {
        name: "shift_minutes",
        type: "number",
        min: 15,
        max: 600,
        value: 120,
      }),
    ),
    h(
      "label",
      { class: "inline" },
      h("input", { type: "checkbox", name: "keep_precincts_whole" }),
      "Keep precincts whole (no turf crosses a precinct line)",
    ),
    modeHint,
    h(
      "div",
      { class: "row" },
      h(
        "button",
        { type: "submit", class: "primary", id: "cut-start" },
        "Cut turfs",
      ),
    ),
    progressBox,
  );

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!state.universeId) {
      setStatus("Save a universe first, then cut it.", { error: true });
      return;
    }
    const target = Number(form.elements.target_doors.value);
    const field = form.elements.target_doors;
    if (!field.value.trim() || !Number.isInteger(target) || target < 5 || target > 500) {
      setStatus(
        `Type how many doors each turf should have, a whole number from ${field.min} to ${field.max}, in “Doors per turf”.`,
        { error: true },
      );
      field.focus();
      return;
    }
    const universeId = state.universeId;
    const params = {
      mode: form.elements.mode.value,
      target_doors: target,
      // A third either side: VAN's 30-50-door advice is a range, not a point.
      min_doors: Math.max(1, Math.round(target * 0.67)),
      max_doors: Math.max(target, Math.round(target * 1.33)),
      shift_minutes: Number(form.elements.shift_minutes.value),
      keep_precincts_whole: form.elements.keep_precincts_whole.checked,
    };
    const button = form.querySelector("#cut-start");
    attempt(async () => {
      button.disabled = true;
      progressBox.hidden = false;
      bar.value = 0;
      barLabel.textContent = "Starting…";
      try {
        const started = await api.startCut(universeId, params);
        const jobId =
          started.job_id ?? (started.job && started.job.id) ?? started.id;
        const job = await followJob(jobId, bar, barLabel);
        await reloadTurfs();
        const made =
          job.result &&
          (job.result.turf_count ?? (job.result.turf_ids || []).length);
        // No turfs is not a success: the job says why (an empty universe, doors without a
        // map location, or every door already in a turf).
        const unlocated = (job.result && job.result.doors_without_location) || 0;
        if (made === 0)
          setStatus(`No turfs made: ${job.message}.`, { error: true });
        else
          // Doors the cut could not place are named, so the universe does not look done.
          setStatus(
            `Cut done: ${made !== undefined ? fmt(made) : "new"} turfs.` +
              (unlocated
                ? ` ${fmt(unlocated)} doors of the universe have no map location yet and were left out: place them (canvass geocode-doors), then cut again.`
                : ""),
            { error: Boolean(unlocated) },
          );
      } finally {
        button.disabled = false;
      }
    });
  });

  const drawName = h("input", {
    name: "turf_name",
    id: "draw-name",
    placeholder: "e.g. Elm St loop",
  });
  const drawButton = h(
    "button",
    { type: "button", id: "draw-start" },
    "Draw a turf on the map",
  );
  drawButton.addEventListener("click", () =>
    attempt(async () => {
      if (!state.universeId)
        throw new Error(
          "Save a universe first: a drawn turf takes that universe's doors.",
        );
      setStatus(
        "Click the corners of the turf on the map, then Finish turf (Esc cancels).",
      );
      const outline = await drawPolygon();
      if (!outline) {
        setStatus("Drawing cancelled.");
        return;
      }
      const name =
        drawName.value.trim() ||
        `Drawn turf ${new Date().toLocaleTimeString()}`;
      const body = { universe_id: state.universeId, name, polygon: outline };
      let made;
      try {
        made = await api.drawTurf(body);
      } catch (err) {
        // Overlap: the server names the turfs in the way; offer to leave their doors out,
        // but only when some door inside is free (otherwise its message says what to do).
        const free = err.status === 409 ? err.errors.free_door_count : 0;
        if (!free) throw err;
        if (
          !window.confirm(
            `${err.message}\n\nMake the turf from the ${fmt(free)} door${free === 1 ? "" : "s"} in no other turf?`,
          )
        ) {
          setStatus("No turf made: the outline overlaps other turfs.");
          return;
        }
        made = await api.drawTurf({ ...body, skip_taken: true });
      }
      const turf = made.turf || made;
      drawName.value = "";
      await reloadTurfs();
      const skipped = (made.skipped || []).reduce(
        (n, s) => n + (s.door_count || 0),
        0,
      );
      setStatus(
        `Turf “${turf.name}” made with ${fmt(turf.door_count)} doors` +
          (skipped
            ? `; ${fmt(skipped)} doors left in their existing turfs.`
            : "."),
      );
    }),
  );

  panel.replaceChildren(
    h("h2", {}, "Cut turfs"),
    form,
    h("h3", {}, "Draw a turf by hand"),
    h(
      "p",
      { class: "hint" },
      "Takes the universe's doors inside your outline that are not already in a turf. Zoom in to see the doors (hollow dots are not cut yet).",
    ),
    h("label", {}, "Turf name", drawName),
    drawButton,
  );
}
