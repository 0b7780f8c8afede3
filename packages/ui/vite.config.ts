import { defineConfig } from 'vite';

// The app is a static SPA served at `/` by `mlflow-ts server`: index.html at the root and hashed
// assets under `static-files/` (MLflow's UI path), all referenced relatively so a path prefix works.
export default defineConfig({
  root: 'src/app',
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../../dist/app',
    emptyOutDir: true,
    assetsDir: 'static-files/assets',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
