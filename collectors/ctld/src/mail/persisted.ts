import { z } from 'zod/v3';
import { FINDING_KINDS } from '@slurmscope/common';

// What the mail service reads back from disk, checked before use: a file from an older version,
// cut short or edited by hand is refused as a whole, never half-trusted.

const findingView = z.object({
  kind: z.enum(FINDING_KINDS),
  title: z.string(),
  message: z.string(),
  nodes: z.array(z.object({ node: z.string(), text: z.string() })),
  advice: z.array(z.string()),
});

const digestItem = z.object({
  atMs: z.number(),
  jobid: z.string(),
  displayId: z.string(),
  cluster: z.string(),
  partition: z.string(),
  running: z.boolean(),
  link: z.string().optional(),
  finding: findingView,
});

/** `<stateDir>/mail/state.json` (MailStateData). */
export const mailStateSchema = z.object({
  version: z.literal(1),
  mailed: z.record(z.number()),
  counted: z.record(z.number()),
  // Absent in a state written before it: no job known as ended.
  ended: z.record(z.record(z.number())).default({}),
  sent: z.record(z.array(z.number())),
  pending: z.record(z.array(digestItem)),
  week: z.object({
    sinceMs: z.number(),
    cluster: z.string().optional(),
    jobs: z.number(),
    users: z.record(
      z.object({ jobs: z.number(), idleCpuHours: z.number(), idleGpuHours: z.number(), energyJoules: z.number() }),
    ),
    findings: z.record(z.number()),
  }),
  digestDueMs: z.number().optional(),
  summaryDueMs: z.number().optional(),
});

/** One file of `<stateDir>/mail/queue` (QueuedMail). */
export const queuedMailSchema = z.object({
  messageId: z.string().min(1),
  what: z.enum(['finding', 'digest', 'summary']),
  user: z.string().optional(),
  to: z.string().optional(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  keys: z.array(z.string()),
  queuedAtMs: z.number(),
});

/** The first problem of a failed parse, with its path: `week.users: Required`. */
export function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return i === undefined ? 'invalid' : `${i.path.join('.') || '(root)'}: ${i.message}`;
}
