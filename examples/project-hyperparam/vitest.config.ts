import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The end-to-end test runs `mlflow-ts run . -e search`: one search run and a grid of training runs.
export default defineConfig({ ...shared, test: { ...shared.test, testTimeout: 180_000 } });
