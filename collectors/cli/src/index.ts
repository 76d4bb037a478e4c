export { runAction, setup, EXIT_FAILURE, EXIT_USAGE } from './run.js';
