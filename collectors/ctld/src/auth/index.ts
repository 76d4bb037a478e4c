export * from './jwt.js';
export * from './authenticator.js';
export * from './load.js';
export * from './agent-tokens.js';
