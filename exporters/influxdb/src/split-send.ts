import type { WriteFailure } from './write-error.js';

/** What {@link sendSplitting} needs: one write request, and where refusals and splits are counted. */
export interface SplitSendPort {
  /** Sends one write request; undefined when the store accepted it. */
  send(lines: readonly string[]): Promise<WriteFailure | undefined>;
  /** `points` were refused for good: a non-retryable status, or one point alone still too large (413). */
  refused(points: number, failure: WriteFailure): void;
  /** A request of `points` was answered 413 and is split in halves. */
  split(points: number): void;
}

/** What became of a batch sent with {@link sendSplitting}. */
export interface Delivery {
  /** Points the store accepted. */
  readonly written: number;
  /** Points not sent because of a retryable failure, in their order: spool them and retry. */
  readonly pending: readonly string[];
  /** The retryable failure that stopped the delivery; absent when every point was written or refused. */
  readonly failure?: WriteFailure;
}

/**
 * Sends a batch; a 413 (payload too large) splits it in halves and sends each, recursively down
 * to one point (telegraf's influxdb_v2 output does the same), so that one oversized batch does
 * not lose the points a smaller request carries. A single point still answered 413 is refused.
 * Halves go one after the other, in order; a retryable failure stops there and returns the rest.
 */
export async function sendSplitting(lines: readonly string[], port: SplitSendPort): Promise<Delivery> {
  const failure = await port.send(lines);
  if (failure === undefined) return { written: lines.length, pending: [] };
  if (failure.retryable) return { written: 0, pending: [...lines], failure };
  if (failure.tooLarge !== true || lines.length === 1) {
    port.refused(lines.length, failure);
    return { written: 0, pending: [] };
  }
  port.split(lines.length);
  const mid = Math.ceil(lines.length / 2);
  const first = await sendSplitting(lines.slice(0, mid), port);
  if (first.failure !== undefined) return { ...first, pending: [...first.pending, ...lines.slice(mid)] };
  const second = await sendSplitting(lines.slice(mid), port);
  return { ...second, written: first.written + second.written };
}
