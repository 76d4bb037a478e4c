import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { list, obj, str } from '../data/json';
import { reportSummary } from '../data/report';
import { limitedFetch, requestTimeoutMs } from './abort';
import { useServices } from './context';
import { StaleNotes } from './Section';
import { usePoll } from './usePoll';

/** One report of the list (ctld's report index entry). */
interface ReportRow {
  jobid: string;
  displayId: string;
  state: string;
  endTime: string;
}

/** The rows of GET /api/v1/reports (a list of index entries); junk entries are left out. Pure. */
export function reportRows(json: unknown): ReportRow[] {
  return list(json)
    .map(obj)
    .filter((e) => str(e.jobid) !== '')
    .map((e) => ({
      jobid: str(e.jobid),
      displayId: str(e.display_id) || str(e.jobid),
      state: str(e.state),
      endTime: str(e.end_time),
    }));
}

/** What a report request gave: the report, or why not. */
type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly json: unknown }
  | { readonly state: 'error'; readonly text: string };

/** Reads a report answer: the JSON of a 200, else the status and ctld's text. */
async function readReport(res: Response): Promise<Loaded> {
  if (res.ok) {
    return { state: 'ok', json: await res.json() };
  }
  return { state: 'error', text: `cannot load the report: HTTP ${res.status} ${(await res.text()).slice(0, 300)}` };
}

/** A report as readable lines (job, state, elapsed, ...) and its raw JSON in a collapsed <details>. */
export function ReportView({ json }: { json: unknown }) {
  return (
    <div data-testid="portal-report">
      <dl
        data-testid="portal-report-summary"
        style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px', margin: 0 }}
      >
        {reportSummary(json).map((l) => (
          <React.Fragment key={l.label}>
            <dt style={{ opacity: 0.75 }}>{l.label}</dt>
            <dd style={{ margin: 0 }}>{l.value}</dd>
          </React.Fragment>
        ))}
      </dl>
      <details>
        <summary>the report as JSON</summary>
        <pre data-testid="portal-report-json">{JSON.stringify(json, null, 2)}</pre>
      </details>
    </div>
  );
}

/** One report, fetched with the user's credentials (within min(interval, 30 s)) when its row is opened. */
function ReportBody({ jobid }: { jobid: string }) {
  const { api, authHeaders, config } = useServices();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  React.useEffect(() => {
    const stop = new AbortController();
    const show = (l: Loaded) => !stop.signal.aborted && setLoaded(l);
    const init: RequestInit = { headers: { Accept: 'application/json', ...authHeaders() } };
    const url = `${api}/reports/${encodeURIComponent(jobid)}`;
    limitedFetch(url, init, requestTimeoutMs(config.intervalMs), stop.signal, readReport)
      .then(show)
      .catch((err: unknown) =>
        show({ state: 'error', text: `cannot load the report: ${err instanceof Error ? err.message : String(err)}` }),
      );
    return () => stop.abort();
  }, [api, authHeaders, jobid, config.intervalMs]);
  if (loaded.state === 'ok') {
    return <ReportView json={loaded.json} />;
  }
  return <p role="status">{loaded.state === 'loading' ? 'loading the report…' : loaded.text}</p>;
}

/** The user's finished jobs' reports (the last 20): a table; a row's button opens the report below it. */
export function Reports({ user }: { user: string }) {
  const { userHub, api } = useServices();
  const styles = useStyles2(getStyles);
  // Reports change when a job ends: polled every 10 cycles, not every cycle.
  const snap = usePoll(userHub, `${api}/reports?user=${encodeURIComponent(user)}&limit=20`, 10);
  const [open, setOpen] = useState<string | undefined>();
  const rows = reportRows(snap.json);
  return (
    <div data-testid="portal-reports">
      <StaleNotes snaps={[snap]} />
      <table className={styles.table}>
        <caption className={styles.caption}>{`finished jobs of ${user} (last 20)`}</caption>
        <thead>
          <tr>
            <th scope="col">job</th>
            <th scope="col">state</th>
            <th scope="col">ended</th>
            <th scope="col">report</th>
          </tr>
        </thead>
        <tbody>
          {snap.json !== undefined && rows.length === 0 && (
            <tr>
              <td colSpan={4}>no finished jobs with a report</td>
            </tr>
          )}
          {rows.map((r) => (
            <React.Fragment key={r.jobid}>
              <tr data-testid="portal-report-row">
                <td>{r.displayId}</td>
                <td>{r.state}</td>
                <td>{r.endTime ? new Date(r.endTime).toLocaleString() : ''}</td>
                <td>
                  <button
                    type="button"
                    aria-expanded={open === r.jobid}
                    onClick={() => setOpen(open === r.jobid ? undefined : r.jobid)}
                  >
                    {`${open === r.jobid ? 'hide' : 'show'} report of job ${r.displayId}`}
                  </button>
                </td>
              </tr>
              {open === r.jobid && (
                <tr>
                  <td colSpan={4} className={styles.body}>
                    <ReportBody jobid={r.jobid} />
                  </td>
                </tr>
              )}
            </React.Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
    button: {
      background: 'none',
      border: `1px solid ${theme.colors.border.medium}`,
      color: theme.colors.text.link,
      cursor: 'pointer',
      borderRadius: theme.shape.radius.default,
    },
  }),
  caption: css({ textAlign: 'left', color: theme.colors.text.secondary, padding: theme.spacing(0.5, 0) }),
  body: css({ pre: { maxHeight: 400, overflow: 'auto', fontSize: theme.typography.bodySmall.fontSize, margin: 0 } }),
});
