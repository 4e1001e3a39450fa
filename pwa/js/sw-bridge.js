/**
 * The page's only contact with the service worker: registration, "an update is ready",
 * and asking the waiting version to take over (only when the app says it is safe).
 */
let registration = null;
let applying = false;
const readyListeners = new Set();

export const updateWaiting = () => Boolean(registration?.waiting && navigator.serviceWorker.controller);

export function onUpdateReady(fn) {
  readyListeners.add(fn);
  if (updateWaiting()) fn();
}

function announce() {
  if (updateWaiting()) for (const fn of readyListeners) fn();
}

export async function register() {
  if (!("serviceWorker" in navigator)) return null;
  registration = await navigator.serviceWorker.register("sw.js", { scope: "./" });
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed") announce();
    });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only reload for a switch we asked for; the first install's claim needs no reload.
    if (applying) location.reload();
  });
  announce();
  return registration;
}

/** Look for a new version (cheap: sw.js is served no-cache). */
export const checkForUpdate = () => registration?.update().catch(() => {});

/** Let the waiting version take over; the page reloads when it has. */
export async function applyUpdate() {
  // Ask the browser for the registration as it is now: the one kept since start-up can
  // miss a worker that finished installing while the page was busy.
  const current = (await navigator.serviceWorker?.getRegistration()) || registration;
  if (!current?.waiting || !navigator.serviceWorker.controller) return false;
  applying = true;
  const ask = () => current.waiting?.postMessage({ type: "SKIP_WAITING" });
  ask();
  // A worker woken only to receive the message can be stopped before it acts on it: ask
  // again until the new version has taken over (the page then reloads).
  const retry = setInterval(() => (current.waiting ? ask() : clearInterval(retry)), 2000);
  return true;
}
