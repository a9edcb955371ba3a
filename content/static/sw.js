// SecureBase's service worker. It keeps the offline page, the stylesheet and the icons, and
// shows the offline page when a page cannot be reached. It never stores a page: what people
// write stays on the server, and a shared phone keeps no copy of it.
const CACHE = 'securebase-2';  // a new name when a kept file changes
const KEPT = ['/offline', '/static/style.css', '/static/favicon.svg', '/static/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(KEPT)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match('/offline')));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith('/static/')) {
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
