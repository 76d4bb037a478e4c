import { MAX_LINE_BYTES } from './protocol.js';

/** Splits a byte stream into lines; reports a line longer than the protocol allows. */
export class LineBuffer {
  private buf = '';

  /** Appends data; returns the complete lines, or 'overflow' when a line exceeds MAX_LINE_BYTES. */
  push(chunk: string): string[] | 'overflow' {
    this.buf += chunk;
    const lines: string[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      lines.push(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 1);
    }
    return Buffer.byteLength(this.buf) > MAX_LINE_BYTES ? 'overflow' : lines;
  }
}
