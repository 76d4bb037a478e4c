export * from './ctld.js';
export * from './slurm/index.js';
export * from './availability.js';
export * from './webjobs.js';
