// SMTP sink for the local stack: accepts every mail (any or no login, no TLS) and stores each one as an
// .eml file in --dir, written to a temporary name first so readers never see half a mail.
// Usage: node smtp-sink.mjs --host 127.0.0.1 --port 17025 --dir /tmp/slurmscope-stack/mail
import { Buffer } from 'node:buffer';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' }, dir: { type: 'string' } },
});
if (!values.port || !values.dir) {
  console.error('usage: smtp-sink.mjs --port PORT --dir DIR [--host ADDR]');
  process.exit(2);
}
const dir = values.dir;
mkdirSync(dir, { recursive: true });
let seq = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  // Any user and password are accepted (over plain text: this is a local test sink).
  allowInsecureAuth: true,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username });
  },
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('error', callback);
    stream.on('end', () => {
      const name = `${Date.now()}-${process.pid}-${++seq}.eml`;
      const tmp = join(dir, `.${name}.tmp`);
      try {
        writeFileSync(tmp, Buffer.concat(chunks), { mode: 0o644 });
        renameSync(tmp, join(dir, name));
      } catch (err) {
        callback(err);
        return;
      }
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      console.log(`${new Date().toISOString()} mail from=${from} to=${to} file=${name}`);
      callback();
    });
  },
});
server.on('error', (err) => console.error(`${new Date().toISOString()} smtp error: ${err.message}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
server.listen(Number(values.port), values.host, () =>
  console.log(`smtp sink on ${values.host}:${values.port} -> ${dir}`),
);
