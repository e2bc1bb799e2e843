/**
 * Sidebar script (browser). build.mjs bundles it as an IIFE and inlines it into dist/Sidebar.html.
 * Placeholder until the real sidebar lands: it only marks the page as loaded.
 */
function start(): void {
  const app = document.getElementById('app');
  if (app) app.setAttribute('data-ready', 'true');
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
