// Bring volunteers in: an invite link and code (with a QR code when the server makes one),
// and the list of canvassers.

import * as api from "../net/api.js";
import { setCanvassers, state } from "../state.js";
import { attempt, h, table } from "../ui.js";

/**
 * Fills the team panel.
 * @param {HTMLElement} panel
 * @returns {{refresh: () => Promise<void>}}
 */
export function renderTeamPanel(panel) {
  const result = h("div", { id: "invite-result", "aria-live": "polite" });
  const people = h("div", { id: "canvasser-list" });
  const form = h(
    "form",
    { id: "invite-form" },
    h(
      "label",
      {},
      "How many people may use it",
      h("input", {
        name: "max_uses",
        type: "number",
        min: 1,
        max: 1000,
        value: 20,
      }),
    ),
    h(
      "label",
      {},
      "Valid for (hours)",
      h("input", {
        name: "hours",
        type: "number",
        min: 1,
        max: 720,
        value: 72,
      }),
    ),
    h("button", { type: "submit", class: "primary" }, "Create invite"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    attempt(async () => {
      const invite = await api.createInvite({
        max_uses: Number(form.elements.max_uses.value),
        hours: Number(form.elements.hours.value),
      });
      const copy = h(
        "button",
        {
          type: "button",
          onclick: () =>
            navigator.clipboard && navigator.clipboard.writeText(invite.url),
        },
        "Copy link",
      );
      result.replaceChildren(
        h(
          "p",
          {},
          "Send volunteers this link, or have them type the code in the phone app:",
        ),
        h(
          "p",
          {},
          h(
            "a",
            {
              href: invite.url,
              id: "invite-link",
              target: "_blank",
              rel: "noopener",
            },
            invite.url,
          ),
          " ",
          copy,
        ),
        h("p", { class: "code", id: "invite-code" }, invite.code),
        invite.qr_svg
          ? h("img", {
              class: "qr",
              alt: "QR code of the invite link",
              src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(invite.qr_svg)}`,
            })
          : null,
        h(
          "p",
          { class: "hint" },
          `Expires ${new Date(invite.expires_at).toLocaleString()}; up to ${invite.max_uses} people.`,
        ),
      );
    });
  });

  const refresh = () =>
    attempt(async () => {
      setCanvassers(await api.listUsers("canvasser"));
      people.replaceChildren(
        table(
          [
            { key: "name", label: "Name" },
            { key: "email", label: "Email" },
            {
              key: "is_active",
              label: "Active",
              format: (v) => (v === false ? "no" : "yes"),
            },
          ],
          state.canvassers,
          { empty: "No canvassers yet." },
        ),
      );
    });

  panel.replaceChildren(
    h("h2", {}, "Invite volunteers"),
    form,
    result,
    h("h3", {}, "Canvassers"),
    h("button", { type: "button", onclick: () => refresh() }, "Refresh list"),
    people,
  );
  return { refresh };
}
