import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { DataFrame, EventBusSrv, getDefaultTimeRange, LoadingState, PanelProps } from '@grafana/data';
import { bigFrame, findingsFrame, jobsFrame } from '../data/testkit';
import { shapeWebjobs } from '../data/shape';
import { DEFAULT_OPTIONS, WebjobsOptions } from '../types';
import { WebjobsPanel } from './WebjobsPanel';
import { unnamedAriaLabels } from '../../../common/src/a11y';

function props(
  series: DataFrame[],
  o: Partial<WebjobsOptions> = {},
  size = { width: 800, height: 300 },
): PanelProps<WebjobsOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    title: 'jobs',
    ...size,
    transparent: false,
    renderCounter: 0,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...o },
    fieldConfig: { defaults: {}, overrides: [] },
    eventBus: new EventBusSrv(),
    replaceVariables: (s: string) => s.replace('${cluster}', 'hpc1'),
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    onChangeTimeRange: () => {},
  };
}

const small = () =>
  jobsFrame([
    { jobid: '42', node: 'node-a', cpu: 0.35, mem: 3 * 2 ** 30 },
    { jobid: '42', node: 'node-b', cpu: NaN },
    { jobid: '42', node: 'node-c', cpu: 0.95 },
    { jobid: '7', node: 'node-a', cpu: 0.9 },
  ]);

const labels = (els: HTMLElement[]) => els.map((e) => e.getAttribute('aria-label'));

