import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The end-to-end test trains a small CNN and starts `models serve`.
export default defineConfig({ ...shared, test: { ...shared.test, testTimeout: 180_000 } });
