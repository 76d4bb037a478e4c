import React, { useCallback, useId, useMemo, useRef } from 'react';
import { DataFrame, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { PanelMessage } from '../../../common/src/PanelMessage';
import { metricName } from '../data/labels';
import { shapeWebjobs } from '../data/shape';
import { DEFAULT_OPTIONS, WebjobsOptions } from '../types';
import { Header, HEADER_LINE, WARNING_LINE } from './Header';
import { JobGrid } from './JobGrid';
import { getStyles } from './styles';
import { Tooltip, useSharedTooltip } from './Tooltip';

/** shapeWebjobs, and should it ever throw on data nobody foresaw, a message instead of a broken panel. */
function safeShape(series: DataFrame[], options: WebjobsOptions): ReturnType<typeof shapeWebjobs> {
  try {
    return shapeWebjobs(series, options);
  } catch (e) {
    // A panel must never throw into Grafana's dashboard: say what happened instead.
    return { ok: false, message: `Could not read the data: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The webjobs panel: every running job a row of cells, one per node, coloured by utilization. */
export function WebjobsPanel({ data, options, width, height, replaceVariables }: PanelProps<WebjobsOptions>) {
  const styles = useStyles2(getStyles);
  const tipId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const { tip, show, hide } = useSharedTooltip(rootRef);
  // Options saved by an older version may lack keys: the defaults fill them.
  const opts = useMemo(() => ({ ...DEFAULT_OPTIONS, ...options }), [options]);
  const shaped = useMemo(() => safeShape(data.series, opts), [data.series, opts]);
  const interpolate = useCallback((s: string) => replaceVariables(s, undefined, 'percentencode'), [replaceVariables]);

  if (!shaped.ok || shaped.value.rows.length === 0) {
    return (
      <div data-testid="webjobs-panel" style={{ width, height }}>
        <PanelMessage message={shaped.ok ? 'No running jobs in the query result.' : shaped.message} />
      </div>
    );
  }
  const { rows, thresholds, warnings } = shaped.value;
  const gridHeight = Math.max(0, height - HEADER_LINE - warnings.length * WARNING_LINE);
  const metric = metricName(opts.metric);
  const tipCell = tip === null ? undefined : rows[tip.row]?.cells[tip.col];
  const tipShown = tip !== null && tipCell !== undefined && tipCell.label === tip.label;
  return (
    <div
      ref={rootRef}
      data-testid="webjobs-panel"
      className={styles.root}
      style={{ width, height }}
      onMouseOver={(e) => show(e.target)}
      onMouseLeave={hide}
      onFocus={(e) => show(e.target)}
      onBlur={hide}
      onKeyDown={(e) => e.key === 'Escape' && hide()}
    >
      <Header
        jobs={rows.length}
        metric={metric}
        sort={opts.sort}
        thresholds={thresholds}
        warnings={warnings}
        styles={styles}
      />
      <JobGrid
        rows={rows}
        width={width}
        height={gridHeight}
        urlTemplate={opts.urlTemplate}
        showUser={opts.showUser}
        interpolate={interpolate}
        ariaLabel={`Running jobs by node, ${metric} utilization`}
        styles={styles}
      />
      {tipShown && <Tooltip id={tipId} cell={tipCell} metric={opts.metric} tip={tip} styles={styles} />}
    </div>
  );
}
