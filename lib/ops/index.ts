/** Every op family; importing this registers every gradient. */
export * from './core.js';
export * from './creation.js';
export * from './broadcast.js';
export * from './unary.js';
export * from './binary.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './softmax.js';
export * from './shape.js';
export * from './index_ops.js';
export * from './conv.js';
export * from './pool.js';
export * from './depthwise.js';
export * from './norm.js';
export * from './image.js';
export { setRandomSeed, randomNormal, truncatedNormal, randomUniform, randomShuffle, multinomial } from './random.js';
export type { NormalOptions, UniformOptions } from './random.js';
export * from './logging.js';
