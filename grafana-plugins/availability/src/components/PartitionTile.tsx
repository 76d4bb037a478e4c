import React from 'react';
import { css, cx } from '@emotion/css';
import { colorManipulator, GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { PartitionAvailability } from '../data/availability';
import { breakdown, FreeSoonShown, freeSoon, partitionLabel, SegmentKind, segments } from '../data/labels';
import { formatAmount } from '../data/units';

/** What one tile shows: a partition in the selected resource. */
export interface PartitionTileProps {
  readonly partition: PartitionAvailability;
  /** The resource key (`cpus`, `gpus:a100`, `memory_bytes`, ...). */
  readonly resource: string;
  readonly freeSoonShown: FreeSoonShown;
  readonly colors: Readonly<Record<SegmentKind, string>>;
  /** Whether clicking the tile filters the grid (only when a grid is shown). */
  readonly selectable: boolean;
  readonly selected: boolean;
  readonly onSelect: (partition: string) => void;
}

/**
 * One partition: its name, "available now: N (M of them by preemption)" in large type, a stacked
 * bar (idle, preemptable, allocated, drained, down, other), the amounts in words and what frees
 * up soon. Every part has an aria-label, shown by the panel's shared tooltip on hover and focus,
 * on an element whose role takes a name (heading, img, note), so that screen readers announce it.
 */
export function PartitionTile(props: PartitionTileProps) {
  const { partition: p, resource, colors, selectable, selected, onSelect } = props;
  const styles = useStyles2(getStyles);
  const soon = freeSoon(p, resource, props.freeSoonShown);
  const label = partitionLabel(p, resource);
  return (
    <section
      data-testid="availability-partition"
      role="group"
      aria-label={label}
      className={cx(styles.tile, selected && styles.selected)}
      onClick={selectable ? () => onSelect(p.partition) : undefined}
    >
      <div className={styles.head}>
        <span className={styles.name} role="heading" aria-level={3} data-tip aria-label={label} tabIndex={0}>
          {p.partition}
        </span>
        {selectable && (
          <button
            type="button"
            className={styles.filter}
            aria-pressed={selected}
            aria-label={`show only partition ${p.partition}'s nodes in the grid`}
          >
            {selected ? 'all nodes' : 'its nodes'}
          </button>
        )}
      </div>
      <div data-testid="availability-headline" className={styles.headline}>
        {'available now: '}
        <span className={styles.big}>{formatAmount(p.available, resource)}</span>{' '}
        <span>({formatAmount(p.preemptable, resource)} of them by preemption)</span>
      </div>
      <div className={styles.bar}>
        {segments(p, resource).map((s) => (
          <div
            key={s.kind}
            role="img"
            data-tip
            tabIndex={0}
            aria-label={s.label}
            className={cx(styles.segment, s.kind === 'preemptable' && styles.striped)}
            style={{ width: `${(s.fraction * 100).toFixed(3)}%`, backgroundColor: colors[s.kind] }}
          />
        ))}
      </div>
      <div className={styles.words}>{breakdown(p, resource)}</div>
      {soon !== null && (
        <div className={styles.soon} role="note" data-tip tabIndex={0} aria-label={soon.label}>
          {soon.text}
        </div>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tile: css({
    flex: '1 1 220px',
    minWidth: 200,
    padding: theme.spacing(1, 1.5),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  selected: css({ borderColor: theme.colors.primary.border, boxShadow: `0 0 0 1px ${theme.colors.primary.border}` }),
  head: css({ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: theme.spacing(1) }),
  name: css({ fontWeight: theme.typography.fontWeightMedium, color: theme.colors.text.primary }),
  filter: css({
    border: 'none',
    background: 'none',
    padding: 0,
    cursor: 'pointer',
    color: theme.colors.text.link,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  headline: css({ fontSize: theme.typography.h4.fontSize, color: theme.colors.text.secondary, lineHeight: 1.3 }),
  big: css({
    fontSize: theme.typography.h2.fontSize,
    fontWeight: theme.typography.fontWeightBold,
    color: theme.colors.text.primary,
  }),
  bar: css({
    display: 'flex',
    height: 14,
    margin: theme.spacing(0.75, 0),
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
    background: theme.colors.background.canvas,
  }),
  segment: css({
    height: '100%',
    '&:focus-visible, &:hover': { outline: `2px solid ${theme.colors.text.primary}`, outlineOffset: -2 },
  }),
  // stripes tell preemptable from idle without relying on the two greens alone
  striped: css({
    backgroundImage: `repeating-linear-gradient(45deg, transparent 0 3px, ${colorManipulator.alpha(theme.colors.background.primary, 0.35)} 3px 6px)`,
  }),
  words: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary }),
  soon: css({
    marginTop: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.success.text,
  }),
});
