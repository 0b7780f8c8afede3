import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// TensorFlow.js training in tests is slow on the pure-JS CPU backend.
export default defineConfig({ ...shared, test: { ...shared.test, testTimeout: 60_000 } });
