// The checks Grafana's plugin validator (github.com/grafana/plugin-validator) makes of a built panel
// that can run offline: its binary downloads itself at first run, which CI cannot do. Each rule
// below names the validator analyzer it stands for. Pure apart from reading the dist folder.
import fs from 'node:fs';
import path from 'node:path';

/** Panel folders and their fixed ids: dashboards and sites refer to these ids. */
export const PANELS = {
  availability: 'slurmscope-availability-panel',
  webjobs: 'slurmscope-webjobs-panel',
  co2: 'slurmscope-co2-panel',
};

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*-(?:panel|datasource|app)$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RANGE = /^(?:>=|>|\^|~)?\d+\.\d+\.\d+(?:\s.*)?$/;
const IMAGE = /\.(?:svg|png|jpe?g|gif)$/i;

/**
 * Problems of one built plugin folder (`<panel>/dist`), each a sentence naming the file and the
 * rule; empty when it passes. `expect` is the id and version it must carry.
 */
export function checkPluginDist(dist, expect) {
  const problems = [];
  const file = (rel) => path.join(dist, rel);
  const has = (rel) => fs.existsSync(file(rel)) && fs.statSync(file(rel)).isFile();
  if (!has('plugin.json')) return [`${dist}: no plugin.json (metadatapaths): build the plugin first`];
  let meta;
  try {
    meta = JSON.parse(fs.readFileSync(file('plugin.json'), 'utf8'));
  } catch (err) {
    return [`${file('plugin.json')}: not JSON (metadatavalid): ${err.message}`];
  }
  const info = meta.info ?? {};
  const need = (ok, text) => ok || problems.push(`${file('plugin.json')}: ${text}`);
  need(meta.id === expect.id, `id must be "${expect.id}", is "${meta.id}" (fixed id)`);
  need(ID.test(String(meta.id)), `id "${meta.id}" is not <org>-<name>-<type> in lower case (metadatavalid)`);
  need(
    meta.type === 'panel' && String(meta.id).endsWith('-panel'),
    `type must be "panel" with an id ending in -panel (typesuffix)`,
  );
  need(typeof meta.name === 'string' && meta.name.trim() !== '', 'name is missing (metadatavalid)');
  need(
    typeof info.description === 'string' && info.description.length >= 20,
    'info.description is missing or too short (metadatavalid)',
  );
  need(typeof info.author?.name === 'string' && info.author.name !== '', 'info.author.name is missing (metadatavalid)');
  need(Array.isArray(info.keywords) && info.keywords.length > 0, 'info.keywords is empty (metadatavalid)');
  need(
    SEMVER.test(String(info.version)) && info.version === expect.version,
    `info.version must be ${expect.version}, is "${info.version}" (version)`,
  );
  need(DATE.test(String(info.updated)), `info.updated must be YYYY-MM-DD, is "${info.updated}"`);
  need(
    RANGE.test(String(meta.dependencies?.grafanaDependency ?? '')),
    'dependencies.grafanaDependency must be a version range like ">=12.3.0" (grafanadependency)',
  );
  for (const [which, rel] of Object.entries(info.logos ?? {})) {
    need(IMAGE.test(String(rel)) && has(rel), `info.logos.${which} "${rel}" is not an image in the build (logos)`);
  }
  need(info.logos?.small !== undefined && info.logos?.large !== undefined, 'info.logos needs small and large (logos)');
  for (const s of info.screenshots ?? []) {
    need(
      IMAGE.test(String(s.path)) && has(String(s.path)),
      `screenshot "${s.path}" is not an image in the build (screenshots)`,
    );
  }
  need((info.screenshots ?? []).length > 0, 'no screenshots (screenshots)');
  const text = fs.readFileSync(file('plugin.json'), 'utf8');
  need(!/%[A-Z]+%/.test(text), 'an unreplaced %PLACEHOLDER% is left (templatereadme)');
  checkModule(dist, problems);
  checkDocs(dist, problems);
  return problems;
}

function checkModule(dist, problems) {
  const module = path.join(dist, 'module.js');
  if (!fs.existsSync(module)) {
    problems.push(`${module}: missing (modulejs)`);
    return;
  }
  const js = fs.readFileSync(module, 'utf8');
  // Grafana's loader (SystemJS + AMD extra) needs an AMD module; React and @grafana/* must come from Grafana.
  if (!/^(?:\/\*[\s\S]*?\*\/\s*)?(?:\/\/[^\n]*\n\s*)*define\(/.test(js))
    problems.push(`${module}: not an AMD module (define(...)) (modulejs)`);
  for (const shared of ['react', '@grafana/data', '@grafana/ui']) {
    if (!js.includes(`"${shared}"`))
      problems.push(`${module}: does not take "${shared}" from Grafana (bundles its own copy?) (modulejs)`);
  }
  if (!fs.existsSync(`${module}.map`))
    problems.push(`${module}.map: missing (sourcecode: Grafana asks for source maps)`);
  if (/\bconsole\.log\(/.test(js)) problems.push(`${module}: calls console.log (jsMap/logging)`);
}

function checkDocs(dist, problems) {
  const readme = path.join(dist, 'README.md');
  if (!fs.existsSync(readme)) problems.push(`${readme}: missing (readme)`);
  else {
    const text = fs.readFileSync(readme, 'utf8');
    if (text.trim().length < 200) problems.push(`${readme}: too short to help anyone (readme)`);
    if (/%[A-Z]+%|TODO|Brief description of/i.test(text))
      problems.push(`${readme}: has a placeholder or TODO left (templatereadme)`);
  }
  if (!fs.existsSync(path.join(dist, 'CHANGELOG.md')))
    problems.push(`${path.join(dist, 'CHANGELOG.md')}: missing (changelog)`);
  if (!fs.existsSync(path.join(dist, 'LICENSE'))) problems.push(`${path.join(dist, 'LICENSE')}: missing (license)`);
}

/** Every file under `dir`, as paths relative to it, sorted (the zip's order). */
export function listFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}
