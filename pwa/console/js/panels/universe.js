// Build and save a universe: filters on the left, live voter and door counts before saving.

import * as api from "../net/api.js";
import { setUniverses, state } from "../state.js";
import { attempt, fmt, h, setStatus } from "../ui.js";

const PARTIES = [
  ["D", "Democratic"],
  ["R", "Republican"],
  ["L", "Libertarian"],
  ["G", "Green"],
  ["", "Unaffiliated"],
];
const AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
const CONTACT_STATUSES = [
  ["never_contacted", "Never contacted"],
  ["not_home", "Not home last time"],
  ["contacted", "Talked to"],
  ["refused", "Refused"],
];

function checkboxes(name, options) {
  return h(
    "div",
    { class: "multi", role: "group" },
    options.map(([value, label]) =>
      h("label", {}, h("input", { type: "checkbox", name, value }), label),
    ),
  );
}

function electionSelect(name, elections) {
  return h(
    "select",
    { name, multiple: true, size: Math.min(4, Math.max(2, elections.length)) },
    elections.map((e) =>
      h("option", { value: e.id }, `${e.name || e.kind} (${e.election_on})`),
    ),
  );
}

/**
 * Reads the filter form into the API's filter mapping (empty filters left out).
 * @param {HTMLFormElement} form
 * @returns {object}
 */
export function readFilters(form) {
  const checked = (name) =>
    [...form.querySelectorAll(`input[name="${name}"]:checked`)].map(
      (i) => i.value,
    );
  const selected = (name) =>
    [...form.querySelectorAll(`select[name="${name}"] option:checked`)].map(
      (o) => Number(o.value),
    );
  const filters = {
    precincts: checked("precincts"),
    parties: checked("parties"),
    voted_in: selected("voted_in"),
    not_voted_in: selected("not_voted_in"),
    age_bands: checked("age_bands"),
    contact_status: checked("contact_status"),
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v.length),
  );
}

/**
 * Fills the universe panel.
 * @param {HTMLElement} panel
 * @param {{precincts: object[], elections: object[]}} data
 */
export function renderUniversePanel(panel, { precincts, elections }) {
  const counts = h(
    "p",
    { class: "counts", id: "universe-counts", "aria-live": "polite" },
    "Counting…",
  );
  const form = h(
    "form",
    { id: "universe-form" },
    h(
      "label",
      {},
      "Universe name",
      h("input", {
        name: "name",
        required: true,
        placeholder: "e.g. Weekend persuasion, precincts 1-4",
      }),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Precincts"),
      checkboxes(
        "precincts",
        precincts.map((p) => [
          p.code,
          p.name && p.name !== p.code ? `${p.code} ${p.name}` : p.code,
        ]),
      ),
    ),
    h("fieldset", {}, h("legend", {}, "Party"), checkboxes("parties", PARTIES)),
    elections.length
      ? h(
          "fieldset",
          {},
          h("legend", {}, "Vote history"),
          h(
            "label",
            {},
            "Voted in all of",
            electionSelect("voted_in", elections),
          ),
          h(
            "label",
            {},
            "Did not vote in any of",
            electionSelect("not_voted_in", elections),
          ),
        )
      : null,
    h(
      "fieldset",
      {},
      h("legend", {}, "Age band"),
      checkboxes(
        "age_bands",
        AGE_BANDS.map((b) => [b, b]),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Contact status"),
      checkboxes("contact_status", CONTACT_STATUSES),
    ),
    h(
      "p",
      { class: "hint" },
      "Moved, deceased and do-not-contact voters are always left out.",
    ),
    counts,
    h("button", { type: "submit", class: "primary" }, "Save universe"),
  );

  const saved = h("div", { id: "universe-list" });
  panel.replaceChildren(
    h("h2", {}, "Build a universe"),
    form,
    h("h3", {}, "Saved universes"),
    saved,
  );

  let timer = null;
  let ticket = 0;
  const recount = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++ticket;
      counts.textContent = "Counting…";
      try {
        const result = await api.previewUniverse(readFilters(form));
        if (mine !== ticket) return;
        counts.replaceChildren(
          h("strong", { id: "universe-voter-count" }, fmt(result.voter_count)),
          " voters at ",
          h("strong", { id: "universe-door-count" }, fmt(result.door_count)),
          " doors",
          result.doors_in_turfs
            ? ` (${fmt(result.doors_in_turfs)} already in turfs)`
            : "",
          result.doors_without_location
            ? `; ${fmt(result.doors_without_location)} doors have no map location`
            : "",
        );
      } catch (err) {
        if (mine === ticket) counts.textContent = err.message;
      }
    }, 250);
  };
  form.addEventListener("change", recount);
  recount();

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = form.elements.name.value.trim();
    if (!name) {
      setStatus("Give the universe a name before saving.", { error: true });
      form.elements.name.focus();
      return;
    }
    attempt(async () => {
      const universe = await api.createUniverse(name, readFilters(form));
      await reloadUniverses(universe.id);
      setStatus(
        `Saved universe “${universe.name}”: ${fmt(universe.voter_count)} voters at ${fmt(universe.door_count)} doors.`,
      );
    });
  });

  const drawList = () => {
    saved.replaceChildren(
      state.universes.length
        ? h(
            "ul",
            {},
            state.universes.map((u) =>
              h(
                "li",
                {},
                `${u.name}`,
                u.turf_count ? ` · ${fmt(u.turf_count)} turfs` : "",
              ),
            ),
          )
        : h("p", { class: "hint" }, "None yet."),
    );
  };
  return { drawList };
}

/**
 * Reloads the saved universes and makes `currentId` the one to work on.
 * @param {number} [currentId]
 */
export async function reloadUniverses(currentId) {
  const universes = await api.listUniverses();
  setUniverses(universes, currentId);
}
