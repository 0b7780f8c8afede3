import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Browser tests share one UI build (global setup) and one chromium per file; they run one file at a time.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      globalSetup: ['test/global-setup.ts'],
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  }),
);
