// Exports: contact history as CSV and in NGP VAN's bulk canvass-results layout. The files
// need the bearer token, so they are fetched and handed to the browser as downloads.

import * as api from "../net/api.js";
import { attempt, h, setStatus } from "../ui.js";

const EXPORTS = [
  [
    "contact_history.csv",
    "Contact history (CSV)",
    "One row per voter and door: status, attempts, last attempt.",
  ],
  [
    "van_canvass_results.csv",
    "NGP VAN bulk canvass results",
    "The layout VAN's bulk upload wizard reads.",
  ],
];

/**
 * Fills the exports panel.
 * @param {HTMLElement} panel
 */
export function renderExportsPanel(panel) {
  panel.replaceChildren(
    h("h2", {}, "Exports"),
    h(
      "ul",
      {},
      EXPORTS.map(([file, label, hint]) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "link",
              onclick: () =>
                attempt(async () => {
                  const url = await api.downloadUrl(`/api/exports/${file}`);
                  const a = h("a", { href: url, download: file });
                  document.body.append(a);
                  a.click();
                  a.remove();
                  setTimeout(() => URL.revokeObjectURL(url), 10000);
                  setStatus(`Downloaded ${file}.`);
                }),
            },
            label,
          ),
          h("p", { class: "hint" }, hint),
        ),
      ),
    ),
  );
}
