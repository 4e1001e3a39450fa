// Exports: contact history as CSV and in NGP VAN's bulk canvass-results layout (the files
// need the bearer token, so they are fetched and handed to the browser as downloads); and
// the other way in, a volunteer's "export my unsent reports" file uploaded on their behalf.

import * as api from "../net/api.js";
import { events, state } from "../state.js";
import { attempt, fmt, h, setStatus, table } from "../ui.js";

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
  // VAN keeps every row uploaded to it, so a file holding last week's knocks again counts
  // them twice there: the VAN file can hold only the reports received since a time.
  const vanSince = h("input", {
    type: "datetime-local",
    id: "van-since",
    "aria-label": "VAN file: only reports received since",
  });
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
                  const since =
                    file.startsWith("van_") && vanSince.value
                      ? new Date(vanSince.value)
                      : null;
                  const query = since
                    ? `?since=${encodeURIComponent(since.toISOString())}`
                    : "";
                  const url = await api.downloadUrl(
                    `/api/exports/${file}${query}`,
                  );
                  const a = h("a", { href: url, download: file });
                  document.body.append(a);
                  a.click();
                  a.remove();
                  setTimeout(() => URL.revokeObjectURL(url), 10000);
                  setStatus(
                    since
                      ? `Downloaded ${file}: reports received since ${since.toLocaleString()}.`
                      : `Downloaded ${file}.`,
                  );
                }),
            },
            label,
          ),
          h("p", { class: "hint" }, hint),
          file.startsWith("van_")
            ? h(
                "label",
                { class: "hint" },
                "Only reports received since (empty: all of them; VAN counts a row uploaded twice twice, so start where the last upload ended) ",
                vanSince,
              )
            : null,
        ),
      ),
    ),
    renderUpload(),
  );
}

const RESULT_WORDS = {
  accepted: "Accepted",
  duplicate: "Already received (no change)",
  rejected: "Rejected",
};

/**
 * Reads an export file chosen in the browser into its JSON, with a clear message when it
 * is not one.
 * @param {File} file
 * @returns {Promise<object>}
 */
async function readExportFile(file) {
  let data;
  try {
    data = JSON.parse(await file.text());
  } catch {
    throw new Error(
      `“${file.name}” is not a JSON file. Choose the file the volunteer app saved with “Export my unsent reports”.`,
    );
  }
  if (!data || !Array.isArray(data.reports))
    throw new Error(
      `“${file.name}” is not an export of unsent reports: it has no list of reports.`,
    );
  return data;
}

function renderUpload() {
  const input = h("input", {
    type: "file",
    id: "export-file",
    accept: ".json,application/json",
  });
  const who = h("select", { id: "export-canvasser" });
  const about = h("p", { class: "hint", id: "export-file-about" });
  const result = h("div", { id: "export-result", "aria-live": "polite" });
  const upload = h(
    "button",
    { type: "button", class: "primary", id: "export-upload", disabled: true },
    "Upload reports",
  );
  let file = null;

  const fillCanvassers = () => {
    const current = who.value;
    who.replaceChildren(
      h("option", { value: "" }, "Whose reports are these?"),
      ...state.canvassers.map((u) =>
        h(
          "option",
          { value: u.id, selected: String(u.id) === current },
          u.name ? `${u.name} (${u.email})` : u.email,
        ),
      ),
    );
    if (file && file.canvasser_id) who.value = String(file.canvasser_id);
  };
  fillCanvassers();
  events.addEventListener("canvassers", fillCanvassers);

  input.addEventListener("change", () =>
    attempt(async () => {
      file = null;
      upload.disabled = true;
      result.replaceChildren();
      about.textContent = "";
      // An error about the previous file must not stay up once another is chosen.
      setStatus("");
      if (!input.files.length) return;
      file = await readExportFile(input.files[0]);
      const owner = state.canvassers.find((u) => u.id === file.canvasser_id);
      // The file names its canvasser when the phone knew who was logged in; it cannot be
      // reassigned here, because the reports are checked against that person's turfs.
      who.disabled = Boolean(file.canvasser_id);
      fillCanvassers();
      about.textContent =
        `${fmt(file.reports.length)} report${file.reports.length === 1 ? "" : "s"}` +
        (file.exported_at
          ? `, exported ${new Date(file.exported_at).toLocaleString()}`
          : "") +
        (file.canvasser_id
          ? `, from ${owner ? owner.name || owner.email : `user ${file.canvasser_id}`}.`
          : ". The file does not say whose they are: choose the volunteer.");
      upload.disabled = false;
    }),
  );

  upload.addEventListener("click", () =>
    attempt(async () => {
      if (!file) throw new Error("Choose an export file first.");
      const canvasserId = file.canvasser_id || Number(who.value) || null;
      if (!canvasserId)
        throw new Error(
          "Choose the volunteer whose reports these are: they are checked against that volunteer's turfs.",
        );
      upload.disabled = true;
      try {
        const answer = await api.uploadExportFile({
          ...file,
          canvasser_id: canvasserId,
        });
        showResults(result, answer.results);
        const n = (status) =>
          answer.results.filter((r) => r.status === status).length;
        setStatus(
          `Uploaded ${fmt(answer.results.length)} reports: ${fmt(n("accepted"))} accepted, ${fmt(n("duplicate"))} already received, ${fmt(n("rejected"))} rejected.`,
        );
      } finally {
        upload.disabled = false;
      }
    }),
  );

  return h(
    "section",
    { id: "export-upload-section" },
    h("h3", {}, "A volunteer's unsent reports"),
    h(
      "p",
      { class: "hint" },
      "When a phone cannot sync, the volunteer app saves its unsent reports as a file (“Export my unsent reports”). Upload it here for them: each report is checked against that volunteer's turfs, like a sync from their phone, and uploading the same file again changes nothing.",
    ),
    h("label", {}, "Export file", input),
    about,
    h("label", {}, "Volunteer", who),
    upload,
    result,
  );
}

/**
 * Shows how many reports were accepted, already received or rejected, and why each
 * rejected one was.
 * @param {HTMLElement} box
 * @param {object[]} results one per report, in file order
 */
function showResults(box, results) {
  const counts = Object.keys(RESULT_WORDS).map((status) => ({
    status,
    label: RESULT_WORDS[status],
    count: results.filter((r) => r.status === status).length,
  }));
  const flagged = results.filter(
    (r) => r.status === "accepted" && (r.flags || []).length,
  );
  const rejected = results.filter((r) => r.status === "rejected");
  // replaceChildren would print a null (no flagged or rejected reports) as "null".
  const parts = [
    table(
      [
        { key: "label", label: "Result" },
        { key: "count", label: "Reports", num: true, format: fmt },
      ],
      counts,
      { rowAttrs: (row) => ({ dataset: { status: row.status } }) },
    ),
    flagged.length
      ? h(
          "p",
          { class: "hint" },
          `${fmt(flagged.length)} accepted report${flagged.length === 1 ? " was" : "s were"} flagged for review (see Progress).`,
        )
      : null,
    rejected.length
      ? h(
          "details",
          { open: true },
          h("summary", {}, "Why reports were rejected"),
          h(
            "ul",
            { id: "export-rejections" },
            rejected.map((r) =>
              h(
                "li",
                {},
                h("code", {}, r.uuid || "(no id)"),
                `: ${r.message || r.code || "rejected"}`,
              ),
            ),
          ),
        )
      : null,
  ];
  box.replaceChildren(...parts.filter(Boolean));
}
