// Progress tables (per turf, precinct, canvasser, day), the survey's answers per question and
// the quality signals per canvasser, refreshed every few seconds while the panel is open.

import * as api from "../net/api.js";
import { attempt, fmt, h, pct, table } from "../ui.js";

const GROUPS = [
  ["turf", "Turf"],
  ["precinct", "Precinct"],
  ["canvasser", "Canvasser"],
  ["day", "Day"],
];
const REFRESH_MS = 15000;
// An evening shift is on the organizer's day, not UTC's: days are counted in this zone.
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function resultsText(results) {
  const entries = Object.entries(results || {}).filter(([, n]) => n);
  return entries.length
    ? entries.map(([code, n]) => `${code.replace(/_/g, " ")} ${n}`).join(", ")
    : "–";
}

function progressColumns(by) {
  return [
    { key: "label", label: GROUPS.find(([g]) => g === by)[1] },
    ...(by === "turf" || by === "precinct"
      ? [{ key: "door_count", label: "Doors", num: true, format: fmt }]
      : []),
    { key: "doors_attempted", label: "Attempted", num: true, format: fmt },
    { key: "contacts", label: "Contacts", num: true, format: fmt },
    { key: "contact_rate", label: "Contact rate", num: true, format: pct },
    { key: "results", label: "Knocks by result", format: resultsText },
    { key: "voter_results", label: "Voters by result", format: resultsText },
  ];
}

// By turf, the server counts each knock for the live turfs that hold its door now, as the turf
// list does; knocks on doors no turf holds come in one row with key null, listed last.
const TURF_RULE =
  "Each turf counts the knocks on the doors it holds now, as the turf list does: after a split, merge or re-cut they follow their doors. Knocks on doors taken out of every turf are under “Not in a current turf”; the totals count every knock once.";

/** @param {{key: number|null}} row */
const turfRowAttrs = (row) =>
  row.key === null
    ? { class: "outside", dataset: { turfId: "none" } }
    : { dataset: { turfId: String(row.key) } };

const SURVEY_COLUMNS = [
  { key: "name", label: "Response" },
  { key: "answers", label: "Answers", num: true, format: fmt },
  { key: "share", label: "Share", num: true, format: pct },
];

/**
 * Per survey question, how many answers each of its responses got and its share of the
 * question's answers; questions no longer asked show only if someone answered them.
 * @param {object[]} questions survey questions with their responses
 * @param {Object<string, number>} counts survey_response_id -> answers
 */
function surveyTables(questions, counts) {
  const shown = questions
    .map((q) => {
      const rows = (q.responses || []).map((r) => ({
        name: r.name,
        answers: counts[String(r.id)] || 0,
      }));
      const total = rows.reduce((sum, r) => sum + r.answers, 0);
      for (const r of rows) r.share = total ? r.answers / total : null;
      return { q, rows, total };
    })
    .filter(({ q, total }) => q.is_active || total);
  if (!shown.length) return [h("p", { class: "hint" }, "No survey questions.")];
  return shown.map(({ q, rows, total }) =>
    h(
      "div",
      { class: "survey-results", dataset: { questionId: String(q.id) } },
      table(SURVEY_COLUMNS, rows, {
        caption: `${q.name}: ${fmt(total)} answer${total === 1 ? "" : "s"}`,
      }),
    ),
  );
}

const seconds = (s) =>
  s === null || s === undefined
    ? "–"
    : s < 120
      ? `${Math.round(s)} s`
      : `${(s / 60).toFixed(1)} min`;
const metres = (m) =>
  m === null || m === undefined ? "–" : `${Math.round(m)} m`;

