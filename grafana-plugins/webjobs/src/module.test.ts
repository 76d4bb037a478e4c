import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { plugin } from './module';
import { DEFAULT_OPTIONS, WebjobsOptions } from './types';

// Grafana registers its option editors at start; outside it, placeholders let the builder run.
beforeAll(() => {
  for (const id of ['radio', 'slider', 'text', 'boolean']) {
    if (standardEditorsRegistry.getIfExists(id) === undefined) {
      standardEditorsRegistry.register({ id, name: id, editor: () => null });
    }
  }
});

describe('plugin', () => {
  test('every option has an editor, and the editors declare DEFAULT_OPTIONS as their defaults', () => {
    expect(plugin.defaults).toEqual(DEFAULT_OPTIONS);
    const builder = new PanelOptionsEditorBuilder<WebjobsOptions>();
    plugin.getPanelOptionsSupplier()(builder, { data: [] });
    const paths = builder.getItems().map((e) => e.path);
    expect(paths.sort()).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
  });
});
