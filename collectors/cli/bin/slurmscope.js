#!/usr/bin/env node
// The `slurmscope` command: the compiled CLI. A file of its own so that `npm ci` can link it into
// node_modules/.bin before `tsc -b` has written dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error(`slurmscope: ${main.pathname} is missing: run "npm run build" (tsc -b) in the repository first`);
  process.exit(2);
}
await import(main.href);
