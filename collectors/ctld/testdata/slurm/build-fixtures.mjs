// Builds 23.02/ 23.11/ 24.05/ 24.11/ 25.05/{nodes,jobs}.json: slurmscope's own small cluster written
// in the shape each release prints (checked against real outputs, see README.md). No Slurm of
// those releases ran here. Usage: node build-fixtures.mjs [dir]
import { writeFileSync } from 'node:fs';
const OUT = process.argv[2] ?? new URL('.', import.meta.url).pathname;
const V = {
  '23.02': { dp: 'v0.0.39', major: 23, minor: 2, micro: 7 },
  '23.11': { dp: 'v0.0.40', major: 23, minor: 11, micro: 10 },
  '24.05': { dp: 'v0.0.41', major: 24, minor: 5, micro: 8 },
  '24.11': { dp: 'v0.0.42', major: 24, minor: 11, micro: 5 },
  '25.05': { dp: 'v0.0.43', major: 25, minor: 5, micro: 2 },
};
const o = (n, set = true, inf = false) => ({ set, infinite: inf, number: n });
const unset = () => o(0, false);
const infinite = () => o(0, false, true);

function meta(ver, command) {
  const v = V[ver];
  const release = `${v.major}.${String(v.minor).padStart(2, '0')}.${v.micro}`;
  if (ver === '23.02')
    return {
      plugins: { data_parser: `data_parser/${v.dp}`, accounting_storage: 'accounting_storage/slurmdbd' },
      command,
      Slurm: { version: { major: v.major, micro: v.micro, minor: v.minor }, release },
    };
  return {
    plugin: { type: '', name: '', data_parser: `data_parser/${v.dp}`, accounting_storage: 'accounting_storage/slurmdbd' },
    client: { source: '/dev/pts/0', user: 'root', group: 'root' },
    command,
    slurm: {
      version: { major: String(v.major), micro: String(v.micro), minor: String(v.minor).padStart(2, '0') },
      release,
      cluster: 'hpc',
    },
  };
}

const NODES = [
  { name: 'g1', cores: 32, cpus: 64, mem: 512000, free: 380928, load: 1600, state: ['MIXED'], parts: ['gpu', 'scavenger'],
    gres: 'gpu:a100:4(S:0-1)', gresUsed: 'gpu:a100:2(IDX:0-1)', allocCpus: 16, allocMem: 131072, reason: '',
    tres: 'cpu=64,mem=500000M,billing=64,gres/gpu=4,gres/gpu:a100=4', tresUsed: 'cpu=16,mem=128G' },
  { name: 'c1', state: ['IDLE'], parts: ['cpu', 'scavenger'] },
  { name: 'c2', state: ['MIXED', 'DRAIN'], parts: ['cpu', 'scavenger'], allocCpus: 8, allocMem: 16000, load: 800,
    reason: 'bad dimm', reasonBy: 'root', reasonAt: 1739990000, tresUsed: 'cpu=8,mem=16000M' },
  { name: 'c3', state: ['DOWN', 'NOT_RESPONDING'], parts: ['cpu', 'scavenger'], reason: 'Not responding',
    reasonBy: 'slurm', reasonAt: 1739995000 },
  { name: 'c4', state: ['IDLE', 'POWERED_DOWN'], parts: ['cpu'] },
  { name: 'c5', state: ['IDLE', 'PLANNED'], parts: ['cpu'] },
  { name: 'c6', state: ['ALLOCATED', 'RESERVED', 'MAINTENANCE'], parts: ['cpu'], allocCpus: 32, allocMem: 192000,
    load: 3200, free: 1024, reservation: 'maint_c6', tresUsed: 'cpu=32,mem=192000M' },
];

