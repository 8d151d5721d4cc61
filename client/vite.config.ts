import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The backend serves the production build from its package (backend/photosort/static):
// `/` as index.html (revalidated) and `/assets/*` (hashed names, cached for a year).
const BACKEND = process.env.PHOTOSORT_BACKEND ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: '../backend/photosort/static',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      // SSE (/api/events) goes through the same proxy; it streams as long as nothing buffers.
      // changeOrigin stays off: the backend trusts no origin but its own, and keeping the
      // browser's Host (localhost:5173) is what makes the page's Origin match it.
      '/api': { target: BACKEND, changeOrigin: false },
      '/docs': { target: BACKEND },
      '/openapi.json': { target: BACKEND },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
