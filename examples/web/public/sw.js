// The standalone page's service worker: it keeps the page itself (index.html
// and the files it loads) so that the page opens without the network, as it
// must for edits made offline to be seen and sent after a reload or a closed
// tab. The documents are not here: the client kit keeps them in IndexedDB.
// The API and the collaboration socket are never intercepted.
//
// The page is fetched from the network whenever it can be, so a new version
// shows as soon as it is deployed; its hashed assets never change, so they
// come from the cache. Each fresh index.html replaces the cached page and the
// assets it names, and drops the ones it no longer names.

const CACHE = "tandem-page-v1";
const PAGE = "/";

/** The same-origin files `html` loads: its scripts, styles and icon. */
function filesOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/[^"/][^"]*)"/g)].map((match) => match[1]);
}

/** Stores a fresh index.html and what it loads; removes what an older one loaded. */
async function keepPage(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const files = filesOf(html);
  await cache.addAll(files.filter((file) => file !== PAGE));
  await cache.put(PAGE, response);
  const keep = new Set([PAGE, ...files].map((file) => new URL(file, self.location.origin).href));
  for (const request of await cache.keys()) {
    if (!keep.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    fetch(PAGE, { cache: "no-cache" }).then((response) => (response.ok ? keepPage(response) : undefined)),
  );
  // A new version of this worker takes over at once: it only ever serves what the network last gave.
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      // Controls the page that registered it too, so that its next reload can already come from here.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(
        (response) => {
          if (response.ok) event.waitUntil(keepPage(response.clone()));
          return response;
        },
        async (error) => (await caches.match(PAGE)) ?? Promise.reject(error),
      ),
    );
    return;
  }
  if (url.pathname.startsWith("/api/") || url.pathname === "/collab") return;
  event.respondWith(caches.match(request).then((cached) => cached ?? fetch(request)));
});
