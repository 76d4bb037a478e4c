import React, { useCallback, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { DataFrame, GrafanaTheme2, PanelProps } from '@grafana/data';
import { RadioButtonGroup, useStyles2, useTheme2 } from '@grafana/ui';
import { PanelMessage } from '../../../common/src/PanelMessage';
import { isGridFrame, pickResource, shapeAvailability } from '../data/availability';
import { GridModel, shapeGrid } from '../data/grid';
import { AvailabilityOptions, DEFAULT_OPTIONS, fieldNames } from '../types';
import { segmentColors, stateColors } from './colors';
import { NodeGrid } from './NodeGrid';
import { PartitionTile } from './PartitionTile';
import { useSharedTooltip } from './useSharedTooltip';

type GridState = { kind: 'none' } | { kind: 'message'; message: string } | { kind: 'grid'; grid: GridModel };

/** The grid to show: none (off, or no node frame in a one-frame result), a message, or the nodes. */
function gridState(series: readonly DataFrame[], options: AvailabilityOptions, partition: string | null): GridState {
  if (!options.showGrid) {
    return { kind: 'none' };
  }
  const names = fieldNames(options.fields);
  const frame = series.find((f) => isGridFrame(f, names));
  if (frame === undefined) {
    // several frames but none with the node field: most likely a remapped name that does not match
    return series.length > 1
      ? { kind: 'message', message: `No node grid: no frame has a "${names.node}" field.` }
      : { kind: 'none' };
  }
  const r = shapeGrid(frame, { fields: options.fields, partition });
  return r.ok ? { kind: 'grid', grid: r.value } : { kind: 'message', message: r.message };
}

/**
 * The availability panel: per partition what is available now (and by preemption), idle,
 * allocated, drained and down, what frees up soon, a switch between resources when the frame
 * has a `resource` field, and optionally the grid of every node by state. Never blank: wrong or
 * missing data is a message naming the field.
 */
export function AvailabilityPanel({ data, options: given, width, height }: PanelProps<AvailabilityOptions>) {
  const options = useMemo(() => ({ ...DEFAULT_OPTIONS, ...given }), [given]);
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const { rootRef, tooltipRef, handlers } = useSharedTooltip();
  const [picked, setPicked] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const colors = useMemo(() => ({ states: stateColors(theme), segments: segmentColors(theme) }), [theme]);
  const series = data.series;
  const model = useMemo(() => shapeAvailability(series, options), [series, options]);
  const view = model.ok ? pickResource(model.value, picked ?? options.resource) : null;
  const partition = view?.partitions.some((p) => p.partition === selected) ? selected : null;
  const grid = useMemo(() => gridState(series, options, partition), [series, options, partition]);
  const onSelect = useCallback((p: string) => setSelected((s) => (s === p ? null : p)), []);
  const showSwitch = model.ok && model.value.hasResourceField && model.value.resources.length > 1;
  const soon = {
    h1: options.showFreeSoon && model.ok && model.value.hasFree1h,
    h6: options.showFreeSoon && model.ok && model.value.hasFree6h,
  };
  return (
    <div data-testid="availability-panel" className={styles.root} style={{ width, height }} ref={rootRef} {...handlers}>
      {showSwitch && view !== null && model.ok && (
        <RadioButtonGroup
          className={styles.switch}
          size="sm"
          aria-label="resource"
          value={view.key}
          options={model.value.resources.map((r) => ({ label: r.label, value: r.key }))}
          onChange={setPicked}
        />
      )}
      {!model.ok ? (
        <PanelMessage message={model.message} />
      ) : (
        <div className={styles.tiles}>
          {view?.partitions.map((p) => (
            <PartitionTile
              key={p.partition}
              partition={p}
              resource={view.key}
              freeSoonShown={soon}
              colors={colors.segments}
              selectable={grid.kind === 'grid'}
              selected={p.partition === partition}
              onSelect={onSelect}
            />
          ))}
        </div>
      )}
      {grid.kind === 'message' && <div className={styles.note}>{grid.message}</div>}
      {grid.kind === 'grid' && <NodeGrid grid={grid.grid} partition={partition} colors={colors.states} />}
      <div ref={tooltipRef} className={styles.tooltip} role="tooltip" aria-hidden="true" hidden />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ position: 'relative', overflow: 'auto', display: 'flex', flexDirection: 'column' }),
  switch: css({ alignSelf: 'flex-start', marginBottom: theme.spacing(1) }),
  tiles: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) }),
  note: css({ marginTop: theme.spacing(1), color: theme.colors.text.secondary }),
  tooltip: css({
    position: 'absolute',
    zIndex: theme.zIndex.tooltip,
    maxWidth: 360,
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    background: theme.components.tooltip.background,
    color: theme.components.tooltip.text,
    boxShadow: theme.shadows.z2,
    fontSize: theme.typography.bodySmall.fontSize,
    pointerEvents: 'none',
    whiteSpace: 'normal',
  }),
});
