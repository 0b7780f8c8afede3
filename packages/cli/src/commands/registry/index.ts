/** Registry command groups: `registered-models …`, `model-versions …` and `models register`. */
export { registeredModelsCommand } from './registered-models.js';
export { modelVersionsCommand } from './model-versions.js';
export { registerModelCommand } from './register-model.js';
