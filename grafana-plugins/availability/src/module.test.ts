import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { plugin } from './module';
import { AvailabilityOptions, DEFAULT_FIELDS, DEFAULT_OPTIONS } from './types';

// Grafana core registers the option editors; here stand-ins of the three kinds the panel uses
standardEditorsRegistry.setInit(() => ['radio', 'boolean', 'text'].map((id) => ({ id, name: id, editor: () => null })));

test('module: every option, field names included, is declared with the default from types.ts', () => {
  const builder = new PanelOptionsEditorBuilder<AvailabilityOptions>();
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  const defaults = Object.fromEntries(builder.getItems().map((item) => [item.path, item.defaultValue]));
  expect(defaults).toEqual({
    resource: DEFAULT_OPTIONS.resource,
    showGrid: true,
    showFreeSoon: true,
    ...Object.fromEntries(Object.entries(DEFAULT_FIELDS).map(([k, v]) => [`fields.${k}`, v])),
  });
  expect(defaults['fields.free1h']).toBe('free_1h');
});