const QUALITY_COLUMNS = [
  {
    key: "user",
    label: "Canvasser",
    format: (u) => (u ? u.name || u.email : "–"),
  },
  { key: "knocks", label: "Knocks", num: true, format: fmt },
  { key: "contact_rate", label: "Contact rate", num: true, format: pct },
  {
    key: "median_seconds_between_doors",
    label: "Between doors",
    num: true,
    format: seconds,
  },
  {
    key: "median_distance_m",
    label: "Distance to door",
    num: true,
    format: metres,
  },
  {
    key: "flags",
    label: "Flags",
    format: (flags) =>
      flags && flags.length
        ? h(
            "span",
            { class: "flag" },
            "⚑ " + flags.map((f) => f.replace(/_/g, " ")).join("; "),
          )
        : "ok",
  },
];

/**
 * Fills the progress panel; returns start/stop for its refresh timer.
 * @param {HTMLElement} panel
 * @param {{onRefreshed?: () => void}} [options]
 * @returns {{refresh: () => Promise<void>, start: () => void, stop: () => void}}
 */
export function renderProgressPanel(panel, { onRefreshed } = {}) {
  let by = "turf";
  const totals = h("p", {
    class: "counts",
    id: "progress-totals",
    "aria-live": "polite",
  });
  const body = h("div", { id: "progress-table" });
  const qualityBody = h("div", { id: "quality-table" });
  const surveyBody = h("div", { id: "progress-survey" });
  const updated = h("span", { class: "hint", id: "progress-updated" });
  const groupButtons = GROUPS.map(([g, label]) =>
    h(
      "button",
      {
        type: "button",
        "aria-pressed": String(g === by),
        dataset: { by: g },
        onclick: () => choose(g),
      },
      label,
    ),
  );

  const refresh = () =>
    attempt(async () => {
      const [data, quality, questions] = await Promise.all([
        api.progress(by, TIME_ZONE),
        api.quality(),
        api.listQuestions(),
      ]);
      const t = data.totals || {};
      totals.replaceChildren(
        h("strong", { id: "progress-attempted" }, fmt(t.doors_attempted ?? 0)),
        " doors attempted, ",
        h("strong", { id: "progress-contacts" }, fmt(t.contacts ?? 0)),
        " contacts",
        t.contact_rate !== null && t.contact_rate !== undefined
          ? ` (${pct(t.contact_rate)} contact rate)`
          : "",
      );
      body.replaceChildren(
        table(progressColumns(by), data.rows || [], {
          empty: "No reports yet.",
          rowAttrs: by === "turf" ? turfRowAttrs : undefined,
        }),
        by === "turf" ? h("p", { class: "hint" }, TURF_RULE) : null,
        by === "day"
          ? h(
              "p",
              { class: "hint", id: "progress-zone" },
              `Days in ${TIME_ZONE} time.`,
            )
          : null,
      );
      surveyBody.replaceChildren(...surveyTables(questions, t.responses || {}));
      const rows = quality.rows || [];
      qualityBody.replaceChildren(
        table(QUALITY_COLUMNS, rows, {
          empty: "No knocks yet.",
          rowAttrs: (row) => ({ class: row.flagged ? "flagged" : null }),
        }),
        quality.thresholds
          ? h(
              "p",
              { class: "hint" },
              "Flags are computed from the reports: contact rate far above the normal 10–30%, doors seconds apart, or reports recorded far from the door.",
            )
          : null,
      );
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      if (onRefreshed) onRefreshed();
    });

  const choose = (g) => {
    by = g;
    for (const b of groupButtons)
      b.setAttribute("aria-pressed", String(b.dataset.by === g));
    refresh();
  };

  panel.replaceChildren(
    h("h2", {}, "Progress"),
    h("div", { class: "row" }, ...groupButtons),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        { type: "button", id: "progress-refresh", onclick: () => refresh() },
        "Refresh",
      ),
      updated,
    ),
    totals,
    body,
    h("h3", {}, "Survey responses"),
    surveyBody,
    h("h3", {}, "Quality signals per canvasser"),
    qualityBody,
  );

  let timer = null;
  return {
    refresh,
    start() {
      refresh();
      clearInterval(timer);
      timer = setInterval(refresh, REFRESH_MS);
    },
    stop() {
      clearInterval(timer);
      timer = null;
    },
  };
}
