// Small DOM helpers shared by the panels: element building, the status line, tables.

/**
 * Builds an element. Attributes starting with "on" become listeners; `hidden`, `checked`,
 * `disabled`, `value` and `selected` are set as properties.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node|string|number|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (
      ["hidden", "checked", "disabled", "value", "selected"].includes(key)
    ) {
      el[key] = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * Shows a message on the status line (announced to screen readers).
 * @param {string} message
 * @param {{error?: boolean}} [options]
 */
export function setStatus(message, { error = false } = {}) {
  const el = document.getElementById("status");
  el.textContent = message;
  el.classList.toggle("error", error);
}

/**
 * Runs an async action, reporting its error on the status line instead of throwing.
 * @template T
 * @param {() => Promise<T>} action
 * @returns {Promise<T|undefined>}
 */
export async function attempt(action) {
  try {
    return await action();
  } catch (err) {
    setStatus(err.message || String(err), { error: true });
    return undefined;
  }
}

/**
 * A table of rows. Columns: {key, label, num?, format?(value, row)}.
 * @param {{key: string, label: string, num?: boolean, format?: Function}[]} columns
 * @param {object[]} rows
 * @param {{caption?: string, rowAttrs?: (row: object) => object, empty?: string}} [options]
 * @returns {HTMLElement}
 */
export function table(
  columns,
  rows,
  { caption, rowAttrs, empty = "Nothing yet." } = {},
) {
  if (!rows.length) return h("p", { class: "hint" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      caption ? h("caption", { class: "hint" }, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) =>
            h("th", { class: c.num ? "num" : null, scope: "col" }, c.label),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            rowAttrs ? rowAttrs(row) : {},
            columns.map((c) => {
              const value = row[c.key];
              const shown = c.format ? c.format(value, row) : (value ?? "");
              return h("td", { class: c.num ? "num" : null }, shown);
            }),
          ),
        ),
      ),
    ),
  );
}

/** @param {number|null|undefined} n @returns {string} a number with thousands separators */
export const fmt = (n) =>
  n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");

/** @param {number|null|undefined} x a fraction 0..1 @returns {string} e.g. "42%" */
export const pct = (x) =>
  x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`;

/** Turf statuses in the words the UI uses. */
export const STATUS_LABELS = {
  not_started: "Not started",
  in_progress: "In progress",
  done: "Done",
};
