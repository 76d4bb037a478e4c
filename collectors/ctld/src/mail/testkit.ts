import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctldConfigSchema, type CtldConfig } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import type { RaisedFinding } from '../inspector/types.js';
import { sampleReport } from '../reports/testkit.js';
import type { Finding, JobReport } from '../reports/types.js';
import type { MailTransport } from './deliver.js';
import type { Scheduler } from './schedule.js';
import { createMailService, type MailService } from './setup.js';

/** A mail as a test transport received it. */
export interface SentMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
}

/** A transport recording what it accepted; `fail` decides per call whether (and how) it throws. */
export function recordingTransport(fail?: (call: number, mail: SentMail) => Error | undefined): {
  sent: SentMail[];
  calls: () => number;
  transport: MailTransport;
} {
  const sent: SentMail[] = [];
  let calls = 0;
  const transport = {
    sendMail: (m: SentMail) => {
      const err = fail?.(++calls, m);
      if (err !== undefined) return Promise.reject(err);
      sent.push(m);
      return Promise.resolve({});
    },
    close: () => undefined,
  } as unknown as MailTransport;
  return { sent, calls: () => calls, transport };
}

/** A scheduler the test drives: `fire(i)` runs schedule i (0 digest, 1 summary); `next` sets what nextRunMs says. */
export function handScheduler(): { scheduler: Scheduler; fire: (i: number) => void; next: { at: number | undefined } } {
  const fns: (() => void)[] = [];
  const next = { at: undefined as number | undefined };
  const scheduler: Scheduler = (_expr, _tz, fn) => {
    fns.push(fn);
    return { nextRunMs: () => next.at, stop: () => undefined };
  };
  return { scheduler, fire: (i) => fns[fns.length - 2 + i]!(), next };
}

/** A live finding of alice's two-node job 4242 (override any field). */
export function raised(over: Partial<RaisedFinding> = {}): RaisedFinding {
  return {
    jobid: '4242',
    displayId: '4242',
    cluster: 'hpc1',
    user: 'alice',
    account: 'physics',
    partition: 'cpu',
    kind: 'uneven_load',
    raisedAtMs: Date.parse('2026-03-01T12:00:00Z'),
    elapsedSeconds: 1800,
    value: 0.94,
    threshold: 0.5,
    message: 'CPU load differed by 94 % between the busiest and the idlest node',
    nodes: [
      { node: 'c0412', text: 'CPU 3 %', value: 0.03 },
      { node: 'c0413', text: 'CPU 97 %', value: 0.97 },
    ],
    cost: { idleCpuHours: 12.5, energyJoules: 7.2e6, co2Grams: 540 },
    ...over,
  };
}

/** A report of a job that ran 600 s with exactly `findings`. */
export function endedReport(o: { jobid: string; user?: string; endMs: number; findings: Finding[] }): JobReport {
  return { ...sampleReport({ jobid: o.jobid, user: o.user ?? 'alice', endMs: o.endMs }), findings: o.findings };
}

/** A report finding of `kind`. */
export function finding(kind: Finding['kind'], severity: Finding['severity'] = 'warning'): Finding {
  return { kind, severity, message: `seen: ${kind}`, value: 0.1 };
}

/** A mail service on a fresh (or the given) state directory, with a recording transport and a hand clock. */
export function testService(o: {
  smtp?: Record<string, unknown>;
  inspector?: Record<string, unknown>;
  stateDir?: string;
  transport?: MailTransport;
  now?: () => number;
  scheduler?: Scheduler;
}): { svc: MailService; log: RecordingLogger; stateDir: string; config: CtldConfig } {
  const stateDir = o.stateDir ?? mkdtempSync(join(tmpdir(), 'mail-'));
  const config = ctldConfigSchema.parse({
    smtp: { host: 'smtp.example.org', from: 'slurmscope@hpc.example.org', userDomain: 'example.org', ...o.smtp },
    inspector: { minElapsed: '10m', ...o.inspector },
  });
  const log = new RecordingLogger();
  const svc = createMailService(config, log, {
    stateDir,
    retryBaseMs: 10,
    retryCapMs: 50,
    ...(o.transport === undefined ? {} : { transport: o.transport }),
    ...(o.now === undefined ? {} : { now: o.now }),
    scheduler: o.scheduler ?? handScheduler().scheduler,
  });
  if (svc === undefined) throw new Error('no mail service');
  return { svc, log, stateDir, config };
}

/** Waits until `cond` holds (polling every 5 ms), failing after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
