/** Which write API an output speaks: v2 (`/api/v2/write`) or v1 (`/write`, InfluxDB 1.x before 1.8). */
export type WriteApi = 'v2' | 'v1';

/** Where and how to write: the settings of one output that shape the request. */
export interface WriteTargetOptions {
  /** Default v2. */
  readonly api?: WriteApi;
  /** v2: organisation; empty = not sent. */
  readonly org?: string;
  /** v2: bucket (or "database/retention-policy" on 1.8). */
  readonly bucket?: string;
  /** v1: database (required). */
  readonly database?: string;
  /** v1: retention policy; absent = the database's default. */
  readonly retentionPolicy?: string;
  /** v1: user name for HTTP basic auth (with `password`). */
  readonly username?: string;
  /** v1: password for HTTP basic auth; never logged. */
  readonly password?: string;
}

/** The request path (with its query) and the extra headers of every write of an output. */
export interface WriteTarget {
  readonly api: WriteApi;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** What the log and error messages call the destination: `bucket "b"` or `database "db"`. */
  readonly what: string;
}

/**
 * The write request of an output. v2: `/api/v2/write?org=&bucket=&precision=ms` (a token, when
 * set, goes in `Authorization: Token` through the client's transport). v1: `/write?db=&rp=&precision=ms`,
 * with HTTP basic auth when a user is set (1.x also takes `u`/`p` query parameters, but a URL
 * ends up in proxy and server logs; a header does not).
 */
export function writeTarget(o: WriteTargetOptions): WriteTarget {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if ((o.api ?? 'v2') === 'v2') {
    const query = new URLSearchParams({ ...(o.org ? { org: o.org } : {}), bucket: o.bucket ?? '', precision: 'ms' });
    return { api: 'v2', path: `/api/v2/write?${query.toString()}`, headers, what: `bucket "${o.bucket ?? ''}"` };
  }
  if (!o.database) throw new Error('influxdb: api v1 needs a database');
  const query = new URLSearchParams({
    db: o.database,
    ...(o.retentionPolicy ? { rp: o.retentionPolicy } : {}),
    precision: 'ms',
  });
  if (o.username !== undefined) {
    const basic = Buffer.from(`${o.username}:${o.password ?? ''}`, 'utf8').toString('base64');
    headers.authorization = `Basic ${basic}`;
  }
  return { api: 'v1', path: `/write?${query.toString()}`, headers, what: `database "${o.database}"` };
}