function node(ver, d) {
  const plain = ver === '23.02';
  const t = (n) => (plain ? n : o(n));
  const n = {
    cores: 16, cpus: 32, mem: 192000, free: 176000, load: 0, allocCpus: 0, allocMem: 0, reason: '', reasonBy: '',
    reasonAt: 0, gres: '', gresUsed: ver < '24.05' ? 'gpu:0' : '', tres: 'cpu=32,mem=192000M,billing=32',
    tresUsed: '', reservation: '', ...d,
  };
  const v = V[ver];
  const out = {
    architecture: 'x86_64',
    burstbuffer_network_address: '',
    boards: 1,
    boot_time: t(1739900000),
  };
  if (ver >= '25.05') {
    out.tls_cert_last_renewal = o(0);
    out.cert_flags = [];
  }
  Object.assign(out, {
    cluster_name: '',
    cores: n.cores,
    specialized_cores: 0,
    cpu_binding: 0,
    cpu_load: plain ? o(n.load) : n.load,
    free_mem: o(n.free),
    cpus: n.cpus,
    effective_cpus: n.cpus,
    specialized_cpus: '',
    energy: {
      average_watts: 0,
      base_consumed_energy: 0,
      consumed_energy: 0,
      current_watts: plain ? 0 : o(0),
      previous_consumed_energy: 0,
      last_collected: 0,
    },
    external_sensors:
      ver >= '24.05'
        ? {}
        : { consumed_energy: unset(), temperature: unset(), energy_update_time: 0, current_watts: 0 },
    extra: '',
    power:
      ver >= '24.05'
        ? {}
        : {
            maximum_watts: unset(), current_watts: 0, total_energy: 0, new_maximum_watts: 0, peak_watts: 0,
            lowest_watts: 0, new_job_time: t(0), state: 0, time_start_day: 0,
          },
    features: ['avx512'],
    active_features: ['avx512'],
  });
  if (ver >= '24.05') out.gpu_spec = '';
  Object.assign(out, { gres: n.gres, gres_drained: 'N/A', gres_used: n.gresUsed });
  if (!plain) Object.assign(out, { instance_id: '', instance_type: '' });
  Object.assign(out, {
    last_busy: t(1740001000),
    mcs_label: '',
    specialized_memory: 0,
    name: n.name,
    next_state_after_reboot: ['INVALID'],
    address: n.name,
    hostname: n.name,
    state: n.state,
    operating_system: 'Linux 5.14.0-427.el9.x86_64 #1 SMP PREEMPT_DYNAMIC',
    owner: '',
    partitions: n.parts,
    port: 6818,
    real_memory: n.mem,
  });
  if (ver >= '24.05') out.res_cores_per_gpu = 0;
  Object.assign(out, {
    comment: '',
    reason: n.reason,
    reason_changed_at: t(n.reasonAt),
    reason_set_by_user: n.reasonBy,
    resume_after: o(0),
    reservation: n.reservation,
    alloc_memory: n.allocMem,
    alloc_cpus: n.allocCpus,
    alloc_idle_cpus: n.cpus - n.allocCpus,
    tres_used: n.tresUsed,
    tres_weighted: n.allocCpus,
    slurmd_start_time: t(1739900100),
    sockets: 2,
    threads: 1,
    temporary_disk: 0,
    weight: 1,
  });
  if (ver >= '25.05') out.topology = '';
  Object.assign(out, { tres: n.tres, version: `${v.major}.${String(v.minor).padStart(2, '0')}.${v.micro}` });
  return out;
}

const JOBS = [
  // GPU job; AccountingStorageTRES does not name gres/gpu (the default), so tres_alloc_str has no GPUs.
  { id: 101, user: 'alice', uid: 1001, account: 'physics', part: 'gpu', state: 'RUNNING', nodes: 'g1', hosts: ['g1'],
    cpus: 16, memNode: 131072, tres: 'cpu=16,mem=128G,node=1,billing=16', gresDetail: ['gpu:a100:2(IDX:0-1)'],
    perNode: 'gpu:a100:2', cpt: 16 },
  // Array task 100_3.
  { id: 102, arrayJob: 100, arrayTask: 3, user: 'bob', uid: 1002, account: 'chem', part: 'scavenger', state: 'RUNNING',
    nodes: 'c2', hosts: ['c2'], cpus: 8, memCpu: 2000, tres: 'cpu=8,mem=16000M,node=1,billing=8' },
  // Heterogeneous job 103, component 0.
  { id: 103, het: 103, hetOffset: 0, hetSet: '103-104', user: 'alice', uid: 1001, account: 'physics', part: 'cpu',
    state: 'RUNNING', nodes: 'c6', hosts: ['c6'], cpus: 32, memNode: 192000, tres: 'cpu=32,mem=187.50G,node=1,billing=32' },
  // Ending job, its nodes still completing.
  { id: 104, user: 'carol', uid: 1003, account: 'bio', part: 'cpu', state: 'COMPLETING', base: 'COMPLETED',
    nodes: 'c[5-6]', hosts: ['c5', 'c6'], cpus: 2, memNode: 1024, tres: 'cpu=2,mem=2G,node=2,billing=2', ended: true },
  // Pending: left out by the parser.
  { id: 105, user: 'carol', uid: 1003, account: 'bio', part: 'cpu', state: 'PENDING', nodes: '', hosts: [], cpus: 64,
    memNode: 4096, tres: '', reasonText: 'Resources', pending: true },
];

