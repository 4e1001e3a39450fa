// Build, save, edit and delete universes: filters (including re-attempts of doors left not
// home, by how often and the time of day they were last knocked), with live voter and door
// counts before saving.

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
const TIMES_OF_DAY = [
  ["", "any time"],
  ["morning", "morning (5 am to noon)"],
  ["afternoon", "afternoon (noon to 5 pm)"],
  ["evening", "evening (5 pm to midnight)"],
];
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

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
    survey_response_ids: checked("survey_response_ids").map(Number),
  };
  const out = Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v.length),
  );
  const el = form.elements;
  const notHome = Number(el.not_home_min.value);
  if (el.not_home_min.value !== "" && notHome >= 1) out.not_home_min = notHome;
  if (el.last_attempt_time_of_day.value) {
    out.last_attempt_time_of_day = el.last_attempt_time_of_day.value;
    out.timezone = el.timezone.value.trim() || HERE;
  }
  if (el.note.value.trim()) out.note = el.note.value.trim();
  return out;
}

/**
 * Puts a saved universe's filters back into the form (the reverse of readFilters).
 * @param {HTMLFormElement} form
 * @param {object} filters
 */
function fillFilters(form, filters) {
  const lists = {
    precincts: (filters.precincts || []).map(String),
    parties: (filters.parties || []).map(String),
    age_bands: (filters.age_bands || []).map(String),
    contact_status: (filters.contact_status || []).map(String),
    survey_response_ids: (filters.survey_response_ids || []).map(String),
  };
  for (const [name, values] of Object.entries(lists)) {
    for (const box of form.querySelectorAll(`input[name="${name}"]`))
      box.checked = values.includes(box.value);
  }
  for (const name of ["voted_in", "not_voted_in"]) {
    const ids = (filters[name] || []).map(String);
    for (const option of form.querySelectorAll(`select[name="${name}"] option`))
      option.selected = ids.includes(option.value);
  }
  const el = form.elements;
  el.not_home_min.value = filters.not_home_min ?? "";
  el.last_attempt_time_of_day.value = filters.last_attempt_time_of_day || "";
  el.timezone.value = filters.timezone || HERE;
  el.note.value = filters.note || "";
}

