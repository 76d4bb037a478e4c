export * from './client.js';
export * from './protocol.js';
export * from './run.js';
export * from './server.js';
