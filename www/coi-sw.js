// Cross-origin isolation for static hosts that cannot send headers (GitHub Pages): this
// same-origin service worker adds COOP/COEP (and CORP) to every response of its scope, so the
// page becomes cross-origin isolated after one reload and SharedArrayBuffer (the thread pool)
// works. Written for this project, not fetched from a CDN. index.html registers it only when
// the page is not isolated already, and reloads once (sessionStorage guards against a loop).
// `?coi=0` on a page's URL opts that page out: its navigation passes through untouched.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Chrome bug: only-if-cached requests outside same-origin mode throw.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  if (request.mode === 'navigate' && new URL(request.url).searchParams.get('coi') === '0') return;
  event.respondWith((async () => {
    const response = await fetch(request);
    // Opaque responses cannot be changed (and cannot be embedded under COEP anyway).
    if (response.status === 0) return response;
    const headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  })());
});