function reattemptFieldset() {
  return h(
    "fieldset",
    { id: "reattempt-fields" },
    h("legend", {}, "Re-attempts"),
    h(
      "label",
      {},
      "Left not home at least this many times",
      h("input", {
        name: "not_home_min",
        type: "number",
        min: 1,
        max: 50,
        placeholder: "any number",
      }),
    ),
    h(
      "label",
      {},
      "Last knocked in the",
      h(
        "select",
        { name: "last_attempt_time_of_day" },
        TIMES_OF_DAY.map(([value, label]) => h("option", { value }, label)),
      ),
    ),
    h(
      "label",
      {},
      "Time zone of those times",
      h("input", { name: "timezone", value: HERE, placeholder: HERE }),
    ),
    h(
      "label",
      {},
      "Note",
      h("input", { name: "note", placeholder: "e.g. evening re-attempt" }),
    ),
    h(
      "p",
      { class: "hint" },
      "To try doors again at another time of day: choose “Not home last time” and when they were last knocked (say, morning), save, then cut the universe for an evening shift.",
    ),
    h(
      "button",
      { type: "button", id: "reattempt-preset" },
      "Evening re-attempt of morning not-homes",
    ),
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
  const answers = h("fieldset", { id: "answer-fields", hidden: true });
  const submit = h(
    "button",
    { type: "submit", class: "primary", id: "universe-save" },
    "Save universe",
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
    answers,
    reattemptFieldset(),
    h(
      "p",
      { class: "hint" },
      "Moved, deceased and do-not-contact voters are always left out.",
    ),
    counts,
    h(
      "div",
      { class: "row" },
      submit,
      h(
        "button",
        { type: "button", id: "universe-cancel-edit", hidden: true },
        "Cancel editing",
      ),
    ),
  );
  const title = h("h2", {}, "Build a universe");
  const editHint = h(
    "p",
    { class: "hint", hidden: true },
    "Changing the filters does not change turfs already cut from this universe; cut it again to add the doors it now selects.",
  );

  const saved = h("div", { id: "universe-list" });
  panel.replaceChildren(
    title,
    editHint,
    form,
    h("h3", {}, "Saved universes"),
    saved,
  );

  // Survey answers (supporters, undecided...) to re-contact, once the survey is known.
  api
    .listQuestions()
    .then((questions) => {
      const options = questions.flatMap((q) =>
        (q.responses || []).map((r) => [r.id, `${q.name}: ${r.name}`]),
      );
      if (!options.length) return;
      answers.replaceChildren(
        h("legend", {}, "Answered"),
        checkboxes("survey_response_ids", options),
      );
      answers.hidden = false;
    })
    .catch(() => {});

  let editingId = null;
  const setEditing = (universe) => {
    editingId = universe ? universe.id : null;
    title.textContent = universe
      ? `Edit universe “${universe.name}”`
      : "Build a universe";
    submit.textContent = universe ? "Save changes" : "Save universe";
    editHint.hidden = !universe;
    form.querySelector("#universe-cancel-edit").hidden = !universe;
    if (universe) {
      form.elements.name.value = universe.name;
      fillFilters(form, universe.filters || {});
      form.elements.name.focus();
    } else {
      form.reset();
      form.elements.timezone.value = HERE;
    }
    recount();
  };
  form
    .querySelector("#universe-cancel-edit")
    .addEventListener("click", () => setEditing(null));
  form.querySelector("#reattempt-preset").addEventListener("click", () => {
    for (const box of form.querySelectorAll('input[name="contact_status"]'))
      box.checked = box.value === "not_home";
    form.elements.last_attempt_time_of_day.value = "morning";
    form.elements.note.value = "Evening re-attempt of morning not-homes";
    if (!form.elements.name.value.trim())
      form.elements.name.value = "Evening re-attempt";
    recount();
  });

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
  // Typed numbers count as they are typed, not only when the field loses focus.
  form.addEventListener("input", (e) => {
    if (e.target.type === "number") recount();
  });
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
      const filters = readFilters(form);
      const universe = editingId
        ? await api.updateUniverse(editingId, { name, filters })
        : await api.createUniverse(name, filters);
      const changed = Boolean(editingId);
      await reloadUniverses(universe.id);
      if (changed) setEditing(null);
      const saved = `${changed ? "Saved changes to" : "Saved"} universe “${universe.name}”`;
      if (!universe.voter_count)
        // Saved anyway (a filter can be kept for later), but cutting it would make no turfs.
        setStatus(
          `${saved}, but its filters select no voters, so cutting it would make no turfs. Loosen the filters (fewer conditions, more parties or precincts) and save again.`,
          { error: true },
        );
      else
        setStatus(
          `${saved}: ${fmt(universe.voter_count)} voters at ${fmt(universe.door_count)} doors.`,
        );
    });
  });

  const remove = (universe) =>
    attempt(async () => {
      const ok = window.confirm(
        `Delete universe “${universe.name}”?\n\nOnly the saved filter goes; voters, doors and reports stay. ` +
          "A universe that still has turfs cannot be deleted: delete or re-cut its turfs first.",
      );
      if (!ok) return;
      await api.deleteUniverse(universe.id);
      if (editingId === universe.id) setEditing(null);
      await reloadUniverses(
        state.universeId === universe.id ? null : undefined,
      );
      setStatus(`Deleted universe “${universe.name}”.`);
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
                { class: "universe-item", dataset: { universeId: u.id } },
                h("span", {}, u.name),
                u.turf_count ? ` · ${fmt(u.turf_count)} turfs` : "",
                u.filters && u.filters.note
                  ? h("span", { class: "hint" }, ` · ${u.filters.note}`)
                  : "",
                " ",
                h(
                  "button",
                  {
                    type: "button",
                    class: "link",
                    "aria-label": `Edit ${u.name}`,
                    onclick: () => setEditing(u),
                  },
                  "Edit",
                ),
                " ",
                h(
                  "button",
                  {
                    type: "button",
                    class: "link danger",
                    "aria-label": `Delete ${u.name}`,
                    onclick: () => remove(u),
                  },
                  "Delete",
                ),
              ),
            ),
          )
        : h("p", { class: "hint" }, "None yet."),
    );
  };
  return { drawList, setEditing };
}

/**
 * Reloads the saved universes and makes `currentId` the one to work on.
 * @param {number} [currentId]
 */
export async function reloadUniverses(currentId) {
  const universes = await api.listUniverses();
  setUniverses(universes, currentId);
}
