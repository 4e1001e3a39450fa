// One version for the page and the service worker. Loaded as a module by the page and with
// importScripts() by sw.js (a classic worker), so it sets a global instead of exporting.
self.CANVASS_VERSION = "0.1.3";
// The app shell: everything the volunteer app needs to start with no network. Leaflet is
// here so the map works offline, though it is not counted in the shell-size budget.
self.CANVASS_SHELL = [
  "./",
  "index.html",
  "manifest.webmanifest",
  "css/app.css",
  "js/version.js",
  "js/main.js",
  "js/app.js",
  "js/sw-bridge.js",
  "js/data/db.js",
  "js/data/store.js",
  "js/data/reports.js",
  "js/data/walk.js",
  "js/net/api.js",
  "js/net/sync.js",
  "js/ui/dom.js",
  "js/ui/status.js",
  "js/views/auth.js",
  "js/views/turfs.js",
  "js/views/walk.js",
  "js/views/door.js",
  "js/views/map.js",
  "js/views/shift.js",
  "i18n/index.js",
  "i18n/en.js",
  "i18n/fr.js",
  "icons/icon.svg",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "vendor/idb/index.js",
  "vendor/leaflet/leaflet.js",
  "vendor/leaflet/leaflet.css",
];
