import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@slurmscope/model';

/** Why points were dropped: the disk bound, the memory bound, an unreadable spool file. */
export type DropReason = 'spool_full' | 'memory_full' | 'unreadable';

/** Options of a {@link Spool}. */
export interface SpoolOptions {
  readonly dir: string;
  /** Bound of the chunk files on disk; the oldest chunks are dropped beyond it. */
  readonly maxBytes: number;
  /** Bound of the chunks kept in memory while the disk refuses writes. */
  readonly memoryMaxPoints: number;
  readonly log: Logger;
  /** Called with the number of points dropped and why. */
  readonly onDrop: (points: number, reason: DropReason) => void;
}

interface Chunk {
  readonly seq: number;
  readonly points: number;
  readonly bytes: number;
  /** Path of the chunk file; absent for a chunk held in memory because the disk failed. */
  readonly file?: string;
  readonly lines?: readonly string[];
}

/** Head chunks read for replay, up to a number of points. */
export interface SpoolBatch {
  readonly lines: string[];
  /** The chunks the lines came from: pass to `remove()` once written, `release()` if not. */
  readonly ids: readonly number[];
}

const CHUNK_RE = /^(\d{12})-(\d+)\.lp$/;

/**
 * A FIFO of line-protocol chunks on disk (`<seq>-<points>.lp`, one file per chunk, written to
 * a temporary name, fsync'd and renamed, so a crash leaves whole chunks only), bounded by
 * `maxBytes` (the oldest chunk goes first). When the disk refuses a write (full, EACCES) the
 * chunk is kept in a bounded memory list in its place in the FIFO, and the failure logged once.
 * One process per directory.
 */
export class Spool {
  private readonly chunks: Chunk[] = [];
  private nextSeq = 0;
  private diskBytes = 0;
  private memoryPoints = 0;
  private diskFailing = false;
  /** Chunks being replayed: the bounds drop others first. */
  private readonly inFlight = new Set<number>();

  constructor(private readonly options: SpoolOptions) {}

  /**
   * Creates the directory and lists the chunks a previous process left, oldest first. A directory
   * that cannot be created or read is logged and the spool starts in memory (bounded).
   */
  async open(): Promise<void> {
    let names: string[];
    try {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
      names = (await readdir(this.options.dir)).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.options.log.error(
        { path: this.options.dir, code, err: (err as Error).message },
        'cannot open spool directory; keeping points in memory (bounded)',
      );
      this.diskFailing = true;
      return;
    }
    for (const name of names) {
      const path = join(this.options.dir, name);
      const match = CHUNK_RE.exec(name);
      if (!match) {
        if (name.endsWith('.tmp')) {
          await unlink(path);
          this.options.log.warn({ path }, 'removed a partial spool chunk left by a crash');
        }
        continue;
      }
      const bytes = (await stat(path)).size;
      this.chunks.push({ seq: Number(match[1]), points: Number(match[2]), bytes, file: path });
      this.diskBytes += bytes;
      this.nextSeq = Number(match[1]) + 1;
    }
    if (this.chunks.length > 0) {
      this.options.log.info(
        { dir: this.options.dir, points: this.points, bytes: this.diskBytes },
        'spool holds points from a previous run',
      );
    }
    this.enforceDiskBound();
  }

  /** Points waiting in the spool (disk and memory). */
  get points(): number {
    return this.chunks.reduce((sum, c) => sum + c.points, 0);
  }

  /** Bytes of the chunk files on disk. */
  get bytes(): number {
    return this.diskBytes;
  }

