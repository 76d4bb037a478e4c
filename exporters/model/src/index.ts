export * from './sample.js';
export * from './sink.js';
export * from './exposition.js';
export * from './logger.js';
export * from './counter-family.js';
export * from './wait.js';
