import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';

const focus = (theme: GrafanaTheme2) => ({ outline: `2px solid ${theme.colors.primary.border}`, outlineOffset: 1 });

/** Styles of the panel's head: the total, saved line and equivalents. */
const headStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    overflow: 'hidden',
    color: theme.colors.text.primary,
    fontFamily: theme.typography.fontFamily,
  }),
  total: css({ flex: 'none', '&:focus-visible': focus(theme) }),
  big: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    columnGap: theme.spacing(2),
    fontSize: theme.typography.h1.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    lineHeight: 1.2,
  }),
  bigCompact: css({ fontSize: theme.typography.h3.fontSize }),
  energy: css({ color: theme.colors.text.primary }),
  co2: css({ color: theme.visualization.getColorByName('green') }),
  sub: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  saved: css({ flex: 'none', color: theme.colors.success.text }),
  equivalents: css({
    flex: 'none',
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    padding: 0,
    listStyle: 'none',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  equivalent: css({ whiteSpace: 'nowrap' }),
});

/** Styles of the bars and the note under them. */
const barStyles = (theme: GrafanaTheme2) => ({
  bars: css({ flex: '1 1 auto', minHeight: 0, overflowY: 'auto', margin: 0, padding: 0, listStyle: 'none' }),
  row: css({
    display: 'grid',
    // a fixed values column keeps every track the same length ("305 kWh · 107 kg" fits)
    gridTemplateColumns: 'minmax(60px, 30%) 1fr 10em',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: 24,
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.default,
    '&:hover': { background: theme.colors.action.hover },
    '&:focus-visible': focus(theme),
  }),
  label: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  track: css({ height: 12, background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default }),
  fill: css({
    display: 'block',
    height: '100%',
    minWidth: 1,
    borderRadius: theme.shape.radius.default,
    background: theme.visualization.getColorByName('green'),
  }),
  othersFill: css({ background: theme.colors.text.disabled }),
  // off the scale: stripes say "longer than drawn", as a broken axis would
  offScale: css({
    background: `repeating-linear-gradient(135deg, ${theme.colors.text.disabled} 0 6px, transparent 6px 9px)`,
  }),
  // the rest stays in view under a long list
  othersRow: css({ position: 'sticky', bottom: 0, background: theme.colors.background.primary }),
  values: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
    textAlign: 'right',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  note: css({ flex: 'none', color: theme.colors.warning.text, fontSize: theme.typography.bodySmall.fontSize }),
});

/** The panel's styles from the Grafana theme (light or dark), for useStyles2. */
export const getStyles = (theme: GrafanaTheme2) => ({ ...headStyles(theme), ...barStyles(theme) });
