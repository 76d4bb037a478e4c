export * from './agent-config.js';
export * from './ctld-config.js';
export * from './config.js';
export * from './duration.js';
export * from './errors.js';
export * from './exec.js';
export * from './log.js';
export * from './secret.js';
