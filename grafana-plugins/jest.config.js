// jest (the Grafana convention for panel unit tests): jsdom, swc, and the ESM packages @grafana/* pull in.
process.env.TZ = 'UTC';
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'classic' } } } },
];
// ESM-only packages pulled in by @grafana/* (list from create-plugin's .config/jest/utils.js)
const esm = [
  '@grafana/schema',
  '@wojtekmaj/date-utils',
  'd3',
  'd3-color',
  'd3-force',
  'd3-interpolate',
  'd3-scale-chromatic',
  'get-user-locale',
  'marked',
  'memoize',
  'mimic-function',
  'ol',
  'react-calendar',
  'react-colorful',
  'rxjs',
  'uuid',
];
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'jest-environment-jsdom',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  testMatch: ['<rootDir>/*/src/**/*.test.{ts,tsx}'],
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc }, // .mjs: d3-color@3.1.1 ships dist/d3-color.mjs
  transformIgnorePatterns: [`node_modules/(?!.*(${esm.join('|')})/.*)`],
  moduleNameMapper: { '\\.(css|scss|sass)$': 'identity-obj-proxy' },
};
