import React, { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  createTheme,
  DataFrame,
  EventBusSrv,
  getDefaultTimeRange,
  GrafanaTheme2,
  LoadingState,
  PanelPlugin,
  PanelProps,
  ThemeContext,
  TimeRange,
} from '@grafana/data';
import { PanelErrorBoundary } from './ErrorBoundary';

/** Light or dark, as the portal config and `?theme=` say. */
export type ThemeMode = 'light' | 'dark';

/** Grafana's theme for a mode. */
export function themeFor(mode: ThemeMode): GrafanaTheme2 {
  return createTheme({ colors: { mode } });
}

/** Props of {@link PanelHost}. */
export interface PanelHostProps {
  /** The plugin id (its plugin.json `id`): names the panel in errors and data-plugin-id. */
  pluginId: string;
  plugin: PanelPlugin;
  frames: DataFrame[];
  /** The options to start with (defaultOptions(plugin, overrides)); the panel may change them. */
  options: Record<string, unknown>;
  theme: ThemeMode;
  title?: string;
  /** A fixed size; without it the host measures its box (ResizeObserver) and fills it. */
  width?: number;
  height?: number;
  timeRange?: TimeRange;
  onError?: (err: Error) => void;
  /** New data: clears a panel error shown by the boundary (default: the frames' identity). */
  resetKey?: unknown;
}

/** The size of an element's content box, followed with a ResizeObserver. */
function useBoxSize(ref: React.RefObject<HTMLElement>, fixed: boolean): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (fixed || el === null) {
      return undefined;
    }
    const read = (): void => setSize({ width: Math.floor(el.clientWidth), height: Math.floor(el.clientHeight) });
    read();
    if (typeof ResizeObserver === 'undefined') {
      return undefined; // no observer (old browser, jsdom): the first measure stays
    }
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, fixed]);
  return size;
}

/** The options in state (a panel's own switches call onOptionsChange), reset when new ones are passed in. */
function useOptions(initial: Record<string, unknown>): [Record<string, unknown>, (o: Record<string, unknown>) => void] {
  const [state, setState] = useState({ from: initial, value: initial });
  if (state.from !== initial) {
    setState({ from: initial, value: initial });
  }
  return [state.from !== initial ? initial : state.value, (value) => setState({ from: initial, value })];
}

/**
 * Renders a PanelPlugin's panel as Grafana's panel chrome does: full PanelProps (data in state
 * Done, time range, size of its box, options kept in state, an event bus), inside Grafana's theme,
 * behind an error boundary that shows the error text.
 */
export function PanelHost(props: PanelHostProps): React.ReactElement {
  const { plugin, frames, theme: mode, title = '', timeRange: given } = props;
  const box = useRef<HTMLDivElement>(null);
  const fixed = props.width !== undefined && props.height !== undefined;
  const measured = useBoxSize(box, fixed);
  const width = props.width ?? measured.width;
  const height = props.height ?? measured.height;
  const [options, setOptions] = useOptions(props.options);
  const eventBus = useMemo(() => new EventBusSrv(), []);
  useEffect(() => () => eventBus.removeAllListeners(), [eventBus]);
  const timeRange = useMemo(() => given ?? getDefaultTimeRange(), [given]);
  const theme = useMemo(() => themeFor(mode), [mode]);
  const Panel = plugin.panel as React.ComponentType<PanelProps<Record<string, unknown>>>;
  const panelProps: PanelProps<Record<string, unknown>> = {
    id: 1,
    title,
    data: { series: frames, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'browser',
    options,
    transparent: false,
    width,
    height,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    eventBus,
    onOptionsChange: setOptions,
    onFieldConfigChange: () => undefined,
    replaceVariables: (s: string) => s,
    onChangeTimeRange: () => undefined,
  };
  const style: React.CSSProperties = fixed ? { width, height } : { width: '100%', height: '100%' };
  return (
    <ThemeContext.Provider value={theme}>
      <div
        ref={box}
        data-testid="portal-panel-host"
        data-plugin-id={props.pluginId}
        style={{
          ...style,
          position: 'relative',
          overflow: 'hidden',
          background: theme.colors.background.primary,
          color: theme.colors.text.primary,
        }}
      >
        <PanelErrorBoundary
          what={`panel ${props.pluginId}`}
          onError={props.onError}
          resetKey={'resetKey' in props ? props.resetKey : frames}
        >
          {width > 0 && height > 0 ? <Panel {...panelProps} /> : null}
        </PanelErrorBoundary>
      </div>
    </ThemeContext.Provider>
  );
}
