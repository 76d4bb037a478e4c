export * from './ctld.js';
