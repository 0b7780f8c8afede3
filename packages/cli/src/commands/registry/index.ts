/** Registry command groups: `registered-models …` and `model-versions …` (`models register` is in ../models/). */
export { registeredModelsCommand } from './registered-models.js';
export { modelVersionsCommand } from './model-versions.js';
