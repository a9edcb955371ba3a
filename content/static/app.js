// Enhancements only: every page works without this script.
// The service worker shows an offline page when the connection drops, and lets the browser
// offer to install SecureBase as an app.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}
