// Renders a generated cluster (cluster.mjs) in Slurm 22.05.8's own output shapes, each one
// extended from the captured fixtures in collectors/ctld/testdata/slurm/22.05/: the node record
// of `sinfo --json` (same keys, order and layout), `scontrol show partition -o` lines, the
// `squeue -h -O <fields>` text of the poll, `sdiag`, and sacct's `-P` and `-B` answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The captured 22.05 fixtures this renderer extends. */
export const FIXTURES = fileURLToPath(new URL('../../collectors/ctld/testdata/slurm/22.05/', import.meta.url));
const fixture = (name) => readFileSync(join(FIXTURES, name), 'utf8');

/** Compresses node names into a Slurm hostlist: c0001,c0002,c0003,g001 → c[0001-0003],g001. */
export function hostlist(names) {
  const groups = new Map();
  for (const n of names) {
    const m = /^(.*?)(\d+)$/.exec(n);
    const key = m ? `${m[1]}\u0000${m[2].length}` : n;
    if (!groups.has(key)) groups.set(key, { prefix: m ? m[1] : n, nums: [], width: m ? m[2].length : 0 });
    if (m) groups.get(key).nums.push(Number(m[2]));
  }
  const out = [];
  for (const g of groups.values()) {
    if (g.nums.length === 0) out.push(g.prefix);
    else if (g.nums.length === 1) out.push(`${g.prefix}${String(g.nums[0]).padStart(g.width, '0')}`);
    else {
      const nums = [...g.nums].sort((a, b) => a - b);
      const parts = [];
      for (let i = 0; i < nums.length;) {
        let j = i;
        while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
        const p = (x) => String(x).padStart(g.width, '0');
        parts.push(i === j ? p(nums[i]) : `${p(nums[i])}-${p(nums[j])}`);
        i = j + 1;
      }
      out.push(`${g.prefix}[${parts.join(',')}]`);
    }
  }
  return out.join(',');
}

/** A float written the way Slurm's JSON writer does (`3.0`). */
class Float {
  constructor(v) {
    this.v = v;
  }
}

