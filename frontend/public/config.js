// Run-time configuration of the kabu-trade web app, loaded before the app by index.html.
// Replace this file on static hosting to point one build at any API, e.g.
//   window.KABU_CONFIG = { apiBaseUrl: 'https://api.example.com/api/v1' }
// Left empty, the app uses VITE_API_BASE_URL from the build, else the same origin's /api/v1.
window.KABU_CONFIG = window.KABU_CONFIG || {}
