// Survey set-up: the questions canvassers ask with their allowed responses, and the result
// codes in use (VAN's standard ones come preloaded).

import * as api from "../net/api.js";
import { attempt, h, setStatus, table } from "../ui.js";

const RANKS = [
  [1, "1 · no conversation (not home, inaccessible…)"],
  [2, "2 · refused"],
  [3, "3 · conversation"],
  [4, "4 · stop contacting (moved, deceased, do not contact)"],
];

/**
 * Fills the survey panel.
 * @param {HTMLElement} panel
 * @returns {{refresh: () => Promise<void>}}
 */
export function renderSurveyPanel(panel) {
  const questions = h("div", { id: "question-list" });
  const codes = h("div", { id: "result-code-list" });

  const qForm = h(
    "form",
    { id: "question-form" },
    h(
      "label",
      {},
      "Question name",
      h("input", {
        name: "name",
        required: true,
        placeholder: "e.g. Support for Measure A",
      }),
    ),
    h(
      "label",
      {},
      "What the canvasser reads",
      h("textarea", { name: "script_text", rows: 2 }),
    ),
    h(
      "label",
      {},
      "Kind",
      h(
        "select",
        { name: "kind" },
        h("option", { value: "single" }, "One answer"),
        h("option", { value: "multi" }, "Several answers"),
        h("option", { value: "text" }, "Free text"),
      ),
    ),
    h(
      "label",
      {},
      "Responses, one per line",
      h("textarea", {
        name: "responses",
        rows: 4,
        placeholder: "Strong yes\nLean yes\nUndecided\nLean no\nStrong no",
      }),
    ),
    h("button", { type: "submit", class: "primary" }, "Add question"),
  );
  qForm.addEventListener("submit", (e) => {
    e.preventDefault();
    attempt(async () => {
      const responses = qForm.elements.responses.value
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((name) => ({ name }));
      const q = await api.createQuestion({
        name: qForm.elements.name.value.trim(),
        script_text: qForm.elements.script_text.value.trim(),
        kind: qForm.elements.kind.value,
        responses,
      });
      qForm.reset();
      setStatus(
        `Added question “${q.name}” with ${q.responses.length} responses.`,
      );
      await refresh();
    });
  });

  const cForm = h(
    "form",
    { id: "result-code-form" },
    h(
      "div",
      { class: "row" },
      h(
        "label",
        {},
        "Code",
        h("input", {
          name: "code",
          required: true,
          pattern: "[a-z][a-z0-9_]{1,39}",
          placeholder: "gate_locked",
        }),
      ),
      h(
        "label",
        {},
        "Name",
        h("input", {
          name: "name",
          required: true,
          placeholder: "Gate locked",
        }),
      ),
    ),
    h(
      "label",
      {},
      "Rank (which outcome wins in contact history)",
      h(
        "select",
        { name: "rank" },
        RANKS.map(([v, l]) => h("option", { value: v }, l)),
      ),
    ),
    h(
      "label",
      {},
      "Applies to",
      h(
        "select",
        { name: "scope" },
        h("option", { value: "door" }, "The whole door"),
        h("option", { value: "voter" }, "One person"),
        h("option", { value: "both" }, "Either"),
      ),
    ),
    h("button", { type: "submit" }, "Add result code"),
  );
  cForm.addEventListener("submit", (e) => {
    e.preventDefault();
    attempt(async () => {
      const code = await api.createResultCode({
        code: cForm.elements.code.value.trim(),
        name: cForm.elements.name.value.trim(),
        rank: Number(cForm.elements.rank.value),
        scope: cForm.elements.scope.value,
      });
      cForm.reset();
      setStatus(`Added result code “${code.name}”.`);
      await refresh();
    });
  });

  const refresh = () =>
    attempt(async () => {
      const [qs, rcs] = await Promise.all([
        api.listQuestions(),
        api.listResultCodes(),
      ]);
      questions.replaceChildren(
        qs.length
          ? h(
              "ol",
              {},
              qs.map((q) =>
                h(
                  "li",
                  {},
                  h("strong", {}, q.name),
                  q.is_active === false ? " (inactive)" : "",
                  q.script_text
                    ? h("p", { class: "hint" }, q.script_text)
                    : null,
                  q.responses && q.responses.length
                    ? h("p", {}, q.responses.map((r) => r.name).join(" · "))
                    : null,
                ),
              ),
            )
          : h("p", { class: "hint" }, "No questions yet."),
      );
      codes.replaceChildren(
        table(
          [
            { key: "name", label: "Result" },
            { key: "code", label: "Code" },
            { key: "rank", label: "Rank", num: true },
            { key: "scope", label: "Applies to" },
            {
              key: "is_active",
              label: "In use",
              format: (v) => (v === false ? "no" : "yes"),
            },
          ],
          rcs,
        ),
      );
    });

  panel.replaceChildren(
    h("h2", {}, "Survey"),
    questions,
    h("h3", {}, "Add a question"),
    qForm,
    h("h3", {}, "Result codes"),
    codes,
    h("h3", {}, "Add a result code"),
    cForm,
  );
  return { refresh };
}
