// Node with everything the agent daemon's CLI imports loaded, answering HTTP, sampling nothing: the
// memory that the code costs before any work (compare with a bare server and with the daemon).
//   node bench/agent/import-only.mjs <port>
import { createServer } from 'node:http';

await import('@slurmscope/node-agent');
await import('@slurmscope/prometheus');
await import('@slurmscope/influxdb');
await import('@slurmscope/common');
// The CLI (collectors/cli/dist/main.js) also loads these for every command, the agent's included.
await import('@slurmscope/ctld');
await import('commander');
createServer((q, s) => s.end('ok\n')).listen(Number(process.argv[2]), '127.0.0.1');
