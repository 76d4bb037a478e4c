import React from 'react';
import { PanelPlugin } from '@grafana/data';
import { PortalConfig } from './config';
import { PollHub } from './hub';

/** What the page's components share: the config, the panel loader, and the two poll hubs. */
export interface PortalServices {
  readonly config: PortalConfig;
  /** ctld's API root, resolved against the page ("https://h/api/v1"). */
  readonly api: string;
  /** Loads a panel's PanelPlugin by plugin id (cached per URL). */
  loadPlugin(pluginId: string): Promise<PanelPlugin>;
  /** Public answers (availability, webjobs, findings, co2): sent without credentials. */
  readonly publicHub: PollHub;
  /** The user's answers (reports): sent with the Authorization header when the tab has a token. */
  readonly userHub: PollHub;
  /** Headers that say who the user is (a Slurm JWT), for one-off requests. */
  authHeaders(): Record<string, string>;
  /** Forgets the tab's token (memory and sessionStorage) after ctld refused it. */
  forgetToken(): void;
}

/** The page's services; set by the root component. */
export const Services = React.createContext<PortalServices | undefined>(undefined);

/** The page's services; throws when used outside the portal's root (a programming error). */
export function useServices(): PortalServices {
  const s = React.useContext(Services);
  if (s === undefined) {
    throw new Error('portal services used outside <Services.Provider>');
  }
  return s;
}
