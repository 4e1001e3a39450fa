/*
 * The service worker only wires events to named strategies (below). It precaches the app
 * shell so the app opens with no network, and never takes over from a running version by
 * itself: the page asks it to (SKIP_WAITING) only when no report waits and no walk is in
 * progress. API calls and the organizer console are left to the network.
 */
importScripts("js/version.js");

const CACHE_PREFIX = "canvass-";
const SHELL_CACHE = `${CACHE_PREFIX}shell-${self.CANVASS_VERSION}`;
const EXPECTED_CACHES = new Set([SHELL_CACHE]);
const SCOPE = new URL(self.registration.scope).pathname; // "/" when served by Flask
// Paths in the scope that are pages of this app (the server answers them with index.html).
const APP_PAGES = new Set(["", "index.html", "join", "walk"]);
const NOT_OURS = ["api/", "console"]; // the API and the organizer console: network only

// --- named strategies -------------------------------------------------------------------

/** Fetch the whole shell into a new versioned cache; any failure fails the install. */
async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  // cache: "reload" so the precache never copies a stale HTTP-cache entry.
  await cache.addAll(self.CANVASS_SHELL.map((url) => new Request(url, { cache: "reload" })));
}

/** Delete this app's caches from older versions, and nothing else on the origin. */
async function cleanupCaches() {
  for (const name of await caches.keys()) {
    if (name.startsWith(CACHE_PREFIX) && !EXPECTED_CACHES.has(name)) await caches.delete(name);
  }
}

/** Any page of the app: the cached index.html, so it opens offline; network if not cached. */
async function appShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  return (await cache.match("index.html")) || fetch(request);
}

/** Shell files: cache first, network for anything not precached. */
async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  return (await cache.match(request)) || fetch(request);
}

// --- events -----------------------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(
    precacheShell().then(() => {
      // The very first install has no running version to protect: take over at once.
      if (!self.registration.active) return self.skipWaiting();
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(cleanupCaches().then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith(SCOPE)) return;
  const path = url.pathname.slice(SCOPE.length);
  if (NOT_OURS.some((prefix) => path.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    if (APP_PAGES.has(path.replace(/\/$/, ""))) event.respondWith(appShell(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});
