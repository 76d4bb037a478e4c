import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { ThemeMode } from '../host/PanelHost';
import { PanelName } from './config';
import { useServices } from './context';
import { MyJobs, useWhoami, WhoNote } from './MyJobs';
import { LivePanel, useAvailabilityPanel, useCo2Panel, useWebjobsPanel } from './panels';
import { Section, StaleNotes, UpdatedAgo } from './Section';

/** The full portal: header, availability, running jobs, CO2, and "my jobs" for a known user. */
export function FullPage({ theme, onTheme }: { theme: ThemeMode; onTheme: (t: ThemeMode) => void }) {
  const { config } = useServices();
  const styles = useStyles2(getStyles);
  const availability = useAvailabilityPanel(theme);
  const webjobs = useWebjobsPanel(theme);
  const co2 = useCo2Panel(theme);
  const who = useWhoami();
  const other: ThemeMode = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className={styles.page} data-testid="portal-page">
      <header className={styles.header}>
        <h1 className={styles.h1}>{config.cluster ? `${config.cluster}: cluster status` : 'Cluster status'}</h1>
        <span className={styles.meta}>
          <UpdatedAgo snap={availability.snaps[0] ?? {}} />
        </span>
        <StaleNotes snaps={[...availability.snaps, ...webjobs.snaps, ...co2.snaps]} />
        <button
          type="button"
          className={styles.toggle}
          onClick={() => onTheme(other)}
          aria-label={`switch to the ${other} theme`}
        >
          {`${other} theme`}
        </button>
      </header>
      <WhoNote who={who} />
      <main className={styles.grid}>
        <Section id="availability" title="Availability" snaps={availability.snaps} height={420}>
          {availability.element}
        </Section>
        <Section id="co2" title={`CO2, last ${config.co2WindowHours} h`} snaps={co2.snaps} height={420}>
          {co2.element}
        </Section>
        <div className={styles.wide}>
          <Section id="webjobs" title="Running jobs" snaps={webjobs.snaps} height={480}>
            {webjobs.element}
          </Section>
        </div>
        {who.kind === 'known' && (
          <div className={styles.wide}>
            <MyJobs user={who.user} theme={theme} />
          </div>
        )}
      </main>
    </div>
  );
}

/** An embedded panel: that panel only, the whole window, no chrome; a stale note floats over it. */
export function EmbedPage({ panel, theme }: { panel: PanelName; theme: ThemeMode }) {
  if (panel === 'availability') {
    return <EmbedAvailability theme={theme} />;
  }
  return panel === 'webjobs' ? <EmbedWebjobs theme={theme} /> : <EmbedCo2 theme={theme} />;
}

const EmbedAvailability = ({ theme }: { theme: ThemeMode }) => <EmbedBody live={useAvailabilityPanel(theme)} />;
const EmbedWebjobs = ({ theme }: { theme: ThemeMode }) => <EmbedBody live={useWebjobsPanel(theme)} />;
const EmbedCo2 = ({ theme }: { theme: ThemeMode }) => <EmbedBody live={useCo2Panel(theme)} />;

function EmbedBody({ live }: { live: LivePanel }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.embed} data-testid="portal-embed">
      {live.element}
      <div className={styles.embedNote}>
        <StaleNotes snaps={live.snaps} />
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2), maxWidth: 1600, margin: '0 auto' }),
  header: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(2),
    flexWrap: 'wrap',
    marginBottom: theme.spacing(2),
  }),
  h1: css({ fontSize: theme.typography.h3.fontSize, margin: 0 }),
  meta: css({ color: theme.colors.text.secondary }),
  toggle: css({
    marginLeft: 'auto',
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.5, 1),
    cursor: 'pointer',
  }),
  grid: css({
    display: 'grid',
    gap: theme.spacing(2),
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 480px), 1fr))',
  }),
  wide: css({ gridColumn: '1 / -1', display: 'grid', gap: theme.spacing(2) }),
  embed: css({ position: 'fixed', inset: 0, overflow: 'hidden' }),
  embedNote: css({ position: 'absolute', right: 4, bottom: 4, pointerEvents: 'none' }),
});
