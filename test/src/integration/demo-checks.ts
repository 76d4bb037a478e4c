// Checks of the demo test (demo.test.ts) on what the running demo serves.
import assert from 'node:assert/strict';
import { fetchText, promQuery, waitFor } from '../lib/index.js';

/** The store answers PromQL with every demo agent's series (the simulated RAPL power among them) and ctld's. */
export async function checkStore(store: string, prefix: string): Promise<void> {
  const nodes = [1, 2, 3].map((i) => `${prefix}${i}`);
  await waitFor(
    async () => {
      const agents = await promQuery(store, 'slurmscope_node_cpus');
      const power = await promQuery(store, 'slurmscope_node_power_watts{source="rapl"} > 0');
      const ctldSeries = await promQuery(store, 'slurmscope_partition_cpus');
      const has = (rows: typeof agents): boolean => nodes.every((n) => rows.some((r) => r.metric.node === n));
      return has(agents) && has(power) && ctldSeries.length > 0;
    },
    {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: `slurmscope_node_cpus and rapl power of ${nodes.join(',')}, slurmscope_partition_cpus in ${store}`,
    },
  );
}

/** ctld's availability shows the demo's preemptable job (batch may preempt it) and the down ghost nodes. */
export async function checkAvailability(ctld: string): Promise<void> {
  type Answer = {
    partitions: { partition: string; nodes: Record<string, number>; cpus: { preemptable: number } }[];
  };
  const batch = await waitFor(
    async () => {
      const a = JSON.parse(await fetchText(`${ctld}/api/v1/availability`)) as Answer;
      const p = a.partitions.find((x) => x.partition === 'batch');
      return p !== undefined && p.cpus.preemptable > 0 ? p : undefined;
    },
    // Up to the early job's end and the scavenger job's restart after its preemption.
    { timeoutMs: 150_000, intervalMs: 1000, what: "preemptable CPUs in batch (the demo's scavenger job)" },
  );
  assert.ok((batch.nodes.down ?? 0) >= 2, `the ghost nodes down in batch: ${JSON.stringify(batch.nodes)}`);
}
