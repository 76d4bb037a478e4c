import { PanelPlugin } from '@grafana/data';
import { WebjobsPanel } from './components/WebjobsPanel';
import { DEFAULT_OPTIONS as D, WebjobsOptions } from './types';

const FIELDS = 'Field names';

/** The webjobs panel plugin: options wired to the component; shaping lives in src/data. */
export const plugin = new PanelPlugin<WebjobsOptions>(WebjobsPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'metric',
      name: 'Metric',
      description: 'The utilization that colours the cells.',
      defaultValue: D.metric,
      settings: {
        options: [
          { value: 'cpu', label: 'CPU' },
          { value: 'gpu', label: 'GPU' },
        ],
      },
    })
    .addRadio({
      path: 'sort',
      name: 'Sort',
      description: 'Most uneven: (max − min) / max of the nodes first; most idle: lowest mean first.',
      defaultValue: D.sort,
      settings: {
        options: [
          { value: 'uneven', label: 'Most uneven' },
          { value: 'idle', label: 'Most idle' },
          { value: 'jobid', label: 'Job id' },
        ],
      },
    })
    .addSliderInput({
      path: 'lowThreshold',
      name: 'Low from',
      description: 'Below this utilization a cell is idle (red); from here on low (orange).',
      defaultValue: D.lowThreshold,
      settings: { min: 0, max: 1, step: 0.05 },
    })
    .addSliderInput({
      path: 'goodThreshold',
      name: 'Good from',
      description: 'From this utilization on a cell is good (green).',
      defaultValue: D.goodThreshold,
      settings: { min: 0, max: 1, step: 0.05 },
    })
    .addTextInput({
      path: 'urlTemplate',
      name: 'Job link',
      description: 'URL of a job’s page: ${jobid} and ${user} are replaced, then dashboard variables. Empty: no link.',
      defaultValue: D.urlTemplate,
      settings: { placeholder: '/d/slurmscope-job?var-jobid=${jobid}' },
    })
    .addBooleanSwitch({ path: 'showUser', name: 'Show user', defaultValue: D.showUser })
    .addTextInput({ path: 'jobidField', name: 'Job id', category: [FIELDS], defaultValue: D.jobidField })
    .addTextInput({ path: 'nodeField', name: 'Node', category: [FIELDS], defaultValue: D.nodeField })
    .addTextInput({ path: 'cpuField', name: 'CPU utilization (0..1)', category: [FIELDS], defaultValue: D.cpuField })
    .addTextInput({ path: 'gpuField', name: 'GPU utilization (0..1)', category: [FIELDS], defaultValue: D.gpuField })
    .addTextInput({ path: 'userField', name: 'User', category: [FIELDS], defaultValue: D.userField })
    .addTextInput({ path: 'memField', name: 'Memory used (bytes)', category: [FIELDS], defaultValue: D.memField })
    .addTextInput({
      path: 'kindField',
      name: 'Finding kind',
      description: 'The findings frame is the one with this field and no node field.',
      category: [FIELDS],
      defaultValue: D.kindField,
    }),
);
