/** The resources a frame can hold: `gpus:<type>` rows are GPUs of one GRES type (e.g. `gpus:a100`). */
export type ResourceUnit = 'nodes' | 'cpus' | 'gpus' | 'memory_bytes';

/** The input field names the panel reads (defaults below; each remappable in the options). */
export interface FieldNames {
  /** Availability frame: the partition's name (string). */
  partition: string;
  /** Idle amount of the row's resource (number). */
  idle: string;
  /** Allocated amount (number). */
  allocated: string;
  /** Down amount (number). */
  down: string;
  /** Drained or draining amount (number). */
  drain: string;
  /** Amount held by jobs a job of this partition may preempt (number). */
  preemptable: string;
  /** Optional: available now (number); else idle + preemptable. */
  available: string;
  /** Optional: the partition's total (number); else the sum of the states. */
  total: string;
  /** Optional: what running jobs release within 1 h by their time limits (number). */
  free1h: string;
  /** Optional: the same within 6 h (number). */
  free6h: string;
  /** Optional: the row's resource (`nodes`, `cpus`, `memory_bytes`, `gpus`, `gpus:<type>`). */
  resource: string;
  /** Grid frame (recognised by this field): the node's name. */
  node: string;
  /** Grid frame: the node's state (idle, mixed, allocated, down, drain, reserved, ...). */
  state: string;
  /** Grid frame: the node's partition(s) (one row per node and partition, or comma-separated). */
  nodePartition: string;
}

/** The panel's options. */
export interface AvailabilityOptions {
  /** The unit of a frame without a `resource` field; with one, the resource the switch starts on. */
  resource: ResourceUnit;
  /** Show the grid of every node, coloured by state, when a frame with a `node` field is present. */
  showGrid: boolean;
  /** Show "+K within 1 h" (and 6 h) where the frame has `free_1h` / `free_6h`. */
  showFreeSoon: boolean;
  /** Field-name remapping. */
  fields: FieldNames;
}

/** The default input field names (the contract's). */
export const DEFAULT_FIELDS: Readonly<FieldNames> = {
  partition: 'partition',
  idle: 'idle',
  allocated: 'allocated',
  down: 'down',
  drain: 'drain',
  preemptable: 'preemptable',
  available: 'available',
  total: 'total',
  free1h: 'free_1h',
  free6h: 'free_6h',
  resource: 'resource',
  node: 'node',
  state: 'state',
  nodePartition: 'partition',
};

/** The default options (also what module.tsx declares as each option's default). */
export const DEFAULT_OPTIONS: Readonly<AvailabilityOptions> = {
  resource: 'cpus',
  showGrid: true,
  showFreeSoon: true,
  fields: { ...DEFAULT_FIELDS },
};

/** The field names in force: the defaults overlaid with the non-blank names from the options. */
export function fieldNames(fields: Partial<FieldNames> | undefined): FieldNames {
  const out: FieldNames = { ...DEFAULT_FIELDS };
  if (fields === undefined || fields === null) {
    return out;
  }
  for (const key of Object.keys(DEFAULT_FIELDS) as Array<keyof FieldNames>) {
    const v: unknown = fields[key];
    if (typeof v === 'string' && v.trim() !== '') {
      out[key] = v.trim();
    }
  }
  return out;
}
