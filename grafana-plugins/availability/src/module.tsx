import { PanelPlugin } from '@grafana/data';
import { AvailabilityPanel } from './components/AvailabilityPanel';
import { AvailabilityOptions, DEFAULT_FIELDS, DEFAULT_OPTIONS, FieldNames } from './types';

const FIELD_HELP: Readonly<Record<keyof FieldNames, string>> = {
  partition: "Availability frame: the partition's name",
  idle: 'Idle amount (number)',
  allocated: 'Allocated amount (number)',
  down: 'Down amount (number)',
  drain: 'Drained amount (number)',
  preemptable: 'Amount held by jobs a job of this partition may preempt (number)',
  available: 'Optional: available now (number); else idle + preemptable',
  total: "Optional: the partition's total (number)",
  free1h: 'Optional: released within 1 h by running jobs (number)',
  free6h: 'Optional: released within 6 h by running jobs (number)',
  resource: "Optional: the row's resource: nodes, cpus, memory_bytes, gpus or gpus:<type>",
  node: "Node frame (recognised by this field): the node's name",
  state: "Node frame: the node's state",
  nodePartition: "Node frame: the node's partition(s)",
};

/** The availability panel plugin: the panel and its options (defaults in types.ts). */
export const plugin = new PanelPlugin<AvailabilityOptions>(AvailabilityPanel).setPanelOptions((builder) => {
  builder
    .addRadio({
      path: 'resource',
      name: 'Resource',
      description: 'The unit of a frame without a resource field; with one, the resource the switch starts on',
      defaultValue: DEFAULT_OPTIONS.resource,
      settings: {
        options: [
          { value: 'nodes', label: 'Nodes' },
          { value: 'cpus', label: 'CPUs' },
          { value: 'gpus', label: 'GPUs' },
          { value: 'memory_bytes', label: 'Memory' },
        ],
      },
    })
    .addBooleanSwitch({
      path: 'showGrid',
      name: 'Node grid',
      description: 'Every node coloured by state, from a second frame with a node field',
      defaultValue: DEFAULT_OPTIONS.showGrid,
    })
    .addBooleanSwitch({
      path: 'showFreeSoon',
      name: 'Free soon',
      description: 'What running jobs release within 1 h and 6 h (free_1h, free_6h), where present',
      defaultValue: DEFAULT_OPTIONS.showFreeSoon,
    });
  for (const key of Object.keys(DEFAULT_FIELDS) as Array<keyof FieldNames>) {
    builder.addTextInput({
      path: `fields.${key}`,
      name: `${key} field`,
      description: FIELD_HELP[key],
      category: ['Field names'],
      defaultValue: DEFAULT_FIELDS[key],
    });
  }
});
