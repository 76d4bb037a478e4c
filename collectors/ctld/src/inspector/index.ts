export { LiveInspector, type InspectorCycle, type InspectorOptions } from './inspector.js';
export { openInspector } from './setup.js';
export { ruleFor, isExempt, type EffectiveRule } from './rules.js';
export type { FindingCost, FindingMailPort, FindingSource, NodeFigure, RaisedFinding } from './types.js';
