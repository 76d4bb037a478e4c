import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import {
  createDataFrame,
  createTheme,
  DataFrame,
  EventBusSrv,
  FieldType,
  getDefaultTimeRange,
  LoadingState,
  PanelProps,
} from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { AvailabilityPanel } from './AvailabilityPanel';
import { stateColors } from './colors';
import { AvailabilityOptions, DEFAULT_OPTIONS } from '../types';
import { unnamedAriaLabels } from '../../../common/src/a11y';

function props(series: DataFrame[], options: Partial<AvailabilityOptions> = {}): PanelProps<AvailabilityOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    title: 'availability',
    width: 900,
    height: 600,
    transparent: false,
    renderCounter: 0,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    eventBus: new EventBusSrv(),
    replaceVariables: (s: string) => s,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    onChangeTimeRange: () => {},
  };
}

const str = (name: string, values: string[]) => ({ name, type: FieldType.string, values });
const num = (name: string, values: number[]) => ({ name, type: FieldType.number, values });

/** ctld's shape through the portal: one row per partition and resource. */
const availability = createDataFrame({
  fields: [
    str('partition', ['batch', 'gpu', 'batch', 'gpu', 'gpu']),
    str('resource', ['cpus', 'cpus', 'memory_bytes', 'memory_bytes', 'gpus:a100']),
    num('idle', [64, 16, 2 ** 40, 2 ** 38, 8]),
    num('allocated', [128, 48, 2 ** 41, 2 ** 39, 8]),
    num('down', [0, 0, 0, 0, 0]),
    num('drain', [2, 0, 2 ** 30, 0, 1]),
    num('preemptable', [0, 32, 0, 2 ** 37, 4]),
    num('free_1h', [10, 4, 2 ** 33, 0, 2]),
    num('free_6h', [40, 8, 2 ** 34, 2 ** 35, 6]),
  ],
});

const STATES = ['idle', 'mixed', 'allocated', 'down', 'drain', 'reserved', 'powered_down', 'planned'];

