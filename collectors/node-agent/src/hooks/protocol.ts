import { z } from 'zod/v3';
import { ParseError } from '@slurmscope/common';

/*
 * The hooks' protocol on the agent's local socket: one JSON object per line each way.
 *   → {"op":"prolog","jobid":"42","cpus":[0,1]}   (cpus absent = unknown, the whole node)
 *   → {"op":"epilog","jobid":"42"}
 *   ← {"ok":true}  or  {"ok":false,"error":"…"}
 */

/** Longest request or reply line accepted, in bytes (a cpus list of a 4096-CPU node fits). */
export const MAX_LINE_BYTES = 64 * 1024;

const jobid = z.string().regex(/^\d{1,20}$/, 'jobid must be a numeric Slurm job id');
const messageSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('prolog'),
    jobid,
    cpus: z.array(z.number().int().min(0).max(65535)).max(65536).optional(),
  }),
  z.strictObject({ op: z.literal('epilog'), jobid }),
]);
const replySchema = z.union([
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), error: z.string() }),
]);

/** A request from a hook to the agent. */
export type HookMessage = z.infer<typeof messageSchema>;
/** The agent's answer. */
export type HookReply = z.infer<typeof replySchema>;

function parseLine<T>(schema: z.ZodType<T>, line: string, source: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    throw new ParseError(source, `${what} is not JSON (${(err as Error).message})`, line);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError(source, `bad ${what}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), line);
  }
  return parsed.data;
}

/** Parses one request line; throws ParseError naming `source` and the line. */
export function parseHookMessage(line: string, source: string): HookMessage {
  return parseLine(messageSchema, line, source, 'hook request');
}

/** Parses one reply line; throws ParseError naming `source` and the line. */
export function parseHookReply(line: string, source: string): HookReply {
  return parseLine(replySchema, line, source, 'hook reply');
}

/** One protocol line: the JSON text and its newline. */
export function encodeLine(value: HookMessage | HookReply): string {
  return `${JSON.stringify(value)}\n`;
}