function jobResources(ver, j) {
  if (j.pending) return {};
  const perNode = j.cpus / j.hosts.length;
  const memPer = (j.memNode ?? (j.memCpu ?? 0) * perNode);
  if (ver < '24.05') {
    const cores = {};
    for (let c = 0; c < Math.min(perNode, 4); c++) cores[String(c)] = 'allocated';
    return {
      nodes: j.nodes,
      allocated_cores: 0,
      allocated_cpus: 0,
      allocated_hosts: j.hosts.length,
      allocated_nodes: j.hosts.map((h) => ({
        sockets: { 0: { cores } },
        nodename: h,
        cpus_used: 0,
        memory_used: 0,
        memory_allocated: memPer,
      })),
    };
  }
  return {
    select_type: ['CORE', 'MEMORY'],
    nodes: {
      count: j.hosts.length,
      select_type: ['ONE_ROW'],
      list: j.nodes,
      whole: false,
      allocation: j.hosts.map((h, index) => ({
        index,
        name: h,
        cpus: { count: perNode, used: 0 },
        memory: { used: 0, allocated: memPer },
        sockets: [
          {
            index: 0,
            cores: Array.from({ length: 2 }, (_, c) => ({ index: c, status: [c < perNode ? 'ALLOCATED' : 'UNALLOCATED'] })),
          },
        ],
      })),
    },
    cpus: j.cpus,
    threads_per_core: unset(),
  };
}

