import { createTransport, type Transporter } from 'nodemailer';
import { errorMessage, readSecret, type CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { AddressBook } from './address.js';
import { MailDeliveryError, type QueuedMail } from './queue.js';

/** What the mail service sends through: nodemailer's SMTP transport, or a test's. */
export type MailTransport = Pick<Transporter, 'sendMail' | 'close'>;

/** nodemailer's SMTP transport for `smtp.host` (20 s timeouts, auth with the password file). */
export function smtpTransport(smtp: CtldConfig['smtp'], host: string): MailTransport {
  const password = readSecret({
    file: smtp.passwordFile,
    envVar: 'SLURMSCOPE_SMTP_PASSWORD',
    key: 'smtp.passwordFile',
  });
  const timeout = 20_000;
  return createTransport({
    host,
    port: smtp.port,
    secure: smtp.port === 465,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: password ?? '' } }),
  });
}

/** The domain part of the sender (`slurmscope@hpc.example.org` → `hpc.example.org`) for Message-IDs. */
export function messageIdHost(from: string): string {
  const m = /@([A-Za-z0-9.-]+)/.exec(from);
  return m?.[1] ?? 'localhost';
}

/** A part of a Message-ID: letters, digits, `_` and `-` only. */
export function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * What a failed send means for the queue. The server answered about this mail (nodemailer's
 * EENVELOPE: a recipient refused; EMESSAGE: the message refused): a 5xx is given up for good
 * ('permanent'), a 4xx (450 mailbox busy, 452 too many recipients or no room, greylisting) is this
 * mail's state, retried with its own backoff while the other mails go on ('mail'). Anything else
 * (no connection, timeout, a 4xx or 5xx at login) is the server's state: the whole queue waits
 * ('server').
 */
export function failureScope(err: unknown): 'permanent' | 'mail' | 'server' {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode !== 'number' || (e.code !== 'EENVELOPE' && e.code !== 'EMESSAGE')) return 'server';
  if (e.responseCode >= 500 && e.responseCode < 600) return 'permanent';
  if (e.responseCode >= 400 && e.responseCode < 500) return 'mail';
  return 'server';
}

/** What {@link makeDeliver} needs. */
export interface DeliverOptions {
  readonly from: string;
  readonly addresses: AddressBook;
  readonly log: Logger;
  /** Undefined in dry run: the mail is logged. */
  readonly transport: MailTransport | undefined;
}

/** The queue's `deliver`: looks up the address, then sends (or logs, in dry run) one mail. */
export function makeDeliver(o: DeliverOptions): (mail: QueuedMail) => Promise<void> {
  return async (mail) => {
    let to: string;
    try {
      to = mail.to ?? (await o.addresses.lookup(mail.user ?? ''));
    } catch (err) {
      throw new MailDeliveryError(errorMessage(err), 'mail');
    }
    if (o.transport === undefined) {
      o.log.info({ to, subject: mail.subject, messageId: mail.messageId }, 'mail not sent (smtp.dryRun)');
      return;
    }
    try {
      await o.transport.sendMail({
        from: o.from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      o.log.info({ to, subject: mail.subject, messageId: mail.messageId }, 'mail sent');
    } catch (err) {
      throw new MailDeliveryError(`${to}: ${errorMessage(err)}`, failureScope(err));
    }
  };
}
