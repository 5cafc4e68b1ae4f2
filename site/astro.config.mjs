import react from '@astrojs/react';
import { defineConfig } from 'astro/config';

// Static pages; interactive parts are islands. The AutoStack server (npm start) serves dist/
// next to the API, so the pages call /api/* on their own origin.
export default defineConfig({
  integrations: [react()],
  output: 'static',
  outDir: './dist',
  build: { format: 'directory' },
  vite: { build: { chunkSizeWarningLimit: 2000 } },
  devToolbar: { enabled: false },
  // A Content-Security-Policy meta tag with hashes of every script and style Astro emits. The
  // editor validates with validators compiled ahead of time, so no 'unsafe-eval' is needed.
  security: { csp: { algorithm: 'SHA-256', scriptDirective: { resources: ["'self'"] }, styleDirective: { resources: ["'self'"] }, directives: ["default-src 'self'", "img-src 'self' data:", "connect-src 'self'", "base-uri 'self'", "form-action 'self'"] } },
});
