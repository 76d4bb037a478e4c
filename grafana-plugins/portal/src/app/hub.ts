import { timeoutSignal } from './abort';
import { Poller, PollerDeps, PollSnapshot } from './poller';

/** A listener of one URL's snapshots. */
export type PollListener = (s: PollSnapshot) => void;

/** The page's poll dependencies: fetch, timers, Math.random, document visibility. */
export function browserPollDeps(): PollerDeps {
  return {
    fetch: (url, init) => fetch(url, init),
    now: () => Date.now(),
    random: () => Math.random(),
    setTimer: (fn, ms) => window.setTimeout(fn, ms),
    clearTimer: (h) => window.clearTimeout(h as number | undefined),
    hidden: () => document.hidden,
    timeout: (ms) => timeoutSignal(ms),
    onVisibility: (cb) => {
      document.addEventListener('visibilitychange', cb);
      return () => document.removeEventListener('visibilitychange', cb);
    },
  };
}

/**
 * One poller per URL, shared by every part of the page that shows it: the first subscriber
 * starts it, the last one's unsubscribe stops it; a late subscriber gets the last snapshot at once.
 */
export class PollHub {
  private readonly polls = new Map<string, { poller: Poller; listeners: Set<PollListener> }>();

  constructor(
    private readonly deps: PollerDeps,
    private readonly intervalMs: number,
    private readonly headers: () => Record<string, string> = () => ({}),
  ) {}

  /** Follows `url` (polled every `intervalMs × every`); returns the unsubscribe. */
  subscribe(url: string, listener: PollListener, every = 1): () => void {
    let entry = this.polls.get(url);
    if (entry === undefined) {
      const listeners = new Set<PollListener>();
      const poller = new Poller(
        url,
        this.intervalMs * every,
        this.deps,
        (s) => listeners.forEach((l) => l(s)),
        this.headers,
      );
      entry = { poller, listeners };
      this.polls.set(url, entry);
      listeners.add(listener);
      poller.start();
    } else {
      entry.listeners.add(listener);
      if (entry.poller.snapshot.receivedMs !== undefined || entry.poller.snapshot.stale !== undefined) {
        listener(entry.poller.snapshot);
      }
    }
    const e = entry;
    return () => {
      e.listeners.delete(listener);
      if (e.listeners.size === 0) {
        e.poller.stop();
        this.polls.delete(url);
      }
    };
  }
}
