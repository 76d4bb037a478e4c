import type { FamilyDesc, MetricFamily, Sample } from '@slurmscope/model';
import { AGENT_FAMILIES as F, type NodeCounterFamily } from './metrics.js';
import type { CycleData } from './sampler.js';

const fam = (desc: FamilyDesc, samples: Sample[]): MetricFamily => ({ ...desc, samples });

/**
 * The agent's metric families for one cycle. Values that were not measured are absent, never 0:
 * no RAPL = no rapl/energy series; the first sample has no utilization, power or energy.
 * A GPU held by several jobs (sharing, MIG) appears once per holder, with the GPU's own values.
 */
export function buildFamilies(data: CycleData, errors: NodeCounterFamily): MetricFamily[] {
  const { node, readings, state } = data;
  // One label object per job, shared by its series in every family (nothing downstream mutates labels).
  const jobLabels = new Map(readings.map((r) => [r.jobid, { jobid: r.jobid, node }]));
  const job = (jobid: string): { jobid: string; node: string } => jobLabels.get(jobid) ?? { jobid, node };
  const perJob = (value: (r: (typeof readings)[number]) => number | undefined): Sample[] => {
    const out: Sample[] = [];
    for (const r of readings) {
      const v = value(r);
      if (v !== undefined) out.push({ labels: job(r.jobid), value: v });
    }
    return out;
  };
  const second = data.seconds !== undefined;
  const energyJobs = readings.filter((r) => state.jobs[r.jobid]?.energyMeasured);
  const energyOf = (pick: (a: NonNullable<(typeof state.jobs)[string]>) => number): Sample[] =>
    energyJobs.map((r) => ({ labels: job(r.jobid), value: pick(state.jobs[r.jobid]!) }));

  const gpuSamples = (value: (g: (typeof data.gpus)[number]['gpu']) => number | undefined): Sample[] =>
    data.gpus.flatMap((a) => {
      const v = value(a.gpu);
      if (v === undefined) return [];
      const holders = a.jobids.length > 0 ? a.jobids : [''];
      return holders.map((jobid) => ({ labels: { node, gpu: String(a.gpu.index), jobid }, value: v }));
    });
  const gpusHeld = new Map<string, number>();
  for (const a of data.gpus) for (const jobid of a.jobids) gpusHeld.set(jobid, (gpusHeld.get(jobid) ?? 0) + 1);
  const hasEnergy = data.rapl.length > 0 || data.gpus.some((a) => a.gpu.powerWatts !== undefined);

  return [
    fam(
      F.jobCpuSeconds,
      perJob((r) => r.cpuSeconds),
    ),
    fam(
      F.jobCpus,
      perJob((r) => r.cpus.length),
    ),
    fam(
      F.jobCpuUtilization,
      perJob((r) => data.utilization.get(r.jobid)),
    ),
    fam(
      F.jobMemoryUsed,
      perJob((r) => r.memory?.usedBytes),
    ),
    fam(
      F.jobMemoryRss,
      perJob((r) => r.memory?.rssBytes),
    ),
    fam(
      F.jobMemoryLimit,
      perJob((r) => r.memory?.limitBytes),
    ),
    fam(
      F.jobMemoryPeak,
      perJob((r) => r.memory?.peakBytes),
    ),
    fam(
      F.jobOomKills,
      perJob((r) => r.memory?.oomKills),
    ),
    fam(
      F.jobMemoryPressure,
      perJob((r) => r.memory?.pressure),
    ),
    fam(F.jobEnergy, second ? energyOf((a) => a.cpuJoules + a.gpuJoules) : []),
    fam(F.jobCpuEnergy, second && data.rapl.length > 0 ? energyOf((a) => a.cpuJoules) : []),
    fam(F.jobGpuEnergy, second && data.gpus.length > 0 ? energyOf((a) => a.gpuJoules) : []),
    fam(F.jobGpuSeconds, data.gpus.length > 0 ? perJob((r) => state.jobs[r.jobid]?.gpuSeconds ?? 0) : []),
    fam(F.jobGpus, data.gpus.length > 0 ? perJob((r) => gpusHeld.get(r.jobid) ?? 0) : []),
    fam(
      F.raplEnergy,
      data.rapl.map((z) => ({ labels: { node, zone: z.name }, value: (state.rapl[z.id]?.total ?? z.energyUj) / 1e6 })),
    ),
    fam(F.nodePower, [
      ...(data.raplWatts === undefined ? [] : [{ labels: { node, source: 'rapl' }, value: data.raplWatts }]),
      ...(data.gpuWatts === undefined ? [] : [{ labels: { node, source: 'gpu' }, value: data.gpuWatts }]),
    ]),
    fam(F.nodeEnergy, second && hasEnergy ? [{ labels: { node }, value: state.nodeJoules }] : []),
    fam(F.nodeRestEnergy, second && hasEnergy ? [{ labels: { node }, value: state.restJoules }] : []),
    fam(F.nodeCpus, [{ labels: { node }, value: data.cpus }]),
    fam(F.nodeJobs, [{ labels: { node }, value: readings.length }]),
    fam(
      F.gpuUtilization,
      gpuSamples((g) => g.utilization),
    ),
    fam(
      F.gpuMemoryUsed,
      gpuSamples((g) => g.memoryUsedBytes),
    ),
    fam(
      F.gpuMemoryTotal,
      gpuSamples((g) => g.memoryTotalBytes),
    ),
    fam(
      F.gpuPower,
      gpuSamples((g) => g.powerWatts),
    ),
    errors.family(),
  ];
}