function job(ver, j) {
  const plain = ver === '23.02';
  const t = (n) => (plain ? n : o(n));
  const exit = (rc) =>
    plain ? o(rc) : { status: [rc === 0 ? 'SUCCESS' : 'ERROR'], return_code: o(rc), signal: { id: unset(), name: '' } };
  const gresPrefix = plain ? 'gres:' : 'gres/';
  const start = j.pending ? 0 : 1740000500;
  const end = j.pending ? 0 : j.ended ? 1740001990 : 1740004100;
  const state = plain ? j.state : j.base ? [j.base, j.state] : [j.state];
  const out = {
    account: j.account,
    accrue_time: t(1740000400),
    admin_comment: '',
    allocating_node: 'login1',
    array_job_id: o(j.arrayJob ?? 0),
    array_task_id: j.arrayTask === undefined ? unset() : o(j.arrayTask),
    array_max_tasks: o(0),
    array_task_string: '',
    association_id: 7,
    batch_features: '',
    batch_flag: true,
    batch_host: j.hosts[0] ?? '',
    flags: j.pending ? ['USING_DEFAULT_QOS', 'USING_DEFAULT_WCKEY'] : ['ACCRUE_COUNT_CLEARED', 'JOB_WAS_RUNNING', 'USING_DEFAULT_QOS', 'USING_DEFAULT_WCKEY'],
    burst_buffer: '',
    burst_buffer_state: '',
    cluster: 'hpc',
    cluster_features: '',
    command: `/home/${j.user}/run.sh`,
    comment: '',
    container: '',
    container_id: '',
    contiguous: false,
    core_spec: 0,
    thread_spec: 32766,
    cores_per_socket: unset(),
    billable_tres: o(j.cpus),
    cpus_per_task: o(j.cpt ?? 1),
    cpu_frequency_minimum: unset(),
    cpu_frequency_maximum: unset(),
    cpu_frequency_governor: unset(),
    cpus_per_tres: '',
    cron: '',
    deadline: t(0),
    delay_boot: o(0),
    dependency: '',
    derived_exit_code: exit(0),
    eligible_time: t(1740000400),
    end_time: t(end),
    excluded_nodes: '',
    exit_code: exit(0),
    extra: '',
    failed_node: '',
    features: '',
    federation_origin: '',
    federation_siblings_active: '',
    federation_siblings_viable: '',
    gres_detail: j.gresDetail ?? [],
    group_id: 1000,
    group_name: 'users',
    het_job_id: o(j.het ?? 0),
    het_job_id_set: j.hetSet ?? '',
    het_job_offset: o(j.hetOffset ?? 0),
    job_id: j.id,
    job_resources: jobResources(ver, j),
    job_size_str: [],
    job_state: state,
    last_sched_evaluation: t(1740000500),
    licenses: '',
  };
  if (ver >= '25.05') out.licenses_allocated = '';
  Object.assign(out, {
    mail_type: [],
    mail_user: j.user,
    max_cpus: o(0),
    max_nodes: o(0),
    mcs_label: '',
    memory_per_tres: '',
    name: `job${j.id}`,
    network: '',
    nodes: j.nodes,
    nice: 0,
    tasks_per_core: infinite(),
    tasks_per_tres: o(0),
    tasks_per_node: o(0),
    tasks_per_socket: infinite(),
    tasks_per_board: o(0),
    cpus: o(j.cpus),
    node_count: o(Math.max(1, j.hosts.length)),
    tasks: o(j.cpus / (j.cpt ?? 1)),
    partition: j.part,
    prefer: '',
    memory_per_cpu: j.memCpu === undefined ? unset() : o(j.memCpu),
    memory_per_node: j.memNode === undefined ? unset() : o(j.memNode),
    minimum_cpus_per_node: o(1),
    minimum_tmp_disk_per_node: o(0),
    power: { flags: [] },
    preempt_time: t(0),
    preemptable_time: t(0),
    pre_sus_time: t(0),
    hold: false,
    priority: o(j.pending ? 4000 : 100),
  });
  if (ver >= '24.11') out.priority_by_partition = [];
  Object.assign(out, {
    profile: ['NOT_SET'],
    qos: 'normal',
    reboot: false,
    required_nodes: '',
  });
  out[ver >= '24.11' ? 'required_switches' : 'minimum_switches'] = 0;
  Object.assign(out, {
    requeue: true,
    resize_time: t(0),
    restart_cnt: 0,
    resv_name: j.id === 103 ? 'maint_c6' : '',
    scheduled_nodes: '',
  });
  if (ver >= '25.05') out.segment_size = 0;
  out.selinux_context = '';
  out.shared = [];
  if (ver < '24.11') Object.assign(out, { exclusive: [], oversubscribe: true, show_flags: ['DETAIL', 'LOCAL'] });
  Object.assign(out, {
    sockets_per_board: 0,
    sockets_per_node: unset(),
    start_time: t(start),
    state_description: '',
    state_reason: j.reasonText ?? 'None',
    standard_error: `/home/${j.user}/slurm-${j.id}.out`,
    standard_input: '/dev/null',
    standard_output: `/home/${j.user}/slurm-${j.id}.out`,
  });
  if (ver >= '25.05')
    Object.assign(out, {
      stdin_expanded: '/dev/null',
      stdout_expanded: `/home/${j.user}/slurm-${j.id}.out`,
      stderr_expanded: `/home/${j.user}/slurm-${j.id}.out`,
    });
  Object.assign(out, {
    submit_time: t(1740000400),
    suspend_time: t(0),
    system_comment: '',
    time_limit: o(60),
    time_minimum: o(0),
    threads_per_core: unset(),
    tres_bind: '',
    tres_freq: '',
    tres_per_job: '',
    tres_per_node: j.perNode ? gresPrefix + j.perNode : '',
    tres_per_socket: '',
    tres_per_task: '',
    tres_req_str: j.pending ? 'cpu=64,mem=4G,node=1,billing=64' : j.tres,
    tres_alloc_str: j.tres,
    user_id: j.uid,
    user_name: j.user,
    maximum_switch_wait_time: 0,
    wckey: '',
    current_working_directory: `/home/${j.user}`,
  });
  return out;
}

for (const ver of Object.keys(V)) {
  const nodesDoc = { nodes: NODES.map((n) => node(ver, n)) };
  const jobsDoc = { jobs: JOBS.map((j) => job(ver, j)) };
  if (ver !== '23.02') {
    nodesDoc.last_update = o(1740002000);
    jobsDoc.last_backfill = o(1740001900);
    jobsDoc.last_update = o(1740002000);
  }
  nodesDoc.meta = meta(ver, ver === '23.02' ? ['scontrol', 'show', 'nodes', '--json'] : ['show', 'nodes']);
  jobsDoc.meta = meta(ver, ['squeue', '--json']);
  for (const d of [nodesDoc, jobsDoc]) Object.assign(d, { errors: [], warnings: [] });
  writeFileSync(`${OUT}/${ver}/nodes.json`, slurmJson(nodesDoc));
  writeFileSync(`${OUT}/${ver}/jobs.json`, slurmJson(jobsDoc));
}
// Slurm's JSON writer escapes "/" as "\/".
function slurmJson(doc) {
  return JSON.stringify(doc, null, 2).replaceAll('/', '\\/') + '\n';
}
