import React, { useMemo } from 'react';
import { cx } from '@emotion/css';
import { DataFrame, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { ReadResult } from '../../../common/src/fields';
import { PanelMessage } from '../../../common/src/PanelMessage';
import { Co2Bar, Co2Shape, keyNouns, shapeCo2, totalAriaLabel } from '../data/shape';
import { describeRange } from '../data/timeRange';
import { Co2Options, withDefaults } from '../types';
import { getStyles } from './styles';

/** Shapes the data; an unexpected exception becomes a message in the panel instead of a crash. */
function safeShape(series: readonly DataFrame[] | undefined, options: Co2Options): ReadResult<Co2Shape> {
  try {
    return shapeCo2(series, options);
  } catch (e) {
    // shapeCo2 is meant never to throw; if a host hands over something no test foresaw, the panel
    // says so in words (with the reason) rather than going blank inside the dashboard.
    return {
      ok: false,
      message: `The CO2 panel could not read the data: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/**
 * The CO2 panel: energy and CO2e of the time range in large type, everyday equivalents, the
 * energy saved by throttling, and horizontal bars per job (or user, account, partition).
 */
export function Co2Panel({ data, options, width, height, timeRange, timeZone }: PanelProps<Co2Options>) {
  const styles = useStyles2(getStyles);
  const opts = useMemo(() => withDefaults(options), [options]);
  const shaped = useMemo(() => safeShape(data?.series, opts), [data?.series, opts]);
  const range = describeRange(timeRange, timeZone);
  const compact = width < 360;
  return (
    <div className={styles.root} style={{ width, height }} data-testid="co2-panel">
      {!shaped.ok ? (
        <PanelMessage message={shaped.message} />
      ) : (
        <>
          <Total shape={shaped.value} rangeText={range.text} rangePhrase={range.phrase} compact={compact} />
          {shaped.value.saved && (
            <div className={styles.saved} data-testid="co2-saved">
              {shaped.value.saved.text}
            </div>
          )}
          {shaped.value.equivalents.length > 0 && (
            <ul className={styles.equivalents} aria-label="everyday equivalents of the total">
              {shaped.value.equivalents.map((e) => (
                <li key={e.id} className={styles.equivalent} data-testid="co2-equivalent">
                  ≈ {e.text}
                </li>
              ))}
            </ul>
          )}
          <Bars shape={shaped.value} keyField={opts.keyField} />
          {shaped.value.skipped && (
            <div className={styles.note} role="note" data-testid="co2-skipped">
              {shaped.value.skipped}
            </div>
          )}
        </>
      )}
    </div>
  );
}

/** The total in large type, with the range and how many keys it sums. */
function Total(props: { shape: Co2Shape; rangeText: string; rangePhrase: string; compact: boolean }) {
  const styles = useStyles2(getStyles);
  const { total } = props.shape;
  const label = totalAriaLabel(props.shape, props.rangePhrase);
  return (
    <div className={styles.total} data-testid="co2-total" role="group" aria-label={label} title={label} tabIndex={0}>
      <div className={cx(styles.big, props.compact && styles.bigCompact)} aria-hidden="true">
        <span className={styles.energy}>{total.energyText}</span>
        <span className={styles.co2}>
          {total.co2Text} CO<sub>2</sub>e
        </span>
      </div>
      <div className={styles.sub} aria-hidden="true">
        {props.rangeText} · {total.keysText}
      </div>
    </div>
  );
}

/** The bars, largest CO2e first, then "others (K more)". */
function Bars({ shape, keyField }: { shape: Co2Shape; keyField: string }) {
  const styles = useStyles2(getStyles);
  const [one] = keyNouns(keyField);
  return (
    <ul className={styles.bars} aria-label={`CO2e by ${one}, largest first`}>
      {shape.bars.map((bar) => (
        <Bar key={bar.key} bar={bar} testId="co2-row" />
      ))}
      {shape.others && <Bar bar={shape.others} testId="co2-others" others offScale={shape.others.offScale} />}
    </ul>
  );
}

interface BarProps {
  bar: Co2Bar;
  testId: string;
  /** The "others" bar: kept in view at the bottom of the list, in a muted colour. */
  others?: boolean;
  /** Larger than the scale: full length, striped. */
  offScale?: boolean;
}

/**
 * One bar: its label, a bar as long as its CO2e, and its values; focusable, titled as labelled. The
 * list item holds one figure (role img) that carries the words: screen readers skip a label on an li.
 */
function Bar({ bar, testId, others = false, offScale = false }: BarProps) {
  const styles = useStyles2(getStyles);
  return (
    <li>
      <div
        role="img"
        className={cx(styles.row, others && styles.othersRow)}
        data-testid={testId}
        data-off-scale={offScale || undefined}
        aria-label={bar.ariaLabel}
        title={bar.ariaLabel}
        tabIndex={0}
      >
        <span className={styles.label} aria-hidden="true">
          {bar.label}
        </span>
        <span className={styles.track} aria-hidden="true">
          <span
            className={cx(styles.fill, others && styles.othersFill, offScale && styles.offScale)}
            style={{ width: `${Math.max(0, Math.min(1, bar.fraction)) * 100}%` }}
          />
        </span>
        <span className={styles.values} aria-hidden="true">
          {bar.energyText} · {bar.co2Text}
        </span>
      </div>
    </li>
  );
}
