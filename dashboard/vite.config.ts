// Builds the dashboard into one self-contained HTML file (scripts and styles inlined):
// dist/dashboard/index.html. report/html.ts embeds a session's data into a copy of it for the
// static page; server/ serves it as is and the app fetches the data from the API.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  plugins: [viteSingleFile({ removeViteModuleLoader: true })],
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
    // Everything is inlined: nothing to preload.
    modulePreload: { polyfill: false },
  },
});
