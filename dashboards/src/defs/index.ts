import { CLUSTER } from './cluster.js';
import { ENERGY_CO2 } from './energy-co2.js';
import { JOB } from './job.js';
import { MY_JOBS } from './my-jobs.js';
import { NODE } from './node.js';
import type { DashboardDef } from './types.js';
import { WEBJOBS } from './webjobs.js';

export * from './types.js';

/** Every dashboard, generated once per flavour. */
export const DASHBOARDS: readonly DashboardDef[] = [CLUSTER, WEBJOBS, JOB, MY_JOBS, ENERGY_CO2, NODE];
