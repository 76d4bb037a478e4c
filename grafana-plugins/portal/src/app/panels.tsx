import React, { useMemo } from 'react';
import { dateTime, TimeRange } from '@grafana/data';
import { availabilityFrames } from '../data/availability';
import { co2Frames, co2Note, co2Url } from '../data/co2';
import { num, obj } from '../data/json';
import { webjobsFrames } from '../data/webjobs';
import { PLUGIN_IDS } from './config';
import { useServices } from './context';
import { PanelSlot } from './PanelSlot';
import { PollSnapshot } from './poller';
import { usePoll } from './usePoll';
import { ThemeMode } from '../host/PanelHost';

/** A live panel: its frames and the snapshot(s) behind them (for the section's freshness and stale note). */
export interface LivePanel {
  readonly element: React.ReactElement;
  readonly snaps: readonly PollSnapshot[];
}

/** The availability panel fed from GET /api/v1/availability. */
export function useAvailabilityPanel(theme: ThemeMode): LivePanel {
  const { publicHub, api } = useServices();
  const snap = usePoll(publicHub, `${api}/availability`);
  const frames = useMemo(() => (snap.json === undefined ? undefined : availabilityFrames(snap.json)), [snap.json]);
  const element = (
    <PanelSlot
      pluginId={PLUGIN_IDS.availability}
      title="availability"
      frames={frames}
      waitingReason={snap.stale}
      theme={theme}
    />
  );
  return { element, snaps: [snap] };
}

/** The webjobs panel fed from GET /api/v1/webjobs and /findings (of one user when `user` is set). */
export function useWebjobsPanel(theme: ThemeMode, user?: string): LivePanel {
  const { publicHub, api } = useServices();
  const q = user === undefined ? '' : `?user=${encodeURIComponent(user)}`;
  const jobs = usePoll(publicHub, `${api}/webjobs${q}`);
  const findings = usePoll(publicHub, `${api}/findings${q}`);
  // Findings are optional (no inspector, an older ctld): the jobs show without them.
  const frames = useMemo(
    () => (jobs.json === undefined ? undefined : webjobsFrames(jobs.json, findings.json)),
    [jobs.json, findings.json],
  );
  const title = user === undefined ? 'running jobs' : `running jobs of ${user}`;
  const element = (
    <PanelSlot pluginId={PLUGIN_IDS.webjobs} title={title} frames={frames} waitingReason={jobs.stale} theme={theme} />
  );
  return { element, snaps: [jobs] };
}

/** The time range of a CO2 answer (its `from`/`to`, ms or ISO), else the last `hours` hours. */
function co2Range(json: unknown, hours: number): TimeRange {
  const o = obj(json);
  const ms = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : num(v));
  const to = Number.isFinite(ms(o.to)) ? ms(o.to) : Date.now();
  const from = Number.isFinite(ms(o.from)) ? ms(o.from) : to - hours * 3_600_000;
  return { from: dateTime(from), to: dateTime(to), raw: { from: `now-${hours}h`, to: 'now' } };
}

/** The portal's CO2 rows are per user (a cluster-wide view); the panel's keyField follows. */
const CO2_OVERRIDES = { keyField: 'user' };

/** The panel above, and a note line under it when there is one (the panel takes the rest of the height). */
function WithNote({ note, children }: { note: string; children: React.ReactNode }) {
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <div style={{ flex: '1 1 auto', minHeight: 0 }}>{children}</div>
      {note !== '' && (
        <p role="note" data-testid="portal-co2-note" style={{ margin: '4px 0 0', fontSize: '0.85em', opacity: 0.85 }}>
          {note}
        </p>
      )}
    </div>
  );
}

/**
 * The CO2 panel fed from GET /api/v1/co2?by=user[&hours=<co2WindowHours>] (ctld sums per user;
 * the server's total is the panel's, see co2Frames), with a note when jobs are not counted.
 */
export function useCo2Panel(theme: ThemeMode): LivePanel {
  const { publicHub, api, config } = useServices();
  const hours = config.co2WindowHours;
  const snap = usePoll(publicHub, co2Url(api, hours));
  const frames = useMemo(() => (snap.json === undefined ? undefined : co2Frames(snap.json, 'user')), [snap.json]);
  const note = useMemo(() => (snap.json === undefined ? '' : co2Note(snap.json)), [snap.json]);
  const timeRange = useMemo(() => co2Range(snap.json, hours), [snap.json, hours]);
  const element = (
    <WithNote note={note}>
      <PanelSlot
        pluginId={PLUGIN_IDS.co2}
        title={`CO2, last ${hours} h`}
        frames={frames}
        waitingReason={snap.stale}
        overrides={CO2_OVERRIDES}
        theme={theme}
        timeRange={timeRange}
      />
    </WithNote>
  );
  return { element, snaps: [snap] };
}
