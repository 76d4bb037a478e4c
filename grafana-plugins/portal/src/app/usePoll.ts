import { useEffect, useState } from 'react';
import { PollSnapshot } from './poller';
import { PollHub } from './hub';
import { freshnessOf } from '../data/freshness';

/** Follows one URL through the hub (none while `url` is undefined); the last snapshot. */
export function usePoll(hub: PollHub, url: string | undefined, every = 1): PollSnapshot {
  // Kept with its URL: after a URL change the old URL's snapshot is not shown as the new one's.
  const [state, setState] = useState<{ url?: string; snap: PollSnapshot }>({ snap: {} });
  useEffect(() => {
    if (url === undefined) {
      return undefined;
    }
    return hub.subscribe(url, (snap) => setState({ url, snap }), every);
  }, [hub, url, every]);
  return state.url === url ? state.snap : {};
}

/** Seconds-resolution clock for "updated 12 s ago". */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), periodMs);
    return () => window.clearInterval(t);
  }, [periodMs]);
  return now;
}

/**
 * The stale note of an answer: our request failed ("HTTP 503: ..."), or ctld says its own
 * snapshot is stale ("ctld: sinfo timed out"); "" while fine. Pure.
 */
export function staleReason(snap: PollSnapshot): string {
  if (snap.stale !== undefined) {
    return snap.stale;
  }
  if (snap.json === undefined) {
    return '';
  }
  const f = freshnessOf(snap.json, snap.receivedMs ?? Date.now());
  return f.stale ? `ctld: ${f.error || 'its last Slurm poll is overdue'}` : '';
}
