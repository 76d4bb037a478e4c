// ESLint flat config: typescript-eslint's recommended rules for every workspace's sources, and for
// the Grafana panels (grafana-plugins/) Grafana's own plugin rules (@grafana/eslint-config, what
// @grafana/create-plugin scaffolds) with React and browser globals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import grafanaConfig from '@grafana/eslint-config';

const PANEL_SOURCES = ['grafana-plugins/*/src/**/*.{ts,tsx}'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/testdata/**',
      'grafana-plugins/**/dist/**',
      'grafana-plugins/**/build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  ...grafanaConfig.map((c) => ({ ...c, files: PANEL_SOURCES })),
  {
    files: PANEL_SOURCES,
    languageOptions: { globals: { ...globals.browser, ...globals.jest } },
    rules: {
      // Grafana's config turns these off; the rest of slurmscope keeps them.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['grafana-plugins/*.js', 'grafana-plugins/scripts/**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.jest, ...globals.browser } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
