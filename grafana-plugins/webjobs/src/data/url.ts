import { textUtil } from '@grafana/data';

/** What a link template is filled with: the row's job id and user. */
export interface LinkRow {
  readonly jobid: string;
  readonly user: string;
}

/** Grafana's variable interpolation (PanelProps.replaceVariables), or none outside Grafana. */
export type Interpolate = (text: string) => string;

const VARS = /\$\{(jobid|user)\}/g;

/**
 * The link of a row: `${jobid}` and `${user}` replaced by the row's values, URL-encoded, then the
 * dashboard's variables through `interpolate`, then sanitized (a `javascript:` URL becomes
 * harmless). An empty template is no link (undefined). Pure when `interpolate` is.
 */
export function jobUrl(template: string, row: LinkRow, interpolate: Interpolate = (s) => s): string | undefined {
  if (template.trim() === '') {
    return undefined;
  }
  const filled = template.replace(VARS, (_m, name: string) =>
    encodeURIComponent(name === 'jobid' ? row.jobid : row.user),
  );
  return textUtil.sanitizeUrl(interpolate(filled));
}
