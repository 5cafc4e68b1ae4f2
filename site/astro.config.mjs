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
});
