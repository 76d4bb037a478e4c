import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Band } from '../data/labels';
import { CELL_GAP, ROW_HEIGHT } from '../data/layout';

/** The colour of each band, from the theme: idle red, low orange, good green, no data gray. */
export function bandColors(theme: GrafanaTheme2): Record<Band, string> {
  const c = theme.visualization.getColorByName;
  return { idle: c('red'), low: c('orange'), good: c('green'), none: theme.colors.border.strong };
}

/** The panel's classes (useStyles2 caches them per theme). */
export function getStyles(theme: GrafanaTheme2) {
  const colors = bandColors(theme);
  const focus = css({
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.border}`, outlineOffset: 1, zIndex: 1 },
  });
  return {
    root: css({
      position: 'relative',
      height: '100%',
      display: 'flex',
      flexDirection: 'column',
      fontSize: theme.typography.bodySmall.fontSize,
    }),
    header: css({
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(1),
      alignItems: 'center',
      minHeight: 24,
      color: theme.colors.text.secondary,
    }),
    warning: css({
      color: theme.colors.warning.text,
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    }),
    summary: css({ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0, flex: '0 1 auto' }),
    legendItem: css({ display: 'inline-flex', alignItems: 'center', gap: 4, whiteSpace: 'nowrap', flex: '0 0 auto' }),
    swatch: css({ display: 'inline-block', width: 10, height: 10, borderRadius: 2 }),
    scroller: css({ position: 'relative', overflowY: 'auto', overflowX: 'hidden', flex: '1 1 auto' }),
    row: css({
      position: 'absolute',
      left: 0,
      right: 0,
      height: ROW_HEIGHT,
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    }),
    label: css({ display: 'flex', alignItems: 'center', gap: 4, overflow: 'hidden', flex: '0 0 auto' }),
    labelText: css([
      {
        overflow: 'hidden',
        textOverflow: 'ellipsis',
        whiteSpace: 'nowrap',
        minWidth: 48,
        flex: '0 1 auto',
        color: theme.colors.text.primary,
      },
      focus,
    ]),
    link: css({ color: theme.colors.text.link, textDecoration: 'none', '&:hover': { textDecoration: 'underline' } }),
    muted: css({ color: theme.colors.text.secondary }),
    badges: css({ display: 'flex', gap: 2, minWidth: 0, overflow: 'hidden', flex: '0 1 auto' }),
    badge: css({
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      minWidth: '2.5em',
      flex: '0 1 auto',
      padding: '0 4px',
      borderRadius: theme.shape.radius.default,
      whiteSpace: 'nowrap',
      lineHeight: '16px',
      background: theme.colors.warning.transparent,
      color: theme.colors.warning.text,
    }),
    badgeError: css({ background: theme.colors.error.transparent, color: theme.colors.error.text }),
    cells: css({
      display: 'flex',
      flexWrap: 'wrap',
      gap: CELL_GAP,
      alignContent: 'center',
      overflow: 'hidden',
      flex: '0 0 auto',
    }),
    cell: css([
      {
        width: 'var(--cell-w)',
        height: 'var(--cell-h)',
        borderRadius: 1,
        cursor: 'default',
        '&:hover': { outline: `1px solid ${theme.colors.text.primary}`, zIndex: 1 },
      },
      focus,
    ]),
    band: {
      idle: css({ background: colors.idle }),
      low: css({ background: colors.low }),
      good: css({ background: colors.good }),
      none: css({ background: colors.none }),
    } as Record<Band, string>,
    tooltip: css({
      position: 'absolute',
      zIndex: theme.zIndex.tooltip,
      maxWidth: 280,
      padding: theme.spacing(0.5, 1),
      borderRadius: theme.shape.radius.default,
      background: theme.colors.background.primary,
      border: `1px solid ${theme.colors.border.medium}`,
      boxShadow: theme.shadows.z2,
      color: theme.colors.text.primary,
      pointerEvents: 'none',
    }),
    tooltipDetail: css({ color: theme.colors.text.secondary }),
  };
}

/** The classes returned by {@link getStyles}. */
export type Styles = ReturnType<typeof getStyles>;
