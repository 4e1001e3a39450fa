// The turf list: select turfs (here or on the map), edit them (split, merge, rename, delete,
// re-cut what is left undone), assign them to a canvasser, take them back, and hand out
// list codes. The map's selection bar offers the same edits where the turfs were picked.

import { turfProgress, zoomToTurf } from "../map/turf_map.js";
import * as api from "../net/api.js";
import {
  clearSelection,
  events,
  selectMany,
  state,
  toggleSelected,
} from "../state.js";
import { turfEditing } from "../turf_edit.js";
import { STATUS_LABELS, attempt, fmt, h, pct, setStatus } from "../ui.js";

const MAX_ROWS = 400;

function assignees(turf) {
  const list = turf.assignees || turf.assigned_to || turf.canvassers || [];
  // A disabled canvasser keeps their turfs (their phone's unsent reports still sync into
  // them once enabled again); the list says so, so nobody counts on them walking it.
  return list
    .map((u) =>
      typeof u === "object"
        ? `${u.name || u.email}${u.is_active === false ? " (disabled)" : ""}`
        : String(u),
    )
    .join(", ");
}

/**
 * Fills the turfs panel.
 * @param {HTMLElement} panel
 * @param {{reloadTurfs: () => Promise<void>}} deps
 */
export function renderTurfsPanel(panel, { reloadTurfs }) {
  const filter = h("input", {
    type: "search",
    id: "turf-filter",
    placeholder: "Filter by name, status or canvasser",
    "aria-label": "Filter turfs",
  });
  const summary = h("p", { class: "hint", id: "turf-summary" });
  const canvasser = h("select", {
    id: "assign-user",
    "aria-label": "Canvasser",
  });
  const assignButton = h(
    "button",
    { type: "button", class: "primary", id: "assign-button" },
    "Assign selected",
  );
  const unassignButton = h(
    "button",
    { type: "button", id: "unassign-button" },
    "Take back",
  );
  const codeBox = h("div", { id: "list-code-box" });
  const list = h("div", { id: "turf-list" });

  const fillCanvassers = () => {
    const label = (u) => (u.name ? `${u.name} (${u.email})` : u.email);
    const active = state.canvassers.filter((u) => u.is_active !== false);
    const disabled = state.canvassers.filter((u) => u.is_active === false);
    canvasser.replaceChildren(
      h(
        "option",
        { value: "" },
        active.length
          ? "Choose a canvasser…"
          : "No active canvassers: invite some (Team)",
      ),
      ...active.map((u) => h("option", { value: u.id }, label(u))),
      // Disabled canvassers get no turfs, but a turf they hold can be taken back from them.
      disabled.length
        ? h(
            "optgroup",
            { label: "Disabled: take back only" },
            ...disabled.map((u) =>
              h("option", { value: u.id }, `${label(u)} (disabled)`),
            ),
          )
        : null,
    );
  };
  fillCanvassers();
  events.addEventListener("canvassers", fillCanvassers);

  // The turfs the filter matches: what the list shows (the first MAX_ROWS of them) and what
  // "Select all" selects (all of them, shown or not).
  const matching = () => {
    const needle = filter.value.trim().toLowerCase();
    return state.turfs.filter(
      (t) =>
        !needle ||
        t.name.toLowerCase().includes(needle) ||
        (STATUS_LABELS[t.status] || "").toLowerCase().includes(needle) ||
        assignees(t).toLowerCase().includes(needle),
    );
  };

  const drawList = () => {
    const rows = matching();
    const selectedCount = state.selected.size;
    summary.textContent =
      `${fmt(state.turfs.length)} turfs, ${fmt(selectedCount)} selected` +
      (rows.length > MAX_ROWS
        ? `; showing the first ${MAX_ROWS} of ${fmt(rows.length)} (filter to narrow)`
        : "");
    assignButton.disabled = unassignButton.disabled = selectedCount === 0;
    list.replaceChildren(
      rows.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              {},
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h(
                    "th",
                    { scope: "col" },
                    h("span", { class: "hint" }, "Pick"),
                  ),
                  h("th", { scope: "col" }, "Turf"),
                  h("th", { scope: "col" }, "Status"),
                  h("th", { scope: "col", class: "num" }, "Doors"),
                  h("th", { scope: "col", class: "num" }, "Done"),
                  h("th", { scope: "col", class: "num" }, "Min"),
                  h("th", { scope: "col" }, "Code"),
                  h("th", { scope: "col" }, "Canvassers"),
                ),
              ),
              h(
                "tbody",
                {},
                rows.slice(0, MAX_ROWS).map((t) =>
                  h(
                    "tr",
                    {
                      class: state.selected.has(t.id) ? "selected" : null,
                      dataset: { turfId: t.id },
                    },
                    h(
                      "td",
                      {},
                      h("input", {
                        type: "checkbox",
                        checked: state.selected.has(t.id),
                        "aria-label": `Select ${t.name}`,
                        onchange: (e) => toggleSelected(t.id, e.target.checked),
                      }),
                    ),
                    h(
                      "td",
                      {},
                      h(
                        "button",
                        {
                          type: "button",
                          class: "link",
                          onclick: () => zoomToTurf(t.id),
                        },
                        t.name,
                      ),
                    ),
                    h(
                      "td",
                      {},
                      h(
                        "span",
                        { class: `pill ${t.status}` },
                        STATUS_LABELS[t.status] || t.status,
                      ),
                    ),
                    h("td", { class: "num" }, fmt(t.door_count)),
                    h("td", { class: "num" }, pct(turfProgress(t))),
                    h(
                      "td",
                      { class: "num" },
                      t.minutes ? Math.round(t.minutes) : "–",
                    ),
                    h("td", {}, t.list_code || ""),
                    h(
                      "td",
                      {},
                      assignees(t) || h("span", { class: "hint" }, "nobody"),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h(
            "p",
            { class: "hint" },
            state.turfs.length
              ? "No turf matches."
              : "No turfs yet: cut or draw some (Cut).",
          ),
    );
  };
  filter.addEventListener("input", drawList);
  events.addEventListener("turfs", drawList);
  events.addEventListener("selection", drawList);
  events.addEventListener("figures", drawList);

  const selectedIds = () => [...state.selected];

  assignButton.addEventListener("click", () =>
    attempt(async () => {
      const userId = Number(canvasser.value);
      if (!userId)
        throw new Error("Choose a canvasser to assign the selected turfs to.");
      const who = state.canvassers.find((u) => u.id === userId);
      if (who && who.is_active === false)
        throw new Error(
          `${who.name || who.email} is disabled: enable them in Team before assigning turfs.`,
        );
      const ids = selectedIds();
      await api.assignTurfs(ids, [userId]);
      await reloadTurfs();
      setStatus(
        `Assigned ${ids.length} turf${ids.length === 1 ? "" : "s"} to ${who ? who.name || who.email : "the canvasser"}.`,
      );
    }),
  );
  unassignButton.addEventListener("click", () =>
    attempt(async () => {
      const userId = Number(canvasser.value) || null;
      const byId = new Map(state.turfs.map((t) => [t.id, t]));
      const holders = (id) => (byId.get(id).assignees || []).map((u) => u.id);
      // Only the turfs someone (or the chosen canvasser) holds: the message counts what
      // really changed, not the selection.
      const ids = selectedIds().filter((id) =>
        userId ? holders(id).includes(userId) : holders(id).length,
      );
      const who = state.canvassers.find((u) => u.id === userId);
      const name = who ? who.name || who.email : "That canvasser";
      if (!ids.length)
        throw new Error(
          userId
            ? `${name} holds none of the selected turfs: nothing to take back.`
            : "Nobody holds the selected turfs: nothing to take back.",
        );
      for (const id of ids) {
        // With a canvasser chosen, only they lose the turf; otherwise everyone does.
        const keep = userId ? holders(id).filter((u) => u !== userId) : [];
        await api.setAssignees(id, keep);
      }
      await reloadTurfs();
      setStatus(
        `Took back ${ids.length} turf${ids.length === 1 ? "" : "s"}${userId ? ` from ${name}` : " from everyone"}.`,
      );
    }),
  );

  const codeButton = h(
    "button",
    { type: "button", id: "list-code-button" },
    "List code for the selected turf",
  );
  codeButton.addEventListener("click", () =>
    attempt(async () => {
      const ids = selectedIds();
      if (ids.length !== 1)
        throw new Error("Select exactly one turf to give it a list code.");
      const turf = state.turfs.find((t) => t.id === ids[0]);
      const code = await api.issueListCode(ids[0]);
      codeBox.replaceChildren(
        h(
          "p",
          {},
          "Volunteers type this code in the phone app, or scan the QR code, to load ",
          h("strong", {}, turf ? turf.name : `turf ${ids[0]}`),
          ":",
        ),
        h("p", { class: "code", id: "list-code" }, code.list_code),
        code.qr_svg
          ? h("img", {
              class: "qr",
              alt: `QR code for list code ${code.list_code}`,
              src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.qr_svg)}`,
            })
          : null,
        code.expires_at
          ? h(
              "p",
              { class: "hint" },
              `Expires ${new Date(code.expires_at).toLocaleDateString()}.`,
            )
          : null,
      );
      await reloadTurfs();
    }),
  );

  const editing = turfEditing({ reloadTurfs });
  const editor = renderEditor(editing);
  renderSelectionBar(document.getElementById("selection-bar"), editing, () =>
    editor.recutTarget(),
  );

  panel.replaceChildren(
    h("h2", {}, "Turfs"),
    h(
      "p",
      { class: "hint" },
      "Click turfs on the map or tick them here to select.",
    ),
    filter,
    summary,
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          onclick: () => {
            clearSelection();
            selectMany(matching().map((t) => t.id));
          },
        },
        "Select all matching",
      ),
      h("button", { type: "button", onclick: clearSelection }, "Select none"),
    ),
    list,
    editor.element,
    h("h3", {}, "Assign"),
    h("div", { class: "row" }, canvasser, assignButton, unassignButton),
    h("h3", {}, "List codes"),
    codeButton,
    codeBox,
  );
  drawList();
}

/**
 * The panel's edit controls, each acting on the selected turfs and enabled only when the
 * selection fits (one turf to split or rename, two or more to merge).
 * @param {ReturnType<typeof turfEditing>} editing
 * @returns {{element: HTMLElement, recutTarget: () => number}}
 */
function renderEditor(editing) {
  const renameInput = h("input", {
    id: "rename-name",
    "aria-label": "New name for the selected turf",
    placeholder: "New name",
  });
  const partsInput = h("input", {
    id: "split-parts",
    type: "number",
    min: 2,
    max: 20,
    value: 2,
    "aria-label": "Parts to split into",
  });
  const mergeName = h("input", {
    id: "merge-name",
    "aria-label": "Name of the merged turf",
    placeholder: "Name (optional)",
  });
  const recutTarget = h("input", {
    id: "recut-target",
    type: "number",
    min: 1,
    max: 500,
    value: 50,
    "aria-label": "Doors per new turf",
  });
  const button = (id, label, action, extra = {}) =>
    h(
      "button",
      { type: "button", id, ...extra, onclick: () => attempt(action) },
      label,
    );
  const rename = button("turf-rename", "Rename", () =>
    editing.rename(renameInput.value),
  );
  const split = button("turf-split", "Split", () =>
    editing.split(Number(partsInput.value)),
  );
  const merge = button("turf-merge", "Merge selected", async () => {
    await editing.merge(mergeName.value);
    mergeName.value = "";
  });
  const recut = button("turf-recut", "Re-cut what is left undone", () =>
    editing.recut(Number(recutTarget.value)),
  );
  // The selected turf's doors, to tick the ones to take out (a gated building, a door the
  // organizer wants left alone): filled on demand, emptied when the selection moves.
  const doorsBox = h("div", { id: "turf-doors" });
  const showDoors = button("turf-doors-show", "Doors…", async () => {
    const turf = state.turfs.find((t) => state.selected.has(t.id));
    const list = await api.turfDoorList(turf.id);
    const ticks = list.doors.map((d) =>
      h("input", {
        type: "checkbox",
        value: d.id,
        "aria-label": `Take out ${d.address_line}${d.unit ? ` ${d.unit}` : ""}`,
      }),
    );
    const take = button("turf-doors-remove", "Take ticked doors out", () =>
      editing.removeDoors(ticks.filter((t) => t.checked).map((t) => Number(t.value))),
    );
    doorsBox.replaceChildren(
      h("p", { class: "hint" }, `${fmt(list.doors.length)} doors of “${turf.name}”, in walking order.`),
      h(
        "ol",
        { class: "door-picks" },
        list.doors.map((d, i) =>
          h(
            "li",
            {},
            h(
              "label",
              { class: "inline" },
              ticks[i],
              `${d.address_line}${d.unit ? ` ${d.unit}` : ""} (${fmt(d.voters.length)} voter${d.voters.length === 1 ? "" : "s"})`,
            ),
          ),
        ),
      ),
      take,
    );
  });
  const remove = button(
    "turf-delete",
    "Delete selected…",
    () => editing.remove(),
    {
      class: "danger",
    },
  );

  let offeredFor = null;
  const update = () => {
    const n = state.selected.size;
    rename.disabled = split.disabled = showDoors.disabled = n !== 1;
    merge.disabled = n < 2;
    recut.disabled = remove.disabled = n === 0;
    // Offer the selected turf's name to edit when the selection moves to another turf,
    // never while the organizer is typing in the box.
    const one =
      n === 1 ? state.turfs.find((t) => state.selected.has(t.id)) : null;
    if (document.activeElement === renameInput) return;
    if ((one ? one.id : null) !== offeredFor) {
      offeredFor = one ? one.id : null;
      doorsBox.replaceChildren();
      renameInput.value = one ? one.name : "";
    }
  };
  events.addEventListener("selection", update);
  events.addEventListener("turfs", update);
  update();

  const element = h(
    "div",
    { id: "turf-editor" },
    h("h3", {}, "Edit selected turfs"),
    h("div", { class: "row" }, renameInput, rename),
    h(
      "div",
      { class: "row" },
      h(
        "label",
        { class: "inline", for: "split-parts" },
        "Split into",
        partsInput,
        "parts",
      ),
      split,
    ),
    h("div", { class: "row" }, showDoors),
    doorsBox,
    h("div", { class: "row" }, mergeName, merge),
    h(
      "p",
      { class: "hint" },
      "Merging keeps the first turf you selected; the turfs must touch and be cut from the same universe, and their canvassers move to the merged turf.",
    ),
    h(
      "div",
      { class: "row" },
      h("label", { class: "inline" }, recutTarget, "doors per new turf"),
      recut,
    ),
    h(
      "p",
      { class: "hint" },
      "Re-cutting takes the doors nobody has knocked yet out of the selected turfs and cuts them into new turfs; knocked doors stay where they are.",
    ),
    remove,
  );
  return { element, recutTarget: () => Number(recutTarget.value) };
}

/**
 * The bar over the map that appears while turfs are selected: the same edits, asking for
 * a number or a name in a prompt.
 * @param {HTMLElement} bar
 * @param {ReturnType<typeof turfEditing>} editing
 * @param {() => number} recutTarget doors per new turf, from the panel
 */
function renderSelectionBar(bar, editing, recutTarget) {
  const count = h("span", { id: "selection-count" });
  const b = (label, action, extra = {}) =>
    h(
      "button",
      { type: "button", ...extra, onclick: () => attempt(action) },
      label,
    );
  const one = () => state.turfs.find((t) => state.selected.has(t.id));
  const split = b("Split…", async () => {
    const answer = window.prompt(
      `Split “${one().name}” into how many parts? (2 to 20)`,
      "2",
    );
    if (answer !== null) await editing.split(Number(answer));
  });
  const merge = b("Merge", () => editing.merge(""));
  const rename = b("Rename…", async () => {
    const answer = window.prompt("New name for the turf:", one().name);
    if (answer !== null) await editing.rename(answer);
  });
  const recut = b("Re-cut undone", () => editing.recut(recutTarget()), {
    title: "Cut the doors nobody has knocked yet into new turfs",
  });
  const remove = b("Delete…", () => editing.remove(), { class: "danger" });
  const none = b("Clear", async () => clearSelection());
  bar.replaceChildren(count, split, merge, rename, recut, remove, none);
  const update = () => {
    const n = state.selected.size;
    bar.hidden = n === 0;
    count.textContent = `${fmt(n)} turf${n === 1 ? "" : "s"} selected`;
    split.disabled = rename.disabled = n !== 1;
    merge.disabled = n < 2;
  };
  events.addEventListener("selection", update);
  update();
}
