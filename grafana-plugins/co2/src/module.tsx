import { PanelOptionsEditorBuilder, PanelPlugin } from '@grafana/data';
import { Co2Panel } from './components/Co2Panel';
import { Co2Options, DEFAULT_OPTIONS } from './types';

const FIELDS = ['Fields'];
const BREAKDOWN = ['Breakdown'];
const EQUIVALENTS = ['Everyday equivalents'];

/** The slurmscope CO2 panel: options wired to Co2Panel, defaults from types.ts. */
export const plugin = new PanelPlugin<Co2Options>(Co2Panel).setPanelOptions((builder) => {
  builder
    .addTextInput({
      path: 'keyField',
      name: 'Key field',
      description: 'The field naming each row: jobid, or user, account, partition when the query groups by those.',
      defaultValue: DEFAULT_OPTIONS.keyField,
      category: FIELDS,
    })
    .addTextInput({
      path: 'energyField',
      name: 'Energy field (J)',
      defaultValue: DEFAULT_OPTIONS.energyField,
      category: FIELDS,
    })
    .addTextInput({
      path: 'co2Field',
      name: 'CO2e field (g)',
      defaultValue: DEFAULT_OPTIONS.co2Field,
      category: FIELDS,
    })
    .addTextInput({
      path: 'savedField',
      name: 'Saved energy field (J)',
      description: 'Energy saved by throttling; shown when the field is present (in this frame or one of its own).',
      defaultValue: DEFAULT_OPTIONS.savedField,
      category: FIELDS,
    })
    .addNumberInput({
      path: 'topN',
      name: 'Bars',
      description: 'The largest by CO2e; the rest is one "others" bar.',
      defaultValue: DEFAULT_OPTIONS.topN,
      settings: { min: 1, integer: true },
      category: BREAKDOWN,
    })
    .addBooleanSwitch({
      path: 'showEquivalents',
      name: 'Show equivalents',
      defaultValue: DEFAULT_OPTIONS.showEquivalents,
      category: EQUIVALENTS,
    });
  addEquivalent(builder, 'carEnabled', 'carGramsPerKm', 'Car km', 'g CO2e per km of an average petrol car');
  addEquivalent(builder, 'kettleEnabled', 'kettleKwhPerBoil', 'Kettles boiled', 'kWh per boil of 1 litre');
  addEquivalent(builder, 'phoneEnabled', 'phoneKwhPerCharge', 'Smartphone charges', 'kWh per full charge');
  addEquivalent(builder, 'treeEnabled', 'treeKgPerYear', 'Tree-years', 'kg CO2 one tree takes up in a year');
});

type Builder = PanelOptionsEditorBuilder<Co2Options>;
type Switch = 'carEnabled' | 'kettleEnabled' | 'phoneEnabled' | 'treeEnabled';
type Factor = 'carGramsPerKm' | 'kettleKwhPerBoil' | 'phoneKwhPerCharge' | 'treeKgPerYear';

/** One equivalent: a switch, and its factor (shown while the switch is on). */
function addEquivalent(builder: Builder, on: Switch, factor: Factor, name: string, unit: string) {
  builder
    .addBooleanSwitch({
      path: on,
      name,
      defaultValue: DEFAULT_OPTIONS[on],
      category: EQUIVALENTS,
      showIf: (o) => o.showEquivalents,
    })
    .addNumberInput({
      path: factor,
      name: `${name}: factor`,
      description: `${unit} (sources in the README)`,
      defaultValue: DEFAULT_OPTIONS[factor],
      settings: { min: 0, step: 0.001 },
      category: EQUIVALENTS,
      showIf: (o) => o.showEquivalents && o[on],
    });
}
