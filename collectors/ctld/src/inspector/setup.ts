import { join } from 'node:path';
import type { CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import { LiveInspector } from './inspector.js';
import type { FindingMailPort } from './types.js';

/** The state file of the inspector under ctld's state directory. */
export const inspectorStateFile = (stateDir: string): string => join(stateDir, 'inspector', 'state.json');

/**
 * ctld's live inspector from its config (state in `<stateDir>/inspector/state.json`), or
 * undefined with `inspector.enabled: false` (no findings, no mails about jobs).
 */
export function openInspector(opts: {
  config: CtldConfig;
  log: Logger;
  mail?: FindingMailPort;
}): LiveInspector | undefined {
  const { config, log } = opts;
  if (!config.inspector.enabled) {
    log.info({}, 'inspector off: no findings about running jobs');
    return undefined;
  }
  return new LiveInspector({
    config: config.inspector,
    log,
    co2: { intensity: config.co2.intensity, pue: config.co2.pue },
    intervalMs: config.interval,
    stateFile: inspectorStateFile(config.stateDir),
    ...(opts.mail === undefined ? {} : { mail: opts.mail }),
  });
}
