import React, { useEffect, useMemo, useState } from 'react';
import { DataFrame, PanelPlugin, TimeRange } from '@grafana/data';
import { defaultOptions } from '../host/defaults';
import { PanelHost, ThemeMode } from '../host/PanelHost';
import { useServices } from './context';

/** Props of {@link PanelSlot}. */
export interface PanelSlotProps {
  pluginId: string;
  /** The frames, or undefined while the first answer is awaited. */
  frames: DataFrame[] | undefined;
  /** Why there are no frames yet ("HTTP 503: ..."), shown instead of the panel. */
  waitingReason?: string;
  overrides?: Record<string, unknown>;
  theme: ThemeMode;
  title: string;
  timeRange?: TimeRange;
}

/** A short status text in the panel's place: loading, or why not (never a blank box). */
export function SlotMessage({ text, role = 'status' }: { text: string; role?: 'status' | 'alert' }) {
  return (
    <div role={role} data-testid="portal-slot-message" style={{ padding: 8, opacity: 0.8 }}>
      {text}
    </div>
  );
}

/** The panel `pluginId` loaded through SystemJS and hosted with its default options + overrides. */
export function PanelSlot(props: PanelSlotProps): React.ReactElement {
  const { loadPlugin } = useServices();
  const [loaded, setLoaded] = useState<{ plugin?: PanelPlugin; error?: string }>({});
  useEffect(() => {
    let live = true;
    loadPlugin(props.pluginId).then(
      (plugin) => live && setLoaded({ plugin }),
      (err: unknown) => live && setLoaded({ error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [loadPlugin, props.pluginId]);
  const { plugin } = loaded;
  const overrides = props.overrides;
  const options = useMemo(() => (plugin ? defaultOptions(plugin, overrides) : undefined), [plugin, overrides]);
  if (loaded.error !== undefined) {
    return <SlotMessage role="alert" text={loaded.error} />;
  }
  if (plugin === undefined || options === undefined) {
    return <SlotMessage text={`loading the ${props.title} panel…`} />;
  }
  if (props.frames === undefined) {
    return (
      <SlotMessage text={props.waitingReason ? `no data yet: ${props.waitingReason}` : `loading ${props.title}…`} />
    );
  }
  return (
    <PanelHost
      pluginId={props.pluginId}
      plugin={plugin}
      frames={props.frames}
      options={options}
      theme={props.theme}
      title={props.title}
      timeRange={props.timeRange}
    />
  );
}
