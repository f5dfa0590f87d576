/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The dev server (and `vite preview`) proxy /api to the backend, so the app and the API share an
// origin in development exactly as they do when the API serves the built app.
const apiTarget = process.env.KABU_API_PROXY ?? 'http://127.0.0.1:8000'
const proxy = { '/api': { target: apiTarget, changeOrigin: false } }

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: { port: 5173, proxy },
  preview: { port: 5173, proxy },
  build: {
    sourcemap: true,
    rollupOptions: {
      output: {
        manualChunks: {
          // react-dom/client is the renderer itself (react-dom alone is a small shim)
          react: ['react', 'react-dom', 'react-dom/client', 'react-router'],
          charts: ['lightweight-charts'],
        },
      },
    },
  },
  test: {
    globals: true,
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    // e2e/ holds Playwright specs (npm run e2e), not Vitest tests
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    // A guard against a hung test, not a speed check: on two cores shared with other suites the
    // policy editor's typing tests took over the default 5 s (they did before the jobs work too).
    testTimeout: 20_000,
  },
})
