// Builds each panel the way @grafana/create-plugin does: <panel>/src/module.tsx → <panel>/dist/module.js
// (AMD, React and @grafana/* external: Grafana provides them at runtime) + plugin.json, README, logo,
// screenshots. Then the portal bundle (portal/dist/portal.js): the host page ctld serves, which
// loads those same dist/module.js files through SystemJS and shares React and @grafana/* with them.
const fs = require('fs');
const path = require('path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const TerserPlugin = require('terser-webpack-plugin');
const webpack = require('webpack');

/** The panels, by folder. Their ids (src/plugin.json) are fixed: dashboards and sites refer to them. */
const PANELS = ['availability', 'webjobs', 'co2'];
const version = require('./package.json').version;
const today = new Date().toISOString().substring(0, 10);

// Same list as @grafana/create-plugin's .config/bundler/externals.ts: provided by Grafana at runtime.
const externals = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
];

const swc = (target) => ({
  loader: 'swc-loader',
  options: {
    jsc: { target, parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'classic' } } },
  },
});

const minimize = (env) => ({
  minimize: Boolean(env.production),
  minimizer: [new TerserPlugin({ minify: TerserPlugin.swcMinify, extractComments: false })],
});

const panel = (name, env) => {
  const dir = path.resolve(__dirname, name);
  const pluginJson = JSON.parse(fs.readFileSync(path.join(dir, 'src/plugin.json'), 'utf8'));
  const stamp = (buf) =>
    buf
      .toString()
      .replace(/%VERSION%/g, version)
      .replace(/%TODAY%/g, today);
  return {
    name,
    mode: env.production ? 'production' : 'development',
    devtool: env.production ? 'source-map' : 'eval-source-map',
    context: path.join(dir, 'src'),
    entry: { module: path.join(dir, 'src', 'module.tsx') },
    externals,
    output: {
      path: path.join(dir, 'dist'),
      filename: '[name].js',
      library: { type: 'amd' },
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      clean: true,
    },
    resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx'] },
    module: {
      rules: [
        { test: /\.[tj]sx?$/, exclude: /node_modules/, use: swc('es2018') },
        { test: /\.(png|jpe?g|gif|svg)$/, type: 'asset/resource' },
      ],
    },
    optimization: minimize(env),
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'plugin.json', to: '.', transform: stamp },
          { from: '../README.md', to: '.', transform: stamp },
          { from: '../CHANGELOG.md', to: '.', noErrorOnMissing: true },
          { from: '../../../LICENSE', to: '.' },
          { from: 'img', to: 'img' },
        ],
      }),
    ],
    performance: { hints: false },
  };
};

/** The portal host: React, @grafana/* and SystemJS bundled once; the panels come from their dist/. */
const portal = (env) => ({
  name: 'portal',
  mode: env.production ? 'production' : 'development',
  devtool: false,
  entry: { portal: path.resolve(__dirname, 'portal/src/index.tsx') },
  output: { path: path.resolve(__dirname, 'portal/dist'), filename: '[name].js', clean: true },
  resolve: {
    extensions: ['.ts', '.tsx', '.js', '.jsx'],
    // @grafana/ui's code editor loads Monaco lazily; no panel uses it, and bundling it cost most of
    // the build's time and ~85 chunk files. Aliased to an empty module.
    alias: {
      'monaco-editor': false,
      '@monaco-editor/react': false,
      // moment-timezone's index loads every zone's whole history (0.7 MB); the portal shows times in
      // the browser's zone or UTC, and this build keeps every zone for the years around now.
      'moment-timezone$': 'moment-timezone/builds/moment-timezone-with-data-10-year-range.js',
    },
  },
  module: {
    rules: [
      // @grafana/ui's .mjs files import 'ol/format/WKT' without extension: relax ESM fully-specified resolution
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.[tj]sx?$/, exclude: /node_modules/, use: swc('es2020') },
    ],
  },
  optimization: minimize(env),
  // moment's ~130 locales (require('./locale/' + name)): the portal speaks English.
  plugins: [new webpack.IgnorePlugin({ resourceRegExp: /^\.\/locale$/, contextRegExp: /moment$/ })],
  performance: { hints: false },
});

module.exports = (env = {}) => {
  const only = env.only ? String(env.only).split(',') : [...PANELS, 'portal'];
  return only.map((p) => (p === 'portal' ? portal(env) : panel(p, env)));
};
module.exports.PANELS = PANELS;
