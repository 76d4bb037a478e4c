import { parseNodeReport, type NodeReportAck } from '@slurmscope/common';
import type { ApiContext } from './context.js';
import { HttpError } from './http.js';
import { NODE_REPORT_BOUNDS, readJsonBody } from './json-body.js';
import type { ApiRequest } from './router.js';

/** Default bound of a node report body. */
export const MAX_NODE_REPORT_BYTES = 8 * 1024 * 1024;

const CHALLENGE = { 'www-authenticate': 'Bearer realm="slurmscope"' };

/**
 * POST /api/v1/node-reports: the agent's token (shared or its node's), a bounded JSON body, the
 * schema, then the checks against Slurm and the clock (NodeReportStore.ingest). Answers the jobs
 * whose batch script ctld keeps. Every outcome is counted; a refusal says why.
 */
export async function ingestNodeReport(
  ctx: ApiContext,
  { req }: ApiRequest,
): Promise<{ status: number; json: NodeReportAck }> {
  const store = ctx.nodeReports;
  const auth = ctx.auth.agent({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
  if (!auth.ok) {
    store.count('unauthorized');
    throw new HttpError(401, auth.reason, undefined, CHALLENGE);
  }
  let raw: unknown;
  try {
    raw = await readJsonBody(req, { maxBytes: ctx.maxBodyBytes ?? MAX_NODE_REPORT_BYTES, ...NODE_REPORT_BOUNDS });
  } catch (err) {
    if (err instanceof HttpError) store.count(err.status === 413 ? 'too_large' : 'invalid');
    throw err;
  }
  const parsed = parseNodeReport(raw);
  if (!parsed.ok) {
    const issues = parsed.issues.map(({ path, message }) => ({ path, message }));
    const first = parsed.issues[0];
    if (first?.badValue === true) {
      store.refuse('bad_value');
      store.count('refused');
    } else store.count('invalid');
    throw new HttpError(400, `invalid node report at "${first?.path ?? ''}": ${first?.message ?? ''}`, { issues });
  }
  const report = parsed.report;
  if (auth.node !== undefined && auth.node !== report.node) {
    store.refuse('node_token_mismatch');
    store.count('unauthorized');
    throw new HttpError(403, `the token is node ${auth.node}'s, the report is node ${report.node}'s`, {
      reason: 'node_token_mismatch',
    });
  }
  const outcome = store.ingest(report, ctx.now());
  if (!outcome.kept)
    throw new HttpError(outcome.reason === 'unknown_node' ? 403 : 400, `node report refused: ${outcome.reason}`, {
      reason: outcome.reason,
    });
  store.count('accepted');
  const reports = ctx.reports();
  const scripts =
    reports === undefined ? [] : report.jobs.filter((j) => reports.hasScript(j.jobid)).map((j) => j.jobid);
  return { status: 200, json: { scripts } };
}
