import React, { useCallback, useState } from 'react';
import { formatUnit, percent } from '../../../common/src/format';
import { WebjobCell } from '../data/cell';
import { Metric } from '../types';
import { Styles } from './styles';
import { cellAt } from './useGridFocus';

/** Where the shared tooltip stands and which cell it tells about. */
export interface TipState {
  readonly row: number;
  readonly col: number;
  /** The cell's aria-label when shown: after a data refresh the same (row, col) may be another job's. */
  readonly label: string;
  /** Left edge and top, px, relative to the panel. */
  readonly left: number;
  readonly top: number;
}

/** Width the tooltip is placed for, px (its max-width). */
export const TIP_WIDTH = 280;
/** Height the tooltip is placed for, px (two lines). */
export const TIP_HEIGHT = 44;

/** Where to put the tooltip for a cell's box: under it, or above it near the bottom; inside the panel. */
export function placeTip(cell: DOMRect, panel: DOMRect): { left: number; top: number } {
  const x = cell.left - panel.left + cell.width / 2 - TIP_WIDTH / 2;
  const below = cell.bottom - panel.top + 4;
  const top = below + TIP_HEIGHT > panel.height ? cell.top - panel.top - TIP_HEIGHT - 4 : below;
  return { left: Math.max(0, Math.min(x, panel.width - TIP_WIDTH)), top: Math.max(0, top) };
}

/** The figures of a cell beyond its label: the other utilization and the memory used. */
export function tipDetail(cell: WebjobCell, metric: Metric): string {
  const parts: string[] = [];
  if (metric === 'cpu' && cell.gpu !== undefined) {
    parts.push(`GPU ${percent(cell.gpu)}`);
  }
  if (metric === 'gpu' && cell.cpu !== undefined) {
    parts.push(`CPU ${percent(cell.cpu)}`);
  }
  if (cell.memBytes !== undefined) {
    parts.push(`memory ${formatUnit(cell.memBytes, 'bytes')}`);
  }
  return parts.join(' · ');
}

/** The one tooltip of the panel: the cell's label (as its aria-label says it) and its other figures. */
export function Tooltip({
  id,
  cell,
  metric,
  tip,
  styles,
}: {
  id: string;
  cell: WebjobCell;
  metric: Metric;
  tip: TipState;
  styles: Styles;
}) {
  const detail = tipDetail(cell, metric);
  return (
    <div
      id={id}
      role="tooltip"
      data-testid="webjobs-tooltip"
      className={styles.tooltip}
      style={{ left: tip.left, top: tip.top }}
    >
      <div>{cell.label}</div>
      {detail && <div className={styles.tooltipDetail}>{detail}</div>}
    </div>
  );
}

/** The shared tooltip's state and the delegated handlers that move it (mouseover and focus on any cell). */
export function useSharedTooltip(rootRef: React.RefObject<HTMLDivElement>): {
  tip: TipState | null;
  show: (target: EventTarget | null) => void;
  hide: () => void;
} {
  const [tip, setTip] = useState<TipState | null>(null);
  const show = useCallback(
    (target: EventTarget | null) => {
      const pos = cellAt(target);
      const root = rootRef.current;
      if (pos === undefined || root === null || !(target instanceof Element)) {
        setTip((t) => (t === null ? t : null));
        return;
      }
      const cell = target.closest('[data-testid="webjobs-cell"]') as Element;
      const place = placeTip(cell.getBoundingClientRect(), root.getBoundingClientRect());
      const label = cell.getAttribute('aria-label') ?? '';
      setTip((t) =>
        t !== null && t.label === label && t.left === place.left && t.top === place.top
          ? t
          : { ...pos, ...place, label },
      );
    },
    [rootRef],
  );
  const hide = useCallback(() => setTip(null), []);
  return { tip, show, hide };
}
