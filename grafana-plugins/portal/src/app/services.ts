import { PanelPlugin } from '@grafana/data';
import { authHeaders, dropToken, takeToken, TokenPlace } from './auth';
import { PortalConfig } from './config';
import { PortalServices } from './context';
import { browserPollDeps, PollHub } from './hub';
import { PollerDeps } from './poller';

/** Where the tab's token lives: the page's location, history and sessionStorage (removeItem too). */
export type TokenHome = TokenPlace & { readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> };

/** The browser's token home; undefined when sessionStorage is refused (no sign-in then). */
function browserTokenHome(): TokenHome | undefined {
  try {
    return { location: window.location, history: window.history, storage: window.sessionStorage };
  } catch (err) {
    console.warn('portal: sessionStorage unavailable, no sign-in token', err);
    return undefined;
  }
}

/** The Slurm JWT of the tab (#token=, else sessionStorage); none when storage is refused. */
function tabToken(home: TokenHome | undefined): string | undefined {
  try {
    return home === undefined ? undefined : takeToken(home);
  } catch (err) {
    console.warn('portal: sessionStorage unavailable, no sign-in token', err);
    return undefined;
  }
}

/**
 * The page's services from its config: the two poll hubs, the token's headers, and forgetToken
 * (a refused token leaves memory and sessionStorage: later requests go without it).
 */
export function createServices(
  config: PortalConfig,
  loadPlugin: (id: string) => Promise<PanelPlugin>,
  deps: PollerDeps = browserPollDeps(),
  home: TokenHome | undefined = browserTokenHome(),
): PortalServices {
  let token = tabToken(home);
  const auth = (): Record<string, string> => authHeaders(token);
  const forgetToken = (): void => {
    token = undefined;
    try {
      if (home !== undefined) {
        dropToken(home.storage);
      }
    } catch (err) {
      console.warn('portal: sessionStorage unavailable, the refused token is forgotten for this page only', err);
    }
  };
  return {
    config,
    api: config.api,
    loadPlugin,
    publicHub: new PollHub(deps, config.intervalMs),
    userHub: new PollHub(deps, config.intervalMs, auth),
    authHeaders: auth,
    forgetToken,
  };
}
