import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { ageText, freshnessOf } from '../data/freshness';
import { PollSnapshot } from './poller';
import { staleReason, useNow } from './usePoll';

/** "updated 12 s ago" of an answer, ticking every second; "" before the first answer. */
export function UpdatedAgo({ snap }: { snap: PollSnapshot }) {
  const now = useNow();
  if (snap.json === undefined) {
    return null;
  }
  const text = ageText(freshnessOf(snap.json, snap.receivedMs ?? now).updatedMs, now);
  return <span data-testid="portal-updated">{text}</span>;
}

/** The visible "stale: <reason>" notes of some answers (the panels keep their last data). */
export function StaleNotes({ snaps }: { snaps: readonly PollSnapshot[] }) {
  const styles = useStyles2(getStyles);
  const reasons = [...new Set(snaps.map(staleReason).filter((r) => r !== ''))];
  if (reasons.length === 0) {
    return null;
  }
  return (
    <span role="status" className={styles.stale} data-testid="portal-stale">
      {reasons.map((r) => `stale: ${r}`).join(' · ')}
    </span>
  );
}

/** Props of {@link Section}. */
export interface SectionProps {
  id: string;
  title: string;
  snaps: readonly PollSnapshot[];
  /** The panel's height in px (its width is the section's). */
  height: number;
  children: React.ReactNode;
}

/** A titled part of the portal page: heading, freshness, stale note, then the panel. */
export function Section({ id, title, snaps, height, children }: SectionProps) {
  const styles = useStyles2(getStyles);
  const first = snaps[0] ?? {};
  return (
    <section className={styles.section} aria-labelledby={`${id}-title`} data-testid={`portal-section-${id}`}>
      <div className={styles.head}>
        <h2 id={`${id}-title`} className={styles.title}>
          {title}
        </h2>
        <span className={styles.meta}>
          <UpdatedAgo snap={first} />
        </span>
        <StaleNotes snaps={snaps} />
      </div>
      <div style={{ height }}>{children}</div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
    minWidth: 0,
  }),
  head: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(2),
    flexWrap: 'wrap',
    marginBottom: theme.spacing(1),
  }),
  title: css({ fontSize: theme.typography.h4.fontSize, margin: 0 }),
  meta: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  stale: css({
    color: theme.colors.warning.text,
    fontSize: theme.typography.bodySmall.fontSize,
    border: `1px solid ${theme.colors.warning.border}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0, 0.5),
  }),
});
