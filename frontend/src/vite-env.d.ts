/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** API root at build time, e.g. https://api.example.com/api/v1 (default: same origin /api/v1). */
  readonly VITE_API_BASE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}

interface Window {
  /** Run-time configuration from the optional public/config.js. */
  KABU_CONFIG?: { apiBaseUrl?: string }
}
