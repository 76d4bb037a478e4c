// Node with everything the agent daemon's CLI imports loaded, answering HTTP, sampling nothing: the
// memory that the code costs before any work (compare with a bare server and with the daemon).
//   node bench/agent/import-only.mjs <port>
import { createServer } from 'node:http';

// What collectors/cli/dist/main.js loads before any command runs (each command's own package is
// imported inside its action: InfluxDB only when configured, ctld never in the agent).
for (const command of ['agent', 'ctld', 'demo', 'hook', 'report'])
  await import(`../../collectors/cli/dist/commands/${command}.js`);
await import('commander');
// What `slurmscope agent` then imports.
await import('@slurmscope/node-agent');
await import('@slurmscope/prometheus');
await import('@slurmscope/common');
createServer((q, s) => s.end('ok\n')).listen(Number(process.argv[2]), '127.0.0.1');
