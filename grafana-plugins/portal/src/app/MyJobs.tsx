import React, { useEffect, useState } from 'react';
import { obj, str } from '../data/json';
import { ThemeMode } from '../host/PanelHost';
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

/** Asks ctld once who the user is (a Slurm JWT from the tab, or the trusted proxy's header). */
export function useWhoami(): Who {
  const { api, authHeaders } = useServices();
  const [who, setWho] = useState<Who>({ kind: 'asking' });
  useEffect(() => {
    let live = true;
    const headers = authHeaders();
    const set = (w: Who) => live && setWho(w);
    fetch(`${api}/whoami`, { headers: { Accept: 'application/json', ...headers }, cache: 'no-store' })
      .then(async (res) => {
        if (res.status === 401) {
          // A refused token is worth saying (expired: get a fresh one).
          set({ kind: 'anonymous', refused: await res.text() });
          return;
        }
        const body = obj(res.ok ? await res.json() : {});
        const user = str(body.user);
        if (res.ok && body.user === null && body.admin !== true) {
          // Nobody: ctld answers {user: null, admin: false} (normal for a visitor without a token).
          set({ kind: 'anonymous' });
          return;
        }
        set(
          res.ok && user !== ''
            ? { kind: 'known', user, admin: body.admin === true }
            : { kind: 'unknown', reason: `HTTP ${res.status}` },
        );
      })
      .catch((err: unknown) => set({ kind: 'unknown', reason: err instanceof Error ? err.message : String(err) }));
    return () => {
      live = false;
    };
  }, [api, authHeaders]);
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
      <p role="status">{`Your sign-in token was refused (${who.refused.slice(0, 200)}): open the portal with a fresh #token=.`}</p>
    );
  }
  if (who.kind === 'unknown') {
    return <p role="status">{`Who you are is unknown (${who.reason}): "my jobs" is not shown.`}</p>;
  }
  return null;
}
