import { Socket } from 'node:net';

/** One mail for `sendMail`. */
export interface MailSpec {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly timeoutMs?: number;
}

/** Escapes a message body for SMTP DATA: CRLF line ends, a leading "." doubled (RFC 5321 4.5.2). */
export function dotStuff(body: string): string {
  return body
    .split(/\r?\n/)
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
}

/** The complete reply in `buffer` (last line "NNN text"), or undefined while more lines must come. */
export function parseReply(buffer: string): { code: number; text: string; rest: string } | undefined {
  const lines = buffer.split('\r\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^(\d{3})([ -])(.*)$/.exec(lines[i]!);
    if (!m) throw new Error(`malformed SMTP reply line: ${JSON.stringify(lines[i])}`);
    if (m[2] === ' ') {
      return { code: Number(m[1]), text: lines.slice(0, i + 1).join('\n'), rest: lines.slice(i + 1).join('\r\n') };
    }
  }
  return undefined;
}

/**
 * Sends one plain-text mail with a minimal SMTP dialogue (EHLO, MAIL, RCPT, DATA, QUIT), no TLS,
 * no auth: enough to prove a local sink stores what it receives.
 */
export async function sendMail(mail: MailSpec): Promise<void> {
  const socket = new Socket();
  socket.setEncoding('utf8');
  socket.setTimeout(mail.timeoutMs ?? 10_000);
  let buffer = '';
  let waiter: { resolve: (code: number) => void; reject: (err: Error) => void; expect: number } | undefined;
  let failure: Error | undefined;
  const fail = (err: Error): void => {
    failure ??= err;
    waiter?.reject(err);
    waiter = undefined;
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    try {
      const reply = parseReply(buffer);
      if (!reply || !waiter) return;
      buffer = reply.rest;
      const w = waiter;
      waiter = undefined;
      if (reply.code === w.expect) w.resolve(reply.code);
      else w.reject(new Error(`SMTP: expected ${w.expect}, got ${reply.text}`));
    } catch (err) {
      fail(err as Error);
    }
  });
  socket.on('timeout', () => fail(new Error('SMTP: timed out')));
  socket.on('error', (err) => fail(err));
  socket.on('close', () => fail(new Error('SMTP: connection closed')));
  const expect = (code: number, line?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      waiter = { resolve, reject, expect: code };
      if (line !== undefined) socket.write(`${line}\r\n`);
    });
  try {
    const greeting = expect(220);
    socket.connect(mail.port, mail.host);
    await greeting;
    await expect(250, 'EHLO slurmscope-test');
    await expect(250, `MAIL FROM:<${mail.from}>`);
    await expect(250, `RCPT TO:<${mail.to}>`);
    await expect(354, 'DATA');
    const message = [`From: <${mail.from}>`, `To: <${mail.to}>`, `Subject: ${mail.subject}`, '', mail.body].join('\n');
    await expect(250, `${dotStuff(message)}\r\n.`);
    await expect(221, 'QUIT');
  } finally {
    socket.destroy();
  }
}
