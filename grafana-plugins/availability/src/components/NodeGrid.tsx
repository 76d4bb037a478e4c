import React, { useMemo } from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { GridModel } from '../data/grid';
import { NODE_STATES, NodeState, stateWords } from '../data/states';

/** What the grid shows: the (already filtered) nodes, the partition they were filtered by, colours. */
export interface NodeGridProps {
  readonly grid: GridModel;
  /** The partition the grid shows alone (the selected tile), or null for every node. */
  readonly partition: string | null;
  readonly colors: Readonly<Record<NodeState, string>>;
}

const GAP = 2;

/** Cell size by node count: large for a few nodes, 10 px from 512 nodes on (2,000 fit a panel). */
function cellSize(n: number): number {
  return n <= 64 ? 20 : n <= 512 ? 14 : 10;
}

/** Roving focus: one cell in the tab order; arrows, Home and End move it (Up/Down by a row). */
function onGridKey(e: React.KeyboardEvent<HTMLDivElement>, size: number): void {
  const cell = e.target;
  if (!(cell instanceof HTMLElement) || cell.dataset.i === undefined) {
    return;
  }
  const i = Number(cell.dataset.i);
  const n = e.currentTarget.children.length;
  const cols = Math.max(1, Math.floor((e.currentTarget.clientWidth + GAP) / (size + GAP)));
  const moves: Record<string, number> = {
    ArrowRight: i + 1,
    ArrowLeft: i - 1,
    ArrowDown: i + cols,
    ArrowUp: i - cols,
    Home: 0,
    End: n - 1,
  };
  const to = moves[e.key];
  if (to === undefined) {
    return;
  }
  e.preventDefault();
  const next = e.currentTarget.children[Math.max(0, Math.min(n - 1, to))];
  if (next instanceof HTMLElement && next !== cell) {
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

/**
 * Every node as a small coloured cell (plain elements: 2,000 of them render in a few ms), with an
 * aria-label in words (`node c001: allocated (partition batch)`) that the panel's one shared
 * tooltip shows on hover and focus, and a legend of the states present with their counts.
 */
export const NodeGrid = React.memo(function NodeGrid({ grid, partition, colors }: NodeGridProps) {
  const styles = useStyles2(getStyles);
  const size = cellSize(grid.nodes.length);
  const classes = useMemo(() => {
    const out = {} as Record<NodeState, string>;
    for (const s of NODE_STATES) {
      out[s] = cx(styles.cell, css({ width: size, height: size, backgroundColor: colors[s] }));
    }
    return out;
  }, [colors, size, styles.cell]);
  const where = partition === null ? '' : ` in partition ${partition}`;
  const present = NODE_STATES.filter((s) => grid.counts[s] > 0);
  return (
    <div className={styles.wrap}>
      <div className={styles.title}>
        {grid.nodes.length} node{grid.nodes.length === 1 ? '' : 's'}
        {where}
      </div>
      {grid.nodes.length === 0 ? (
        <div className={styles.none}>No nodes{where}.</div>
      ) : (
        <div
          className={styles.grid}
          role="group"
          aria-label={`nodes by state${where}: use the arrow keys to move between nodes`}
          onKeyDown={(e) => onGridKey(e, size)}
        >
          {grid.nodes.map((n, i) => (
            <div
              key={n.node}
              data-testid="availability-grid-cell"
              data-tip
              data-i={i}
              role="img"
              aria-label={n.label}
              tabIndex={i === 0 ? 0 : -1}
              className={classes[n.state]}
            />
          ))}
        </div>
      )}
      <ul className={styles.legend} aria-label="node states">
        {present.map((s) => (
          <li key={s} className={styles.item}>
            <span className={styles.swatch} style={{ backgroundColor: colors[s] }} />
            {stateWords(s)} {grid.counts[s]}
          </li>
        ))}
      </ul>
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ marginTop: theme.spacing(1.5) }),
  title: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary, marginBottom: 4 }),
  none: css({ color: theme.colors.text.secondary }),
  grid: css({ display: 'flex', flexWrap: 'wrap', gap: GAP, alignContent: 'flex-start' }),
  cell: css({
    borderRadius: 2,
    '&:hover, &:focus-visible': { outline: `2px solid ${theme.colors.text.primary}`, outlineOffset: 0 },
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1.5),
    listStyle: 'none',
    margin: theme.spacing(1, 0, 0),
    padding: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  item: css({ display: 'flex', alignItems: 'center', gap: 4 }),
  swatch: css({ display: 'inline-block', width: 10, height: 10, borderRadius: 2 }),
});
