import type { CtldConfig } from '@slurmscope/common';
import type { Logger, MetricFamily } from '@slurmscope/model';
import { openInspector, type InspectorCycle, type LiveInspector } from './inspector/index.js';
import type { FindingMailPort, RaisedFinding } from './inspector/types.js';
import { createMailService } from './mail/index.js';
import { runPaced } from './slices.js';
import type { CommandRunner } from './slurm/commands.js';

/** A mail service as ctld runs it: the inspector's port, with its metrics and shutdown. */
export interface CtldMail extends FindingMailPort {
  families?(): MetricFamily[];
  close?(): Promise<void>;
}

/** ctld's live findings: the inspector and the mail service it hands findings to. */
export interface CtldFindings {
  /** The inspector (the report service's FindingSource); undefined with `inspector.enabled: false`. */
  readonly inspector: LiveInspector | undefined;
  /** The mail service; undefined while neither `smtp.host` nor `smtp.dryRun` is set. */
  readonly mail: CtldMail | undefined;
  /** Judges a fresh cycle in slices (the API answers meanwhile); resolves to the active findings (none without an inspector). */
  observe(cycle: InspectorCycle): Promise<readonly RaisedFinding[]>;
  /** The active findings as last judged (a cycle whose poll failed judges nothing). */
  active(): readonly RaisedFinding[];
  /** The inspector's and the mail service's families. */
  families(): MetricFamily[];
  /** Writes the inspector's state, stops the mail service (queued mails stay on disk). */
  close(): Promise<void>;
}

/**
 * Opens the mail service (`opts.mail` instead, in tests) and the live inspector that mails through
 * it. Throws ConfigError for bad cron expressions, time zone or templates, before ctld listens.
 */
export function openFindings(opts: {
  config: CtldConfig;
  log: Logger;
  cluster: string | undefined;
  mail?: CtldMail;
  /** Runs the addressCommand (ctld's poller runner). */
  run?: CommandRunner;
}): CtldFindings {
  const { config, log } = opts;
  const mail =
    opts.mail ??
    createMailService(config, log.child({ part: 'mail' }), {
      stateDir: config.stateDir,
      ...(opts.cluster === undefined ? {} : { cluster: opts.cluster }),
      ...(opts.run === undefined ? {} : { run: opts.run }),
    });
  const inspector = openInspector({
    config,
    log: log.child({ part: 'inspector' }),
    ...(mail === undefined ? {} : { mail }),
  });
  let active: readonly RaisedFinding[] = inspector?.active() ?? [];
  return {
    inspector,
    mail,
    observe: async (cycle) => (active = inspector === undefined ? [] : await runPaced(inspector.observeSteps(cycle))),
    active: () => active,
    families: () => [...(inspector?.families() ?? []), ...(mail?.families?.() ?? [])],
    close: async () => {
      inspector?.flush();
      await mail?.close?.();
    },
  };
}
