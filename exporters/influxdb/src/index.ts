export * from './sink.js';
export * from './line-protocol.js';
export * from './spool.js';
export * from './stats.js';
export * from './write-error.js';
export * from './write-target.js';
export * from './fanout.js';
