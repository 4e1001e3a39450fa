// Bring volunteers in: an invite link and code (with a QR code when the server makes one),
// and the people: disable or re-enable an account, and (admins) change a role.

import * as api from "../net/api.js";
import { setCanvassers, state } from "../state.js";
import { attempt, h, setStatus, table } from "../ui.js";

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

  // Organizers may change canvassers only (as they may add canvassers only); admins anyone
  // but themselves. The server checks the same; this only hides buttons that would fail.
  const mayChange = (user) =>
    state.user &&
    user.id !== state.user.id &&
    (state.user.role === "admin" || user.role === "canvasser");

  const change = (user, changes, done) =>
    attempt(async () => {
      const stored = await api.updateUser(user.id, changes);
      setStatus(done(stored));
      await refresh();
    });

  const actions = (_, user) => {
    if (!mayChange(user)) return "";
    const toggle = h(
      "button",
      {
        type: "button",
        onclick: () =>
          user.is_active === false
            ? change(user, { is_active: true }, (u) => `${u.email} can log in again.`)
            : confirm(
                `Disable ${user.name || user.email}? They are signed out of every device at ` +
                  "once. Reports not yet sent stay on their phone and sync when the account " +
                  "is enabled again. Their turfs stay assigned to them (marked disabled); " +
                  "take them back in Turfs to give them to someone else.",
              ) &&
              change(user, { is_active: false }, (u) => `${u.email} is disabled.`),
      },
      user.is_active === false ? "Enable" : "Disable",
    );
    if (state.user.role !== "admin") return toggle;
    // A role takes effect at once (an admin may change anyone, an organizer sees every
    // voter): ask first, and put the menu back if the admin changes their mind.
    const role = h(
      "select",
      {
        "aria-label": `Role of ${user.email}`,
        onchange: (e) => {
          const wanted = e.target.value;
          const powers = {
            admin: "They can then change anyone's role and disable anyone.",
            organizer: "They can then see every voter, cut and assign turfs.",
            canvasser: "They then see only the turfs assigned to them.",
          };
          if (
            !confirm(
              `Make ${user.name || user.email} ${wanted === "admin" ? "an" : "a"} ${wanted}` +
                ` (now ${user.role})? ${powers[wanted] || ""}`,
            )
          ) {
            e.target.value = user.role;
            return;
          }
          change(user, { role: wanted }, (u) => `${u.email} is now ${u.role}.`);
        },
      },
      ["canvasser", "organizer", "admin"].map((r) =>
        h("option", { value: r, selected: r === user.role }, r),
      ),
    );
    return h("span", { class: "row-actions" }, role, " ", toggle);
  };

  const refresh = () =>
    attempt(async () => {
      const everyone = await api.listUsers();
      setCanvassers(everyone.filter((u) => u.role === "canvasser"));
      people.replaceChildren(
        table(
          [
            { key: "name", label: "Name" },
            { key: "email", label: "Email" },
            { key: "role", label: "Role" },
            {
              key: "is_active",
              label: "Active",
              format: (v) => (v === false ? "no" : "yes"),
            },
            { key: "id", label: "", format: actions },
          ],
          everyone,
          { empty: "No one yet." },
        ),
      );
    });

  panel.replaceChildren(
    h("h2", {}, "Invite volunteers"),
    form,
    result,
    h("h3", {}, "People"),
    h("button", { type: "button", onclick: () => refresh() }, "Refresh list"),
    people,
  );
  return { refresh };
}
