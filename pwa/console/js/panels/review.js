// The field-corrections review queue: new people, moves, wrong addresses, misplaced pins and
// new units reported from the field wait here until an organizer accepts or rejects them.

import * as api from "../net/api.js";
import { attempt, h, setStatus } from "../ui.js";

const KIND_LABELS = {
  new_person: "New person",
  moved: "Moved",
  wrong_address: "Wrong address",
  misplaced_pin: "Misplaced pin",
  new_unit: "New unit",
};

function describe(c) {
  const door = c.door
    ? [c.door.address_line, c.door.unit].filter(Boolean).join(" ")
    : "";
  const voter = c.voter
    ? [c.voter.first_name, c.voter.last_name].filter(Boolean).join(" ")
    : "";
  const details = Object.entries(c.details || {})
    .filter(([, v]) => v !== null && v !== "" && typeof v !== "object")
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${v}`)
    .join("; ");
  return { door, voter, details };
}

/**
 * Fills the review panel.
 * @param {HTMLElement} panel
 * @returns {{refresh: () => Promise<void>}}
 */
export function renderReviewPanel(panel) {
  const status = h(
    "select",
    { id: "review-status", "aria-label": "Show" },
    h("option", { value: "pending" }, "Waiting for review"),
    h("option", { value: "accepted" }, "Accepted"),
    h("option", { value: "rejected" }, "Rejected"),
  );
  const list = h("div", { id: "review-list" });

  const refresh = () =>
    attempt(async () => {
      const rows = await api.listCorrections(status.value);
      if (!rows.length) {
        list.replaceChildren(h("p", { class: "hint" }, "Nothing here."));
        return;
      }
      list.replaceChildren(
        h(
          "ul",
          { class: "review" },
          rows.map((c) => {
            const { door, voter, details } = describe(c);
            // The server keeps a reason for every rejection (the canvasser may ask).
            const note = h("input", {
              placeholder: "Note (needed to reject)",
              "aria-label": "Review note",
            });
            const decide = (decision) =>
              attempt(async () => {
                if (decision === "reject" && !note.value.trim()) {
                  note.focus();
                  throw new Error(
                    "Say in the note why the correction is rejected, then reject it.",
                  );
                }
                const answer = await api.reviewCorrection(c.id, decision, note.value);
                // What accepting did, when the server says (a new unit: which turf took it).
                const applied = answer && answer.applied && answer.applied.message;
                setStatus(
                  `Correction ${decision === "accept" ? "accepted into the voter data" : "rejected"}.` +
                    (applied ? ` ${applied}` : ""),
                );
                await refresh();
              });
            return h(
              "li",
              { class: "card", dataset: { correctionId: c.id } },
              h("strong", {}, KIND_LABELS[c.kind] || c.kind),
              door ? ` at ${door}` : "",
              voter ? ` · ${voter}` : "",
              details ? h("p", { class: "hint" }, details) : null,
              c.reported_by
                ? h(
                    "p",
                    { class: "hint" },
                    `Reported by ${c.reported_by.name || c.reported_by.email}`,
                  )
                : null,
              c.status === "pending"
                ? h(
                    "div",
                    { class: "row" },
                    note,
                    h(
                      "button",
                      {
                        type: "button",
                        class: "primary",
                        onclick: () => decide("accept"),
                      },
                      "Accept",
                    ),
                    h(
                      "button",
                      {
                        type: "button",
                        class: "danger",
                        onclick: () => decide("reject"),
                      },
                      "Reject",
                    ),
                  )
                : h("p", { class: "hint" }, c.review_note || ""),
            );
          }),
        ),
      );
    });
  status.addEventListener("change", refresh);
  panel.replaceChildren(
    h("h2", {}, "Field corrections"),
    h("label", {}, "Show", status),
    list,
  );
  return { refresh };
}