  /** True when nothing waits. */
  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  /** Appends one chunk at the tail: to disk, or to memory when the disk refuses it. */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const seq = this.nextSeq++;
    const data = lines.join('\n') + '\n';
    const bytes = Buffer.byteLength(data);
    const name = `${String(seq).padStart(12, '0')}-${lines.length}.lp`;
    const file = join(this.options.dir, name);
    try {
      await writeDurably(file, data);
      this.chunks.push({ seq, points: lines.length, bytes, file });
      this.diskBytes += bytes;
      if (this.diskFailing) this.options.log.info({ dir: this.options.dir }, 'spool directory writable again');
      this.diskFailing = false;
      this.enforceDiskBound();
    } catch (err) {
      await removeQuietly(`${file}.tmp`, this.options.log);
      if (!this.diskFailing) {
        const code = (err as NodeJS.ErrnoException).code;
        this.options.log.error(
          { path: file, code, err: (err as Error).message },
          'cannot write spool chunk; keeping points in memory (bounded)',
        );
      }
      this.diskFailing = true;
      this.chunks.push({ seq, points: lines.length, bytes, lines: [...lines] });
      this.memoryPoints += lines.length;
      this.enforceMemoryBound();
    }
  }

  /** Reads head chunks, in order, up to `maxPoints` points (at least one chunk); they stay until `remove`. */
  async peek(maxPoints: number): Promise<SpoolBatch> {
    // Pick and protect the chunks before the first await: an append meanwhile may enforce the
    // bound, which must then drop other chunks, not these.
    const picked: Chunk[] = [];
    let points = 0;
    for (const chunk of this.chunks) {
      if (picked.length > 0 && points + chunk.points > maxPoints) break;
      picked.push(chunk);
      points += chunk.points;
      this.inFlight.add(chunk.seq);
    }
    const lines: string[] = [];
    const ids: number[] = [];
    for (const chunk of picked) {
      let text: string;
      try {
        text = chunk.file === undefined ? '' : await readFile(chunk.file, 'utf8');
      } catch (err) {
        this.release(picked.slice(ids.length).map((c) => c.seq));
        if (ids.length > 0) break;
        // An unreadable head chunk would block the whole spool: drop it, counted.
        this.options.log.error({ path: chunk.file, err: (err as Error).message }, 'unreadable spool chunk dropped');
        await this.remove([chunk.seq], 'unreadable');
        return this.peek(maxPoints);
      }
      if (chunk.file === undefined) lines.push(...(chunk.lines ?? []));
      else for (const line of text.split('\n')) if (line !== '') lines.push(line);
      ids.push(chunk.seq);
    }
    return { lines, ids };
  }

  /** Removes the chunks of a batch: written, rejected, or dropped for `reason`. */
  async remove(ids: readonly number[], reason?: DropReason): Promise<void> {
    for (const id of ids) {
      this.inFlight.delete(id);
      const index = this.chunks.findIndex((c) => c.seq === id);
      const [chunk] = index < 0 ? [] : this.chunks.splice(index, 1);
      if (!chunk) continue;
      if (reason) this.options.onDrop(chunk.points, reason);
      await this.forget(chunk);
    }
  }

  /** Releases the chunks of a batch that could not be written: they stay at the head. */
  release(ids: readonly number[]): void {
    for (const id of ids) this.inFlight.delete(id);
  }

  private async forget(chunk: Chunk): Promise<void> {
    if (chunk.file === undefined) {
      this.memoryPoints -= chunk.points;
      return;
    }
    this.diskBytes -= chunk.bytes;
    try {
      await unlink(chunk.file);
    } catch (err) {
      // Already gone is fine; any other failure would replay the chunk after a restart.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.options.log.error({ path: chunk.file, err: (err as Error).message }, 'cannot remove written spool chunk');
      }
    }
  }

  private enforceDiskBound(): void {
    while (this.diskBytes > this.options.maxBytes) {
      const index = this.chunks.findIndex((c) => c.file !== undefined && !this.inFlight.has(c.seq));
      if (index < 0) return;
      const [oldest] = this.chunks.splice(index, 1);
      if (!oldest) return;
      this.options.onDrop(oldest.points, 'spool_full');
      void this.forget(oldest);
    }
  }

  private enforceMemoryBound(): void {
    while (this.memoryPoints > this.options.memoryMaxPoints) {
      const index = this.chunks.findIndex((c) => c.file === undefined && !this.inFlight.has(c.seq));
      if (index < 0) return;
      const [oldest] = this.chunks.splice(index, 1);
      if (!oldest) return;
      this.options.onDrop(oldest.points, 'memory_full');
      void this.forget(oldest);
    }
  }
}

/** Writes `data` to `file` so that after a crash it either exists whole or not at all. */
async function writeDurably(file: string, data: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  // The rename itself must survive a power loss: sync the directory entry.
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Removes a leftover file; a missing one is fine, anything else is logged. */
async function removeQuietly(path: string, log: Logger): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ path, err: (err as Error).message }, 'cannot remove partial spool file');
  }
}
