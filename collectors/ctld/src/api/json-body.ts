// Request bodies in JSON, bounded before they are parsed. JSON.parse of 8 MB of `[[[[…` blocks
// the event loop for seconds, and validating millions of small values takes zod minutes: the
// shape is checked byte by byte while the body streams in, so such a body is refused after its
// first chunk, before anything is parsed.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';

/** The bounds of a JSON request body. */
export interface JsonBounds {
  /** Largest body in bytes (413 beyond). */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and objects (400 beyond). */
  readonly maxDepth: number;
  /** Most values (array items and object members; 413 beyond). */
  readonly maxValues: number;
}

/** Bounds of a node report: one object, jobs, a job, its GPUs, a GPU is depth 5. */
export const NODE_REPORT_BOUNDS: Omit<JsonBounds, 'maxBytes'> = { maxDepth: 8, maxValues: 200_000 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Follows the nesting depth and the number of values of a JSON text fed in chunks, outside
 * strings (escapes included), and throws HttpError as soon as a bound is passed. It does not
 * validate the JSON: JSON.parse does that once the shape is known to be small.
 */
export class JsonShape {
  private depth = 0;
  private values = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly bounds: Omit<JsonBounds, 'maxBytes'>) {}

  /** Scans the next chunk of the body. */
  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        if (++this.depth > this.bounds.maxDepth)
          throw new HttpError(400, `JSON nested deeper than ${this.bounds.maxDepth} levels`, {
            maxDepth: this.bounds.maxDepth,
          });
        this.count();
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) this.depth--;
      else if (c === COMMA) this.count();
    }
  }

  private count(): void {
    if (++this.values > this.bounds.maxValues)
      throw new HttpError(413, `JSON with more than ${this.bounds.maxValues} values`, {
        maxValues: this.bounds.maxValues,
      });
  }
}

/**
 * Reads and parses a JSON request body within `bounds`: 413 when it is too large or has too
 * many values (refused while it streams in), 400 when it nests too deep or is not JSON.
 */
export async function readJsonBody(req: IncomingMessage, bounds: JsonBounds): Promise<unknown> {
  const shape = new JsonShape(bounds);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bounds.maxBytes) throw tooLarge(bounds.maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bounds.maxBytes) throw tooLarge(bounds.maxBytes);
    shape.feed(chunk);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `body is not JSON: ${(err as Error).message}`);
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `body larger than ${limit} bytes`, { limitBytes: limit });
}
