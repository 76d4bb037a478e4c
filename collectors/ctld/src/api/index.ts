export * from './context.js';
export * from './http.js';
export * from './report-port.js';
export * from './router.js';
export * from './routes-private.js';
export * from './routes-public.js';
export * from './view.js';
export * from './server.js';
