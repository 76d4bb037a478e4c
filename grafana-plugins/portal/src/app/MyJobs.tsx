import React, { useEffect, useState } from 'react';
import { obj, str } from '../data/json';
import { ThemeMode } from '../host/PanelHost';
import { limitedFetch, requestTimeoutMs } from './abort';
import { useServices } from './context';
import { useWebjobsPanel } from './panels';
import { Reports } from './Reports';
import { Section } from './Section';

/** Who GET /api/v1/whoami says the user is. */
export type Who =
  | { readonly kind: 'asking' }
  | { readonly kind: 'anonymous'; readonly refused?: string }
  | { readonly kind: 'known'; readonly user: string; readonly admin: boolean }
  | { readonly kind: 'unknown'; readonly reason: string };

/** ctld's reason in an error body (`{"error": "..."}`), else the text itself. Pure. */
function errorText(body: string): string {
  try {
    const e = obj(JSON.parse(body)).error;
    return typeof e === 'string' ? e : body;
  } catch (err) {
    return err instanceof SyntaxError ? body : String(err); // not JSON: the text says it
  }
}

/** What whoami's answer says; `sentToken`: the request carried the tab's token. Reads the body only. */
export async function whoFromAnswer(res: Response, sentToken: boolean): Promise<Who> {
  if (res.status === 401) {
    // Without a token a 401 is just "anonymous" (an older ctld); a refused token is worth saying.
    const why = errorText((await res.text()).trim()) || 'HTTP 401';
    return sentToken ? { kind: 'anonymous', refused: why } : { kind: 'anonymous' };
  }
  if (!res.ok) {
    return { kind: 'unknown', reason: `HTTP ${res.status}` };
  }
  const body = obj(await res.json());
  const user = str(body.user);
  if (body.user === null || body.user === undefined) {
    // Nobody ({user: null, admin: false}: a visitor without a token), or the admin token, which
    // names no user: no "my jobs", and nothing to say.
    return { kind: 'anonymous' };
  }
  return user !== '' ? { kind: 'known', user, admin: body.admin === true } : { kind: 'unknown', reason: 'HTTP 200' };
}

/**
 * Asks ctld once who the user is (a Slurm JWT from the tab, or the trusted proxy's header), within
 * min(interval, 30 s). A refused token is removed from the tab (sessionStorage).
 */
export function useWhoami(): Who {
  const { api, authHeaders, forgetToken, config } = useServices();
  const [who, setWho] = useState<Who>({ kind: 'asking' });
  useEffect(() => {
    const stop = new AbortController();
    const headers = authHeaders();
    const sentToken = headers.Authorization !== undefined;
    const set = (w: Who) => !stop.signal.aborted && setWho(w);
    const init: RequestInit = { headers: { Accept: 'application/json', ...headers }, cache: 'no-store' };
    limitedFetch(`${api}/whoami`, init, requestTimeoutMs(config.intervalMs), stop.signal, (res) =>
      whoFromAnswer(res, sentToken),
    )
      .then((w) => {
        if (w.kind === 'anonymous' && w.refused !== undefined) {
          forgetToken();
        }
        set(w);
      })
      .catch((err: unknown) => set({ kind: 'unknown', reason: err instanceof Error ? err.message : String(err) }));
    return () => stop.abort();
  }, [api, authHeaders, forgetToken, config.intervalMs]);
  return who;
}

/** "My jobs": the user's running jobs (a webjobs panel of their own) and their finished jobs' reports. */
export function MyJobs({ user, theme }: { user: string; theme: ThemeMode }) {
  const panel = useWebjobsPanel(theme, user);
  return (
    <>
      <Section id="my-jobs" title={`My running jobs (${user})`} snaps={panel.snaps} height={280}>
        {panel.element}
      </Section>
      <section aria-label={`finished jobs of ${user}`} data-testid="portal-section-my-reports">
        <Reports user={user} />
      </section>
    </>
  );
}

/** A line about the sign-in when it matters: a refused token, or whoami failing. */
export function WhoNote({ who }: { who: Who }) {
  if (who.kind === 'anonymous' && who.refused !== undefined) {
    return (
      <p role="status">{`Your sign-in token was refused (${who.refused.slice(0, 200)}) and has been removed from this tab: open the portal with a fresh #token=.`}</p>
    );
  }
  if (who.kind === 'unknown') {
    return <p role="status">{`Who you are is unknown (${who.reason}): "my jobs" is not shown.`}</p>;
  }
  return null;
}
