import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { list, obj, str } from '../data/json';
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

/** One report's JSON, fetched with the user's credentials when its row is opened. */
function ReportBody({ jobid }: { jobid: string }) {
  const { api, authHeaders } = useServices();
  const [text, setText] = useState<string>('loading the report…');
  React.useEffect(() => {
    let live = true;
    const show = (t: string) => live && setText(t);
    fetch(`${api}/reports/${encodeURIComponent(jobid)}`, { headers: { Accept: 'application/json', ...authHeaders() } })
      .then(async (res) =>
        show(
          res.ok
            ? JSON.stringify(await res.json(), null, 2)
            : `cannot load the report: HTTP ${res.status} ${await res.text()}`,
        ),
      )
      .catch((err: unknown) => show(`cannot load the report: ${err instanceof Error ? err.message : String(err)}`));
    return () => {
      live = false;
    };
  }, [api, authHeaders, jobid]);
  return <pre data-testid="portal-report-json">{text}</pre>;
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
