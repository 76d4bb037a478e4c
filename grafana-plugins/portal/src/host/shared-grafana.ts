// What the portal shares of @grafana/data and @grafana/ui with the panels it mounts. Grafana
// shares every export; the portal mounts only slurmscope's three panels, so it shares the
// exports they use, by name: webpack can then leave the rest of @grafana/ui and @grafana/data out
// of portal.js (4.0 MB → about half; the first visit parses half as much). shared-grafana.test.ts
// reads every panel's imports and fails when a panel uses an export that is not listed here.
import {
  colorManipulator,
  createDataFrame,
  createTheme,
  dateTime,
  dateTimeFormat,
  EventBusSrv,
  FieldType,
  formattedValueToString,
  getDefaultTimeRange,
  getValueFormat,
  isDateTime,
  LoadingState,
  PanelOptionsEditorBuilder,
  PanelPlugin,
  rangeUtil,
  standardEditorsRegistry,
  textUtil,
  ThemeContext as DataThemeContext,
} from '@grafana/data';
import { RadioButtonGroup, ThemeContext, useStyles2, useTheme2 } from '@grafana/ui';

/** The @grafana/data exports the panels use at run time, and what test pages build frames and themes with. */
export const sharedGrafanaData = {
  colorManipulator,
  createDataFrame,
  createTheme,
  dateTime,
  dateTimeFormat,
  EventBusSrv,
  FieldType,
  formattedValueToString,
  getDefaultTimeRange,
  getValueFormat,
  isDateTime,
  LoadingState,
  PanelOptionsEditorBuilder,
  PanelPlugin,
  rangeUtil,
  standardEditorsRegistry,
  textUtil,
  ThemeContext: DataThemeContext,
};

/** The @grafana/ui exports the panels use at run time. */
export const sharedGrafanaUi = { RadioButtonGroup, ThemeContext, useStyles2, useTheme2 };
