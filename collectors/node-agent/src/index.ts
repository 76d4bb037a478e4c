export * from './agent.js';
export * from './collectors/index.js';
export * from './attribution.js';
export * from './sampler.js';
export * from './state.js';
export * from './metrics.js';