describe('WebjobsPanel', () => {
  test('every cell has its aria-label in words, missing values included; rows most uneven first', () => {
    render(<WebjobsPanel {...props([small()])} />);
    const rows = screen.getAllByTestId('webjobs-row');
    expect(labels(rows)).toEqual([
      'job 42 of alice, 3 nodes, mean CPU 65 %, imbalance 63 %',
      'job 7 of alice, 1 node, mean CPU 90 %',
    ]);
    expect(labels(within(rows[0]!).getAllByTestId('webjobs-cell'))).toEqual([
      'job 42 on node-a: CPU 35 %',
      'job 42 on node-b: no data',
      'job 42 on node-c: CPU 95 %',
    ]);
    expect(screen.getByRole('grid')).toHaveAttribute('aria-label', 'Running jobs by node, CPU utilization');
  });

  test('GPU metric: cells say GPU', () => {
    const f = jobsFrame([{ jobid: '42', node: 'node-a', cpu: 0.1, gpu: 0.8 }], { withGpu: true });
    render(<WebjobsPanel {...props([f], { metric: 'gpu' })} />);
    expect(screen.getByTestId('webjobs-cell')).toHaveAttribute('aria-label', 'job 42 on node-a: GPU 80 %');
  });

  test('500 jobs × up to 64 nodes: only the rows in view plus overscan are in the DOM, and scrolling moves them', () => {
    const frame = bigFrame(500, 64);
    const expected = shapeWebjobs([frame], DEFAULT_OPTIONS);
    if (!expected.ok) {
      throw new Error(expected.message);
    }
    render(<WebjobsPanel {...props([frame])} />);
    // viewport 300 - 24 (header) = 276 px = 10 rows of 28 px, + 4 overscan
    let rows = screen.getAllByTestId('webjobs-row');
    expect(rows).toHaveLength(14);
    expect(rows[0]).toHaveAttribute('aria-label', expected.value.rows[0]!.label);
    const inDom = expected.value.rows.slice(0, 14).reduce((n, r) => n + r.cells.length, 0);
    expect(screen.getAllByTestId('webjobs-cell')).toHaveLength(inDom);
    const grid = screen.getByRole('grid');
    expect(grid).toHaveAttribute('aria-rowcount', '500');
    fireEvent.scroll(grid, { target: { scrollTop: 2800 } });
    rows = screen.getAllByTestId('webjobs-row');
    expect(rows.map((r) => r.getAttribute('aria-rowindex'))).toEqual(
      Array.from({ length: 18 }, (_, i) => String(97 + i)),
    );
    expect(rows[4]).toHaveAttribute('aria-label', expected.value.rows[100]!.label);
  });

  test('findings: a badge per kind with a readable name', () => {
    render(
      <WebjobsPanel
        {...props([
          small(),
          findingsFrame([
            ['42', 'uneven_load'],
            ['42', 'oom_killed'],
          ]),
        ])}
      />,
    );
    const row = screen.getAllByTestId('webjobs-row')[0]!;
    expect(labels(within(row).getAllByTestId('webjobs-finding'))).toEqual([
      'finding: uneven load',
      'finding: OOM killed',
    ]);
    expect(
      within(row)
        .getAllByTestId('webjobs-finding')
        .map((b) => b.textContent),
    ).toEqual(['uneven load', 'OOM killed']);
  });

  test('every aria-label sits on an element with a role that takes a name (grid, rows, cells, badges, links)', () => {
    const findings = findingsFrame([['42', 'uneven_load']]);
    render(<WebjobsPanel {...props([small(), findings], { urlTemplate: '/j/${jobid}' })} />);
    const root = screen.getByTestId('webjobs-panel');
    expect(screen.getByTestId('webjobs-finding')).toHaveAttribute('aria-label', 'finding: uneven load');
    expect(screen.getAllByRole('link')).toHaveLength(2);
    expect(unnamedAriaLabels(root)).toEqual([]);
  });

  test('a row links to the job page: ${jobid}/${user} URL-encoded, dashboard variables replaced; no template, no link', () => {
    const f = jobsFrame([{ jobid: '42_1', node: 'a', cpu: 0.5, user: 'ann lee' }]);
    const { unmount } = render(<WebjobsPanel {...props([f], { urlTemplate: '/j/${jobid}?u=${user}&c=${cluster}' })} />);
    expect(screen.getByRole('link')).toHaveAttribute('href', '/j/42_1?u=ann%20lee&c=hpc1');
    unmount();
    render(<WebjobsPanel {...props([f])} />);
    expect(screen.queryByRole('link')).toBeNull();
  });

  test('missing field, GPU without gpu_util, empty: a message naming what is wrong, never blank', () => {
    const { rerender } = render(<WebjobsPanel {...props([small()], { metric: 'gpu' })} />);
    expect(screen.getByTestId('panel-message')).toHaveTextContent('Missing field "gpu_util" (number)');
    rerender(<WebjobsPanel {...props([small()], { nodeField: 'host' })} />);
    expect(screen.getByTestId('panel-message')).toHaveTextContent('Missing field "host" (string)');
    rerender(<WebjobsPanel {...props([])} />);
    expect(screen.getByTestId('panel-message')).toHaveTextContent('No data');
    rerender(<WebjobsPanel {...props([jobsFrame([])])} />);
    expect(screen.getByTestId('panel-message')).toHaveTextContent('No running jobs');
    expect(screen.getByTestId('webjobs-panel')).toBeInTheDocument();
  });

  test('one shared tooltip: hover shows the cell label and its other figures; leaving hides it', () => {
    render(<WebjobsPanel {...props([small()])} />);
    expect(screen.queryByRole('tooltip')).toBeNull();
    const cell = screen.getByLabelText('job 42 on node-a: CPU 35 %');
    fireEvent.mouseOver(cell);
    expect(screen.getAllByRole('tooltip')).toHaveLength(1);
    expect(screen.getByRole('tooltip')).toHaveTextContent('job 42 on node-a: CPU 35 %memory 3 GiB');
    fireEvent.mouseOver(screen.getByLabelText('job 42 on node-b: no data'));
    expect(screen.getByRole('tooltip')).toHaveTextContent(/^job 42 on node-b: no data$/);
    fireEvent.mouseLeave(screen.getByTestId('webjobs-panel'));
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  test('a data refresh that puts another job under the tooltip hides it instead of showing the wrong job', () => {
    const { rerender } = render(<WebjobsPanel {...props([small()])} />);
    fireEvent.mouseOver(screen.getByLabelText('job 42 on node-a: CPU 35 %'));
    expect(screen.getByRole('tooltip')).toHaveTextContent('job 42 on node-a');
    const other = jobsFrame([
      { jobid: '99', node: 'node-a', cpu: 0 },
      { jobid: '99', node: 'node-b', cpu: 1 },
    ]);
    rerender(<WebjobsPanel {...props([other, small()])} />);
    expect(screen.getAllByTestId('webjobs-row')[0]).toHaveAttribute('aria-label', expect.stringMatching(/^job 99 /));
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  test('keyboard: one tabbable cell; arrows move the focus, the tooltip follows it; PageDown scrolls the list', () => {
    render(<WebjobsPanel {...props([bigFrame(500, 64)])} />);
    const tabbable = screen.getAllByTestId('webjobs-cell').filter((c) => c.tabIndex === 0);
    expect(tabbable).toHaveLength(1);
    const first = tabbable[0]!;
    act(() => first.focus());
    expect(screen.getByRole('tooltip')).toHaveTextContent(first.getAttribute('aria-label')!);
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    const second = document.activeElement as HTMLElement;
    expect(second).toHaveAttribute('data-row', '0');
    expect(second).toHaveAttribute('data-col', '1');
    expect(second.tabIndex).toBe(0);
    expect(first.tabIndex).toBe(-1);
    expect(screen.getByRole('tooltip')).toHaveTextContent(second.getAttribute('aria-label')!);
    fireEvent.keyDown(second, { key: 'ArrowDown' });
    expect(document.activeElement).toHaveAttribute('data-row', '1');
    for (let i = 0; i < 5; i++) {
      fireEvent.keyDown(document.activeElement!, { key: 'PageDown' });
    }
    // a page is the 9 rows wholly in view (276 px / 28): 1 + 5 × 9 = 46, scrolled into view
    expect(document.activeElement).toHaveAttribute('data-row', '46');
    expect(screen.getByRole('grid').scrollTop).toBe(47 * 28 - 276);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('tooltip')).toBeNull();
  });
});
