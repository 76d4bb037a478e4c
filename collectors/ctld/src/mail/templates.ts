import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { ConfigError, errorMessage, type CtldConfig } from '@slurmscope/common';
import type { JobMailView } from './content.js';
import type { DigestView, SummaryView } from './summary.js';

/** The shipped templates: collectors/ctld/templates/*.hbs. */
export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** A text and an HTML rendering of one kind of mail. */
export interface TemplatePair<T> {
  text(view: T): string;
  html(view: T): string;
}

/** The compiled templates of the three kinds of mail. */
export interface MailTemplates {
  readonly finding: TemplatePair<JobMailView>;
  readonly digest: TemplatePair<DigestView>;
  readonly summary: TemplatePair<SummaryView>;
}

type TemplateKeys = CtldConfig['smtp']['templates'];

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * The two Handlebars environments: text (nothing escaped: it is no HTML) and HTML (every value
 * escaped; `rich` also turns `code` spans of the advice into <code>).
 */
function environments(): { text: typeof Handlebars; html: typeof Handlebars } {
  const text = Handlebars.create();
  const html = Handlebars.create();
  html.registerHelper('rich', (value: unknown) => {
    // Odd segments between backticks are code; each segment escaped on its own (text context).
    const parts = String(value ?? '').split('`');
    return new html.SafeString(
      parts.map((p, i) => (i % 2 === 1 ? `<code>${escapeHtml(p)}</code>` : escapeHtml(p))).join(''),
    );
  });
  text.registerHelper('rich', (value: unknown) => String(value ?? ''));
  return { text, html };
}

/** Reads one template: the configured file, else the shipped one; a bad file is a ConfigError naming the key. */
function compile(
  env: typeof Handlebars,
  o: { key: keyof TemplateKeys; file: string | undefined; shipped: string; escape: boolean },
): Handlebars.TemplateDelegate {
  const path = o.file ?? `${DEFAULT_TEMPLATE_DIR}${o.shipped}`;
  try {
    const source = readFileSync(path, 'utf8');
    const template = env.compile(source, { noEscape: !o.escape });
    // Compilation is lazy: render once with nothing so that a syntax error shows at start-up.
    template({});
    return template;
  } catch (err) {
    throw new ConfigError('(config)', `smtp.templates.${o.key}`, `${path}: ${errorMessage(err)}`);
  }
}

/** Compiles the six templates (the configured files replacing the shipped ones); throws ConfigError. */
export function loadTemplates(files: TemplateKeys): MailTemplates {
  const env = environments();
  const pair = <T>(name: 'finding' | 'digest' | 'summary'): TemplatePair<T> => {
    const text = compile(env.text, {
      key: `${name}Text`,
      file: files[`${name}Text`],
      shipped: `${name}.txt.hbs`,
      escape: false,
    });
    const html = compile(env.html, {
      key: `${name}Html`,
      file: files[`${name}Html`],
      shipped: `${name}.html.hbs`,
      escape: true,
    });
    return { text: (v) => text(v), html: (v) => html(v) };
  };
  return { finding: pair('finding'), digest: pair('digest'), summary: pair('summary') };
}
