import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console is built into dist/console and served by each gateway at `/`, same origin as the API. Nothing is
 * fetched from elsewhere at run time: fonts and styles are bundled, and the Content-Security-Policy allows no inline
 * script, so the build must not emit any (modulePreload polyfill off).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  resolve: { alias: { '@trm/wire/codes': here('../../libs/wire/src/codes.ts') } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    // React Router marks its modules "use client" for server components; a browser bundle has no use for the mark.
    rolldownOptions: { onwarn: (warning, warn) => void (warning.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(warning)) },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3001' } },
});
