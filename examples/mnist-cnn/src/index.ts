/** The MNIST example as a library, for tests and for wiring it to a scoring server. */
export { DEFAULTS, trainAndRegister } from './train-and-register.js';
export type { TrainOptions, TrainResult } from './train-and-register.js';
export { buildCnn } from './model.js';
export { IMAGE_SIZE, NUM_CLASSES, loadDigits } from './mnist-data.js';
export type { DigitSet } from './mnist-data.js';
export { registryClient } from './registry-client.js';
