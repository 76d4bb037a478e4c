export * from './exporter.js';
export * from './counter-family.js';
export * from './server.js';
