/** Test helper: where the repository keeps the files real MLflow wrote (fixtures/ at the repo root). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures');
