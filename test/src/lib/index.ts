export * from './slurm.js';
export * from './smtp.js';
export * from './stack.js';
export * from './wait.js';
export * from './daemons.js';
export * from './browser.js';
export * from './panel-host.js';
export * from './panel-frames.js';