function nodes(n: number): DataFrame {
  const names = Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(4, '0')}`);
  return createDataFrame({
    fields: [
      str('node', names),
      str(
        'state',
        names.map((_, i) => STATES[i % STATES.length]!),
      ),
      str(
        'partition',
        names.map((_, i) => (i % 4 === 0 ? 'gpu' : 'batch')),
      ),
    ],
  });
}

function renderIn(mode: 'light' | 'dark', p: PanelProps<AvailabilityOptions>) {
  return render(
    <ThemeContext.Provider value={createTheme({ colors: { mode } })}>
      <AvailabilityPanel {...p} />
    </ThemeContext.Provider>,
  );
}

describe('AvailabilityPanel', () => {
  test('tiles: aria-labels and the headline in words, the resource switch changes both', () => {
    renderIn('dark', props([availability], { resource: 'cpus' }));
    const tiles = screen.getAllByTestId('availability-partition');
    expect(tiles.map((t) => t.getAttribute('aria-label'))).toEqual([
      'partition batch: 64 CPUs available now, 0 by preemption',
      'partition gpu: 48 CPUs available now, 32 by preemption',
    ]);
    expect(screen.getAllByTestId('availability-headline').map((h) => h.textContent)).toEqual([
      'available now: 64 (0 of them by preemption)',
      'available now: 48 (32 of them by preemption)',
    ]);
    expect(within(tiles[1]!).getByLabelText('partition gpu: 4 CPUs free within 1 h, 8 within 6 h')).toHaveTextContent(
      '+4 within 1 h, +8 within 6 h',
    );
    expect(within(tiles[1]!).getByLabelText('partition gpu: 16 CPUs allocated, not preemptable')).toBeInTheDocument();

    fireEvent.click(screen.getByLabelText('GPUs a100'));
    expect(screen.getAllByTestId('availability-partition').map((t) => t.getAttribute('aria-label'))).toEqual([
      'partition gpu: 12 a100 GPUs available now, 4 by preemption',
    ]);
    fireEvent.click(screen.getByLabelText('Memory'));
    expect(screen.getAllByTestId('availability-headline')[1]).toHaveTextContent(
      'available now: 384 GiB (128 GiB of them by preemption)',
    );
  });

  test('the default resource option picks the switch position; free soon can be switched off', () => {
    renderIn('light', props([availability], { resource: 'gpus', showFreeSoon: false }));
    expect(screen.getByTestId('availability-headline')).toHaveTextContent(
      'available now: 12 (4 of them by preemption)',
    );
    expect(screen.queryByText(/within 1 h/)).toBeNull();
  });

  test('grid of 2,000 nodes: one cell each with its label, one shared tooltip shows focus and hover', () => {
    renderIn('dark', props([availability, nodes(2000)]));
    const cells = screen.getAllByTestId('availability-grid-cell');
    expect(cells).toHaveLength(2000);
    expect(cells[0]).toHaveAttribute('aria-label', 'node c0001: idle (partition gpu)');
    expect(cells[1999]).toHaveAttribute('aria-label', 'node c2000: planned (partition batch)');
    expect(cells.filter((c) => c.tabIndex === 0)).toHaveLength(1); // roving focus: one tab stop
    const tooltip = screen.getByRole('tooltip', { hidden: true });
    expect(tooltip).not.toBeVisible();

    act(() => cells[0]!.focus());
    expect(tooltip).toBeVisible();
    expect(tooltip).toHaveTextContent('node c0001: idle (partition gpu)');
    fireEvent.keyDown(cells[0]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(cells[1]);
    expect(tooltip).toHaveTextContent('node c0002: mixed (partition batch)');

    const segment = screen.getByLabelText('partition gpu: 32 CPUs allocated but preemptable');
    fireEvent.mouseOver(segment);
    expect(tooltip).toHaveTextContent('partition gpu: 32 CPUs allocated but preemptable');
    act(() => cells[1]!.blur());
    fireEvent.mouseOut(segment, { relatedTarget: document.body });
    expect(tooltip).not.toBeVisible();
    expect(screen.getByRole('list', { name: 'node states' })).toHaveTextContent('idle 250');
  });

  test('clicking a tile shows only its nodes in the grid; clicking again shows all', () => {
    renderIn('dark', props([availability, nodes(40)]));
    expect(screen.getAllByTestId('availability-grid-cell')).toHaveLength(40);
    const filter = screen.getByRole('button', { name: "show only partition gpu's nodes in the grid" });
    fireEvent.click(filter);
    expect(filter).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getAllByTestId('availability-grid-cell')).toHaveLength(10);
    expect(screen.getByText('10 nodes in partition gpu')).toBeInTheDocument();
    fireEvent.click(filter);
    expect(screen.getAllByTestId('availability-grid-cell')).toHaveLength(40);
  });

  test('empty, missing and wrongly typed data: a message naming the field, never blank', () => {
    const { unmount } = renderIn('dark', props([]));
    expect(screen.getByTestId('panel-message')).toHaveTextContent('No data: the availability frame is empty.');
    unmount();

    const noDrain = createDataFrame({ fields: availability.fields.filter((f) => f.name !== 'drain') });
    const second = renderIn('dark', props([noDrain, nodes(3)]));
    expect(screen.getByTestId('panel-message')).toHaveTextContent('Missing field "drain" (number)');
    expect(screen.getAllByTestId('availability-grid-cell')).toHaveLength(3); // the grid still shows
    second.unmount();

    const badGrid = createDataFrame({ fields: [str('node', ['c1'])] });
    renderIn('dark', props([availability, badGrid]));
    expect(screen.getByText(/Missing field "state" \(string\) in the node frame/)).toBeInTheDocument();
    expect(screen.getAllByTestId('availability-partition')).toHaveLength(2);
  });

  test('remapped grid field that matches no frame is named', () => {
    renderIn('dark', props([availability, nodes(2)], { fields: { ...DEFAULT_OPTIONS.fields, node: 'host' } }));
    expect(screen.getByText('No node grid: no frame has a "host" field.')).toBeInTheDocument();
    expect(screen.getAllByTestId('availability-partition')).toHaveLength(2); // the node frame is not taken for one
  });

  test('every aria-label sits on an element with a role that takes a name (tiles, bars, free soon, grid, switch)', () => {
    renderIn('dark', props([availability, nodes(40)], { resource: 'gpus' }));
    const root = screen.getByTestId('availability-panel');
    expect(root.querySelectorAll('[aria-label]').length).toBeGreaterThan(40); // the grid's cells are among them
    expect(screen.getByText(/within 1 h/)).toBeInTheDocument();
    expect(unnamedAriaLabels(root)).toEqual([]);
  });

  test('themes: node colours come from each theme', () => {
    const light = stateColors(createTheme({ colors: { mode: 'light' } }));
    const dark = stateColors(createTheme({ colors: { mode: 'dark' } }));
    expect(dark.idle).toBe('#73BF69');
    expect(light.idle).not.toBe(dark.idle);
    expect(new Set(Object.values(dark)).size).toBe(Object.keys(dark).length); // every state its own colour
  });
});
