import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { createDataFrame, DataFrame, PanelPlugin, PanelProps } from '@grafana/data';
import { useTheme2 } from '@grafana/ui';
import { PanelHost } from './PanelHost';

interface Opts {
  on: boolean;
}

/** A panel that shows what it was given and flips its own option, as a panel's switch does. */
function Probe(p: PanelProps<Opts>) {
  const theme = useTheme2();
  return (
    <div data-testid="probe">
      <span data-testid="size">{`${p.width}x${p.height}`}</span>
      <span data-testid="rows">{p.data.series[0]?.length ?? -1}</span>
      <span data-testid="state">{p.data.state}</span>
      <span data-testid="mode">{theme.colors.mode}</span>
      <button onClick={() => p.onOptionsChange({ ...p.options, on: !p.options.on })}>
        {p.options.on ? 'on' : 'off'}
      </button>
    </div>
  );
}

function Broken(): React.ReactElement {
  throw new Error('field "partition" is a number');
}

const frame = createDataFrame({ fields: [{ name: 'a', values: [1, 2, 3] }] });

describe('PanelHost', () => {
  test("full PanelProps: the frames in state Done, the fixed size, Grafana's theme of the mode", () => {
    render(
      <PanelHost
        pluginId="probe"
        plugin={new PanelPlugin(Probe)}
        frames={[frame]}
        options={{ on: false }}
        theme="light"
        width={300}
        height={200}
      />,
    );
    expect(screen.getByTestId('size')).toHaveTextContent('300x200');
    expect(screen.getByTestId('rows')).toHaveTextContent('3');
    expect(screen.getByTestId('state')).toHaveTextContent('Done');
    expect(screen.getByTestId('mode')).toHaveTextContent('light');
  });

  test("onOptionsChange keeps the new options (the panel's own switches work); new options from the host reset them", () => {
    const plugin = new PanelPlugin(Probe);
    const { rerender } = render(
      <PanelHost
        pluginId="probe"
        plugin={plugin}
        frames={[]}
        options={{ on: false }}
        theme="dark"
        width={10}
        height={10}
      />,
    );
    fireEvent.click(screen.getByRole('button'));
    expect(screen.getByRole('button')).toHaveTextContent('on');
    rerender(
      <PanelHost
        pluginId="probe"
        plugin={plugin}
        frames={[]}
        options={{ on: false }}
        theme="dark"
        width={10}
        height={10}
      />,
    );
    expect(screen.getByRole('button')).toHaveTextContent('off');
  });

  test('a panel that throws: its error text in its place, and onError told', () => {
    const errors: Error[] = [];
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <PanelHost
        pluginId="broken"
        plugin={new PanelPlugin(Broken)}
        frames={[]}
        options={{}}
        theme="dark"
        width={10}
        height={10}
        onError={(e) => errors.push(e)}
      />,
    );
    quiet.mockRestore();
    expect(screen.getByRole('alert')).toHaveTextContent('panel broken failed: field "partition" is a number');
    expect(errors.map((e) => e.message)).toEqual(['field "partition" is a number']);
  });

  test('an error is cleared by new data: the next frames render the panel again', () => {
    const plugin = new PanelPlugin<Opts>((p: PanelProps<Opts>) => {
      if ((p.data.series[0]?.length ?? 0) === 0) {
        throw new Error('no rows');
      }
      return <Probe {...p} />;
    });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const host = (frames: DataFrame[]) => (
      <PanelHost pluginId="p" plugin={plugin} frames={frames} options={{}} theme="dark" width={10} height={10} />
    );
    const empty = [createDataFrame({ fields: [{ name: 'a', values: [] }] })];
    const { rerender } = render(host(empty));
    expect(screen.getByRole('alert')).toHaveTextContent('panel p failed: no rows');
    rerender(host(empty)); // the same data again: the error stays
    expect(screen.getByRole('alert')).toHaveTextContent('no rows');
    rerender(host([frame]));
    quiet.mockRestore();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('rows')).toHaveTextContent('3');
  });

  test('without a size: measures its box; nothing rendered into a 0×0 box', () => {
    const { container } = render(
      <PanelHost pluginId="probe" plugin={new PanelPlugin(Probe)} frames={[]} options={{}} theme="dark" />,
    );
    // jsdom lays nothing out (clientWidth 0): the panel waits for a real size instead of rendering 0×0
    expect(screen.queryByTestId('probe')).toBeNull();
    expect(container.querySelector('[data-testid=portal-panel-host]')).not.toBeNull();
  });
});
