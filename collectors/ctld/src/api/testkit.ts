import type { TestContext } from 'node:test';
import { RecordingLogger } from '@slurmscope/model';
import { Authenticator } from '../auth/authenticator.js';
import { NodeReportStore } from '../node-reports.js';
import type { PollResult } from '../slurm/snapshot.js';
import type { ApiContext } from './context.js';
import { createApiServer } from './server.js';
import type { CycleView } from './view.js';
import type { WebPolicy } from './web-headers.js';
import type { PortalOptions } from './routes-portal.js';

/** A test's API server: its base URL, its context, and the cycle view it serves. */
export interface TestApi {
  readonly base: string;
  readonly ctx: ApiContext;
  setView(v: CycleView | undefined): void;
}

/**
 * The API on a free loopback port, closed after the test: no reports, an admin token `admin-tok`,
 * no trusted proxy, and the view set with `setView`; `o.ctx` replaces any of these; `o.portal` adds the portal.
 */
export async function startTestApi(
  t: TestContext,
  o: {
    readonly ctx?: Partial<ApiContext>;
    readonly web?: WebPolicy;
    readonly portal?: PortalOptions;
    readonly co2WindowMs?: number;
  } = {},
): Promise<TestApi> {
  let view: CycleView | undefined;
  const ctx: ApiContext = {
    view: () => view,
    reports: () => undefined,
    intervalMs: 10_000,
    auth: new Authenticator({ adminToken: 'admin-tok', trustedProxy: { addresses: [], header: 'X-Remote-User' } }),
    nodeReports: new NodeReportStore(),
    now: Date.now,
    log: new RecordingLogger(),
    title: 'slurmscope ctld (test)',
    ...o.ctx,
  };
  const server = createApiServer({
    listen: '127.0.0.1:0',
    tls: undefined,
    ctx,
    exposition: { metrics: () => Promise.resolve('m 1\n'), contentType: 'text/plain' },
    ...(o.web === undefined ? {} : { web: o.web }),
    ...(o.portal === undefined ? {} : { portal: o.portal }),
    ...(o.co2WindowMs === undefined ? {} : { co2WindowMs: o.co2WindowMs }),
  });
  const { port } = await server.start();
  t.after(() => server.close());
  return { base: `http://127.0.0.1:${port}`, ctx, setView: (v) => (view = v) };
}

/** A poll result with no nodes, jobs or partitions, taken at `takenMs`: enough for a cycle view. */
export function emptyPollResult(takenMs: number): PollResult {
  return {
    snapshot: { timestampMs: takenMs },
    availability: { timestampMs: takenMs, preemptionModelled: true, partitions: [] },
  } as unknown as PollResult;
}
