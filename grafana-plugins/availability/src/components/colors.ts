import { GrafanaTheme2 } from '@grafana/data';
import { SegmentKind } from '../data/labels';
import { NodeState } from '../data/states';

/**
 * Node state colours from the theme's visualization palette (so light and dark each get their
 * own shades): idle green, mixed/allocated blues, down red, drain orange, reserved purple,
 * planned/completing yellows, powered down gray (the palette has no gray: the theme's disabled text).
 */
export function stateColors(theme: GrafanaTheme2): Record<NodeState, string> {
  const c = (name: string) => theme.visualization.getColorByName(name);
  return {
    idle: c('green'),
    mixed: c('light-blue'),
    allocated: c('semi-dark-blue'),
    down: c('red'),
    drain: c('orange'),
    reserved: c('purple'),
    powered_down: theme.colors.text.disabled,
    planned: c('light-yellow'),
    completing: c('yellow'),
    unknown: theme.colors.border.strong,
  };
}

/** Bar segment colours: the same hues as the node states; preemptable a lighter green (available too). */
export function segmentColors(theme: GrafanaTheme2): Record<SegmentKind, string> {
  const s = stateColors(theme);
  return {
    idle: s.idle,
    preemptable: theme.visualization.getColorByName('super-light-green'),
    allocated: s.allocated,
    drain: s.drain,
    down: s.down,
    other: s.powered_down,
  };
}
