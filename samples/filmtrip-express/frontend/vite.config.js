// The release's VERSION file is stamped into the page (index.html's %VITE_APP_VERSION%)
// so a deploy can be checked by reading dist/index.html.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

process.env.VITE_APP_VERSION = readFileSync(new URL('./VERSION', import.meta.url), 'utf8').trim();

export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
