import React from 'react';
import { render, screen, within } from '@testing-library/react';
import {
  createDataFrame,
  createTheme,
  DataFrame,
  dateTime,
  FieldType,
  LoadingState,
  PanelProps,
  TimeRange,
} from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { Co2Panel } from './Co2Panel';
import { Co2Options, DEFAULT_OPTIONS } from '../types';
import { unnamedAriaLabels } from '../../../common/src/a11y';

const KWH = 3.6e6;
const LAST_DAY: TimeRange = {
  from: dateTime('2024-05-01T10:00:00Z'),
  to: dateTime('2024-05-02T10:00:00Z'),
  raw: { from: 'now-24h', to: 'now' },
};

/** Three jobs: 6 + 4.8 + 1.2 = 12 kWh, 2.4 + 1.92 + 0.48 = 4.8 kg CO2e; throttling saved 3 kWh. */
const JOBS = createDataFrame({
  fields: [
    { name: 'jobid', type: FieldType.string, values: ['44', '42', '43'] },
    { name: 'energy_joules', type: FieldType.number, values: [1.2 * KWH, 6 * KWH, 4.8 * KWH] },
    { name: 'co2_grams', type: FieldType.number, values: [480, 2400, 1920] },
    { name: 'saved_joules', type: FieldType.number, values: [KWH, 2 * KWH, null] },
  ],
});

/** The props Grafana passes a panel, with the data and options of a test. */
function props(series: DataFrame[], options: Partial<Co2Options> = {}): PanelProps<Co2Options> {
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange: LAST_DAY },
    timeRange: LAST_DAY,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    transparent: false,
    width: 600,
    height: 400,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'CO2',
    eventBus: undefined,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (s: string) => s,
    onChangeTimeRange: () => {},
  } as unknown as PanelProps<Co2Options>;
}

describe('Co2Panel', () => {
  test('the total in words and in large type', () => {
    render(<Co2Panel {...props([JOBS])} />);
    const total = screen.getByTestId('co2-total');
    expect(total).toHaveAttribute('aria-label', 'total: 12 kWh, 4.8 kg CO2e over the last 24 hours');
    expect(total).toHaveTextContent('12 kWh');
    expect(total).toHaveTextContent('4.8 kg CO2e');
    expect(total).toHaveTextContent('last 24 hours · 3 jobs');
    expect(screen.getByLabelText('total: 12 kWh, 4.8 kg CO2e over the last 24 hours')).toBe(total);
  });

  test('every bar has an aria-label in words, largest CO2e first, the rest as others', () => {
    render(<Co2Panel {...props([JOBS], { topN: 2 })} />);
    const rows = screen.getAllByTestId('co2-row');
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual([
      'job 42: 6.0 kWh, 2.4 kg CO2e',
      'job 43: 4.8 kWh, 1.9 kg CO2e',
    ]);
    expect(within(rows[0]!).getByText('job 42')).toBeInTheDocument();
    const others = screen.getByTestId('co2-others');
    expect(others).toHaveAttribute('aria-label', 'others (1 more): 1.2 kWh, 480 g CO2e');
    expect(others).not.toHaveAttribute('data-off-scale');
    expect(rows[0]).toHaveAttribute('tabindex', '0');
  });

  test('every aria-label sits on an element with a role that takes a name (total, bars, others, lists)', () => {
    render(<Co2Panel {...props([JOBS], { topN: 2 })} />);
    const root = screen.getByTestId('co2-panel');
    expect(screen.getAllByTestId('co2-row')).toHaveLength(2);
    expect(screen.getByTestId('co2-others')).toBeInTheDocument();
    expect(unnamedAriaLabels(root)).toEqual([]);
  });

  test('saved by throttling and the everyday equivalents', () => {
    render(<Co2Panel {...props([JOBS])} />);
    expect(screen.getByTestId('co2-saved')).toHaveTextContent('saved by throttling: 3.0 kWh (25 % of the total)');
    const equivalents = screen.getAllByTestId('co2-equivalent').map((e) => e.textContent);
    expect(equivalents).toEqual([
      '≈ 28 km driven by an average petrol car',
      '≈ 109 kettles boiled (1 litre each)',
      '≈ 632 smartphone charges',
      '≈ 0.8 tree-years of CO2 uptake',
    ]);
  });

  test('equivalents off: none shown', () => {
    render(<Co2Panel {...props([JOBS], { showEquivalents: false })} />);
    expect(screen.queryByTestId('co2-equivalent')).toBeNull();
  });

  test('a missing field is a message naming it, never a blank panel', () => {
    const noCo2 = createDataFrame({ fields: [{ name: 'jobid', type: FieldType.string, values: ['1'] }] });
    render(<Co2Panel {...props([noCo2])} />);
    expect(screen.getByTestId('co2-panel')).toBeInTheDocument();
    expect(screen.getByTestId('panel-message')).toHaveTextContent('Missing field "energy_joules" (number)');
    expect(screen.queryByTestId('co2-total')).toBeNull();
  });

  test('no data at all is a message', () => {
    render(<Co2Panel {...props([])} />);
    expect(screen.getByTestId('panel-message')).toHaveTextContent('No data: the query result is empty.');
  });

  test('skipped rows are noted under the bars', () => {
    const withNaN = createDataFrame({
      fields: [
        { name: 'jobid', type: FieldType.string, values: ['1', '2', '3'] },
        { name: 'energy_joules', type: FieldType.number, values: [KWH, NaN, null] },
        { name: 'co2_grams', type: FieldType.number, values: [400, 1, 1] },
      ],
    });
    render(<Co2Panel {...props([withNaN])} />);
    expect(screen.getByRole('note')).toHaveTextContent(
      '2 rows without a number in "energy_joules" or "co2_grams" were left out',
    );
    expect(screen.getAllByTestId('co2-row')).toHaveLength(1);
  });

  test.each([
    ['light', 'rgb(36, 41, 46)'],
    ['dark', 'rgb(204, 204, 220)'],
  ] as const)('renders in the %s theme (text %s)', (mode, textColor) => {
    const theme = createTheme({ colors: { mode } });
    render(
      <ThemeContext.Provider value={theme}>
        <Co2Panel {...props([JOBS])} />
      </ThemeContext.Provider>,
    );
    expect(screen.getAllByTestId('co2-row')).toHaveLength(3);
    // the text colour comes from the theme given, not a fixed one
    expect(getComputedStyle(screen.getByTestId('co2-panel')).color).toBe(textColor);
  });
});