/** JSON in the layout of Slurm 22.05's writer: 2-space indent, `\/` escaped, empty arrays split. */
function slurmJson(v, indent = '') {
  const inner = `${indent}  `;
  if (v instanceof Float) return Number.isInteger(v.v) ? v.v.toFixed(1) : String(v.v);
  if (v === null || typeof v !== 'object') return JSON.stringify(v).replaceAll('/', '\\/');
  if (Array.isArray(v)) {
    if (v.length === 0) return `[\n${indent}]`;
    return `[\n${v.map((x) => inner + slurmJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v);
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${slurmJson(v[k], inner)}`).join(',\n')}\n${indent}}`;
}

const mem = (mib) => (mib % 1024 === 0 ? `${mib / 1024}G` : `${mib}M`);

/** `sinfo --json` (22.05: openapi v0.0.38, nodes only): the captured node record per node. */
export function sinfoJson(cluster) {
  const doc = JSON.parse(fixture('sinfo.json'));
  const template = doc.nodes[0];
  const bootS = Math.floor(cluster.nowMs / 1000) - 12 * 86400;
  doc.nodes = cluster.nodes.map((n, i) => {
    const base =
      n.state === 'down' ? 'down' : n.allocCpus === 0 ? 'idle' : n.allocCpus >= n.cpus ? 'allocated' : 'mixed';
    const usedGpus = n.gpuUsed.length;
    return {
      ...template,
      boot_time: bootS,
      cores: n.cpus / n.sockets,
      cpu_load: Math.round(n.allocCpus * 97),
      free_memory: Math.max(0, n.memMiB - n.allocMiB - 9000),
      cpus: n.cpus,
      last_busy: bootS + 86400,
      features: n.kind === 'gpu' ? 'a100,ib' : 'ib',
      active_features: n.kind === 'gpu' ? 'a100,ib' : 'ib',
      gres: n.gpus > 0 ? `gpu:a100:${n.gpus}` : '',
      gres_used: n.gpus > 0 ? `gpu:a100:${usedGpus}(IDX:${usedGpus === 0 ? 'N/A' : `0-${usedGpus - 1}`})` : 'gpu:0',
      name: n.name,
      address: n.name,
      hostname: n.name,
      state: base,
      state_flags: n.flags,
      operating_system: 'Linux 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)',
      partitions: cluster.partitions.filter((p) => p.nodes.includes(n.name)).map((p) => p.name),
      port: 6818,
      real_memory: n.memMiB,
      reason: n.reason ?? '',
      reason_changed_at: n.reason ? bootS + 3600 * (i % 200) : 0,
      reason_set_by_user: n.reason ? 'root' : null,
      slurmd_start_time: bootS,
      sockets: n.sockets,
      threads: 1,
      tres: `cpu=${n.cpus},mem=${mem(n.memMiB)},billing=${n.cpus}${n.gpus > 0 ? `,gres/gpu=${n.gpus}` : ''}`,
      alloc_memory: n.allocMiB,
      alloc_cpus: n.allocCpus,
      idle_cpus: n.cpus - n.allocCpus,
      tres_used: n.allocCpus === 0 ? null : `cpu=${n.allocCpus},mem=${mem(n.allocMiB)}`,
      tres_weighted: new Float(n.allocCpus),
    };
  });
  return `${slurmJson(doc)}\n`;
}

/** `scontrol show partition -o`: the captured line with each partition's values. */
export function partitionsText(cluster) {
  const template = fixture('scontrol-partition.txt').split('\n')[0];
  const byName = new Map(cluster.nodes.map((n) => [n.name, n]));
  return cluster.partitions
    .map((p) => {
      const cpus = p.nodes.reduce((s, n) => s + byName.get(n).cpus, 0);
      const memMiB = p.nodes.reduce((s, n) => s + byName.get(n).memMiB, 0);
      const gpus = p.nodes.reduce((s, n) => s + byName.get(n).gpus, 0);
      const set = {
        PartitionName: p.name,
        Default: p.isDefault ? 'YES' : 'NO',
        MaxTime: p.maxTime,
        Nodes: hostlist(p.nodes),
        PriorityTier: String(p.tier),
        PreemptMode: p.preempt,
        State: p.state,
        TotalCPUs: String(cpus),
        TotalNodes: String(p.nodes.length),
        TRES: `cpu=${cpus},mem=${memMiB}M,node=${p.nodes.length},billing=${cpus}${gpus > 0 ? `,gres/gpu=${gpus}` : ''}`,
      };
      return template.replace(/(\w+)=(\S*)/g, (all, k) => (k in set ? `${k}=${set[k]}` : all));
    })
    .join('\n')
    .concat('\n');
}

/** The id users know: `1234_5` for array tasks, `1234+1` for het components, else the raw id. */
export function displayId(j) {
  return j.arrayJobId ? `${j.arrayJobId}_${j.arrayTaskId}` : j.hetJobId ? `${j.hetJobId}+${j.hetJobOffset}` : j.jobid;
}

const iso = (ms) => new Date(ms).toISOString().slice(0, 19);

/** Seconds of a time limit as the cluster writes them (`D-HH:MM:SS` or `H:MM:SS`). */
function limitSeconds(limit) {
  const [d, hms] = limit.includes('-') ? limit.split('-') : ['0', limit];
  const [h, m, s] = hms.split(':').map(Number);
  return ((Number(d) * 24 + h) * 60 + m) * 60 + s;
}

/** One line of the poll's `squeue -h -O JobID:0|,...` (24 fields, each followed by `|`). */
function squeueLine(j) {
  const gres = j.gpus > 0 ? `,gres/gpu=${j.gpus},gres/gpu:a100=${j.gpus}` : '';
  const pending = j.state === 'PD';
  const f = [
    j.jobid,
    j.arrayJobId ?? j.jobid,
    j.arrayTaskId ?? 'N/A',
    j.hetJobId ?? 'N/A',
    j.hetJobId === undefined ? 'N/A' : String(j.hetJobOffset),
    j.user,
    String(j.uid),
    j.account,
    j.partition,
    'normal',
    j.state,
    String(pending ? 1 : j.nodes.length),
    pending ? '' : hostlist(j.nodes),
    String(j.cpus),
    String(j.cpus),
    mem(Math.round(j.memMiB / (pending ? 1 : j.nodes.length))),
    pending ? '' : `cpu=${j.cpus},mem=${mem(j.memMiB)},node=${j.nodes.length},billing=${j.cpus}${gres}`,
    j.gpus > 0 ? `gres:gpu:a100:${j.gpus}` : 'N/A',
    'N/A',
    'N/A',
    pending ? 'N/A' : iso(j.startMs),
    j.limit ?? '1-00:00:00',
    pending ? 'n/a' : j.nodes[0], // BatchHost: squeue prints "n/a" for a job without one
    pending ? 'N/A' : iso(j.startMs + limitSeconds(j.limit ?? '1-00:00:00') * 1000), // EndTime: start + limit
  ];
  return `${f.join('|')}|`;
}

/** What `squeue -h -t RUNNING,COMPLETING -O …` prints: running and completing jobs only. */
export function squeueRunningText(cluster) {
  return cluster.jobs.map(squeueLine).join('\n').concat('\n');
}

/** What the same `-O` query prints without `-t`: the whole queue, pending jobs included. */
export function squeueAllText(cluster) {
  const pending = cluster.pendingJobs.map((j) => squeueLine({ ...j, state: 'PD', nodes: [], gpus: 0 }));
  return squeueRunningText(cluster).concat(pending.join('\n'), pending.length > 0 ? '\n' : '');
}

/** `sdiag` as captured, with this cluster's job counts (the only place pending jobs show). */
export function sdiagText(cluster) {
  return fixture('sdiag.txt')
    .replace(/^Jobs pending:\s+\d+$/m, `Jobs pending:   ${cluster.pendingJobs.length}`)
    .replace(/^Jobs running:\s+\d+$/m, `Jobs running:   ${cluster.jobs.length}`);
}

/** `scontrol show config` as captured (preempt/partition_prio, PreemptExemptTime 2 min), renamed. */
export function configText() {
  return fixture('scontrol-config.txt').replace(/^ClusterName\s+= .*$/m, 'ClusterName             = bench');
}

/** `scontrol --version` as captured. */
export function versionText() {
  return fixture('version.txt');
}

/**
 * `sacct -P -n -o JobIDRaw,JobID,State,ExitCode,Start,End,Elapsed,TotalCPU` for jobs that ended at
 * `endMs`: each job's line (TotalCPU as sacct prints it, here 0.6 of the allocation) and its batch
 * step's line, which the parser skips.
 */
export function sacctRecordsText(jobs, endMs) {
  const elapsed = (s) => {
    const d = Math.floor(s / 86400);
    const hms = [Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60]
      .map((x) => String(x).padStart(2, '0'))
      .join(':');
    return d > 0 ? `${d}-${hms}` : hms;
  };
  // Slurm's _elapsed_time: MM:SS.mmm under an hour, else as Elapsed.
  const cpuTime = (s) =>
    s < 3600
      ? `${String(Math.floor(s / 60)).padStart(2, '0')}:${(s % 60).toFixed(3).padStart(6, '0')}`
      : elapsed(Math.round(s));
  return jobs
    .map((j, i) => {
      const id = displayId(j);
      const state = i % 10 === 0 ? 'FAILED|1:0' : i % 25 === 1 ? 'CANCELLED by 20017|0:15' : 'COMPLETED|0:0';
      const secs = Math.round((endMs - j.startMs) / 1000);
      const times = `${iso(j.startMs)}|${iso(endMs)}|${elapsed(secs)}|${cpuTime(secs * j.cpus * 0.6)}`;
      return `${j.jobid}|${id}|${state}|${times}\n${j.jobid}.batch|${id}.batch|${state}|${times}`;
    })
    .join('\n')
    .concat('\n');
}

/** `sacct -B -j …`: each job's batch script under sacct's header and rule. */
export function sacctScriptsText(jobs, script) {
  const rule = '-'.repeat(80);
  return jobs.map((j) => `Batch Script for ${displayId(j)}\n${rule}\n${script(j)}\n`).join('');
}
