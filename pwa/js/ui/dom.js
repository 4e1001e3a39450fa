/** Tiny DOM helpers: escaped templates, one toast, a file download. */

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ESC[c]);

/** Tagged template that escapes every interpolated value except `raw(...)` ones. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    if (Array.isArray(v)) out += v.map((x) => (x && x.__raw !== undefined ? x.__raw : esc(x))).join("");
    else out += v && v.__raw !== undefined ? v.__raw : esc(v);
    out += strings[i + 1];
  });
  return { __raw: out };
}
export const raw = (s) => ({ __raw: s });

export function mount(root, fragment) {
  root.innerHTML = fragment.__raw;
  return root;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/**
 * Wraps a save so it runs once however fast the taps come: on a phone a double tap fires a
 * second click while the first report is still being written, and each click would record
 * a report. The view's buttons stay disabled while it runs; `work` resolves to true when it
 * left the screen (they stay disabled until the next view replaces them), otherwise they
 * come back (a check refused the save, or the volunteer stays on this screen).
 */
export function oneAtATime(root) {
  let busy = false;
  return (work) => async (event) => {
    event?.preventDefault();
    if (busy) return;
    busy = true;
    const buttons = $$("button:not([disabled])", root);
    for (const b of buttons) b.disabled = true;
    let left = false;
    try {
      left = await work(event);
    } finally {
      if (!left) {
        for (const b of buttons) b.disabled = false;
        busy = false;
      }
    }
  };
}

let toastTimer;
/** A short message read out by screen readers (the toast region is aria-live). */
export function toast(message, { ms = 3500 } = {}) {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), ms);
}

export function download(filename, data) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}
