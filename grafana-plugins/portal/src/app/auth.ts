/** Where the page keeps a Slurm JWT for the tab's lifetime. */
export const TOKEN_KEY = 'slurmscope-token';

/** What {@link takeToken} needs from the page (window.location, history and sessionStorage). */
export interface TokenPlace {
  readonly location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  readonly history: Pick<History, 'replaceState'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The Slurm JWT of this tab: a `#token=...` in the URL fragment is taken once, kept in
 * sessionStorage and removed from the address bar (and so from history and bookmarks); later
 * loads read sessionStorage. Undefined when there is none (a trusted proxy needs none).
 */
export function takeToken(place: TokenPlace): string | undefined {
  const hash = place.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash);
  const fresh = params.get('token');
  if (fresh !== null && fresh !== '') {
    place.storage.setItem(TOKEN_KEY, fresh);
    params.delete('token');
    const rest = params.toString();
    place.history.replaceState(null, '', `${place.location.pathname}${place.location.search}${rest ? `#${rest}` : ''}`);
    return fresh;
  }
  return place.storage.getItem(TOKEN_KEY) || undefined;
}

/** The Authorization header for a token; none without one. */
export function authHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

/** Forgets the tab's token (ctld refused it: sending it again only fails again). */
export function dropToken(storage: Pick<Storage, 'removeItem'>): void {
  storage.removeItem(TOKEN_KEY);
}
