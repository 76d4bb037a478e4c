export * from './exporter.js';
export * from './server.js';
