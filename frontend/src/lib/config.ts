/**
 * Where the API lives. In order of precedence:
 * 1. `window.KABU_CONFIG.apiBaseUrl`, set at run time by the optional `config.js` (static hosting);
 * 2. `VITE_API_BASE_URL`, fixed at build time;
 * 3. `/api/v1` on the same origin (the API serves the app, or the dev server proxies it).
 *
 * The value is the API root, the URL under which `/auth/token`, `/stocks` … live, normally ending
 * in `/api/v1`. It may be relative (resolved against the page's address).
 */
export const DEFAULT_API_BASE_URL = '/api/v1'

/** The schema's paths carry this prefix; the client joins them to the origin part of the root. */
export const API_PREFIX = '/api/v1'

export function configuredApiBaseUrl(): string {
  const runtime = typeof window !== 'undefined' ? window.KABU_CONFIG?.apiBaseUrl : undefined
  const buildTime = import.meta.env.VITE_API_BASE_URL
  return (runtime?.trim() || buildTime?.trim() || DEFAULT_API_BASE_URL).replace(/\/+$/, '')
}

/**
 * The base URL for the generated client, whose paths already start with `/api/v1`: the absolute
 * API root without that suffix (e.g. `https://api.example.com/api/v1` → `https://api.example.com`).
 */
export function clientBaseUrl(root: string = configuredApiBaseUrl(), here: string = window.location.href): string {
  const absolute = new URL(root || DEFAULT_API_BASE_URL, here).href.replace(/\/+$/, '')
  return absolute.endsWith(API_PREFIX) ? absolute.slice(0, -API_PREFIX.length) : absolute
}
