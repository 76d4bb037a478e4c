import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RAPL_CEILING_UW, discoverRapl, readBootId, readRapl, readRaplZones } from './rapl.js';

const testdata = (name: string): string => fileURLToPath(new URL(`../../testdata/${name}`, import.meta.url));

function withCopy(name: string, fn: (root: string) => void): void {
  const tmp = mkdtempSync(join(tmpdir(), 'rapl-'));
  try {
    cpSync(testdata(name), tmp, { recursive: true, verbatimSymlinks: true });
    fn(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('RAPL zones', () => {
  test('Intel: packages, subzones as parent/child, psys; mmio skipped', () => {
    const { zones, errors } = readRaplZones(testdata('root-rapl-intel'));
    assert.deepEqual(errors, []);
    assert.deepEqual(
      zones.map((z) => [z.id, z.name, z.kind]),
      [
        ['intel-rapl:0', 'package-0', 'package'],
        ['intel-rapl:0:0', 'package-0/core', 'core'],
        ['intel-rapl:0:1', 'package-0/uncore', 'uncore'],
        ['intel-rapl:0:2', 'package-0/dram', 'dram'],
        ['intel-rapl:1', 'package-1', 'package'],
        ['intel-rapl:1:0', 'package-1/core', 'core'],
        ['intel-rapl:1:1', 'package-1/dram', 'dram'],
        ['intel-rapl:2', 'psys', 'psys'],
      ],
    );
    const dram = zones.find((z) => z.name === 'package-0/dram');
    const dramDir = 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:2';
    // A reading is the zone's facts and its raw counter in µJ, nothing derived (no joule copies).
    assert.deepEqual(dram, {
      id: 'intel-rapl:0:2',
      name: 'package-0/dram',
      kind: 'dram',
      path: realpathSync(join(testdata('root-rapl-intel'), dramDir)),
      maxEnergyRangeUj: 65712999613,
      maxPowerUw: DEFAULT_RAPL_CEILING_UW,
      simulated: false,
      energyUj: 25637716842,
    });
  });
  test('a zone folder holding a SIMULATED file is simulated; the real layout beside it is not', () => {
    withCopy('root-rapl-intel', (root) => {
      const pkg1 = join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:1');
      writeFileSync(join(pkg1, 'SIMULATED'), 'demo\n');
      const { zones, errors } = readRaplZones(root);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        zones.filter((z) => z.simulated).map((z) => z.name),
        ['package-1'],
      );
      assert.equal(zones.length, 8);
    });
  });
  test('AMD: packages and cores, no dram', () => {
    const { zones, errors } = readRaplZones(testdata('root-rapl-amd'));
    assert.deepEqual(errors, []);
    assert.deepEqual(
      zones.map((z) => z.name),
      ['package-0', 'package-0/core', 'package-1', 'package-1/core'],
    );
    assert.ok(!zones.some((z) => z.kind === 'dram'));
  });
  test('multi-die packages (package-N-die-M) are package zones, with their dram subzones', () => {
    const { zones, errors } = readRaplZones(testdata('root-rapl-multidie'));
    assert.deepEqual(errors, []);
    assert.deepEqual(
      zones.map((z) => [z.id, z.name, z.kind]),
      [
        ['intel-rapl:0', 'package-0-die-0', 'package'],
        ['intel-rapl:0:0', 'package-0-die-0/dram', 'dram'],
        ['intel-rapl:1', 'package-0-die-1', 'package'],
        ['intel-rapl:1:0', 'package-0-die-1/dram', 'dram'],
        ['intel-rapl:2', 'package-1-die-0', 'package'],
        ['intel-rapl:2:0', 'package-1-die-0/dram', 'dram'],
        ['intel-rapl:3', 'package-1-die-1', 'package'],
        ['intel-rapl:3:0', 'package-1-die-1/dram', 'dram'],
      ],
    );
  });
  test('more than ten packages: hexadecimal zone ids (intel-rapl:a .. intel-rapl:f) are read, in order', () => {
    const { zones, errors } = readRaplZones(testdata('root-rapl-16s'));
    assert.deepEqual(errors, []);
    const packages = zones.filter((z) => z.kind === 'package');
    assert.deepEqual(
      packages.map((z) => z.name),
      Array.from({ length: 16 }, (_, i) => `package-${i}`),
    );
    assert.deepEqual(
      zones.filter((z) => z.id.startsWith('intel-rapl:a')).map((z) => [z.id, z.name, z.kind]),
      [
        ['intel-rapl:a', 'package-10', 'package'],
        ['intel-rapl:a:0', 'package-10/dram', 'dram'],
      ],
    );
    assert.equal(zones.filter((z) => z.kind === 'dram').length, 16);
  });
  test('a zone of unknown kind is kept (exported) and reported once, with its name file', () =>
    withCopy('root-rapl-intel', (root) => {
      writeFileSync(join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:2/name'), 'gpu\n');
      const r = discoverRapl(root);
      assert.deepEqual(
        r.zones.filter((z) => z.kind === 'other').map((z) => z.name),
        ['gpu'],
      );
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /intel-rapl:2\/name: unknown RAPL zone kind.*"gpu"/);
    }));
  test('an intel-rapl: entry whose id does not parse is an error, not skipped', () =>
    withCopy('root-rapl-intel', (root) => {
      symlinkSync(
        '../../devices/virtual/powercap/intel-rapl/intel-rapl:2',
        join(root, 'sys/class/powercap/intel-rapl:zz'),
      );
      const r = discoverRapl(root);
      assert.equal(r.zones.length, 8);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /intel-rapl:zz: not a RAPL zone name/);
    }));
  test('no powercap folder: no zones, no error', () =>
    assert.deepEqual(readRaplZones(testdata('root-v1')), { zones: [], errors: [] }));
  test('a second link to the same zone is counted once', () =>
    withCopy('root-rapl-intel', (root) => {
      symlinkSync(
        '../../devices/virtual/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:2',
        join(root, 'sys/class/powercap/intel-rapl:9'),
      );
      assert.equal(discoverRapl(root).zones.filter((z) => z.name === 'package-0/dram').length, 1);
    }));
  test('power ceiling: twice the largest constraint_*_max_power_uw, else the 1 kW default', () => {
    const { zones } = discoverRapl(testdata('root-rapl-intel'));
    const ceiling = Object.fromEntries(zones.map((z) => [z.name, z.maxPowerUw]));
    assert.equal(ceiling['package-0'], 330_000_000); // constraint_0 165 W, constraint_1 0
    assert.equal(ceiling['package-0/dram'], DEFAULT_RAPL_CEILING_UW); // no max_power file
    assert.equal(ceiling.psys, DEFAULT_RAPL_CEILING_UW);
  });
  test('an unreadable max_power file leaves the default ceiling, not a failed zone', () =>
    withCopy('root-rapl-intel', (root) => {
      writeFileSync(
        join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:1/constraint_0_max_power_uw'),
        '?\n',
      );
      const r = discoverRapl(root);
      assert.deepEqual(r.errors, []);
      assert.equal(r.zones.find((z) => z.name === 'package-1')?.maxPowerUw, DEFAULT_RAPL_CEILING_UW);
    }));
  test('boot id', () => assert.equal(readBootId(testdata('root-rapl-intel')), '6f1c2a8e-3d41-4f5b-9a7e-0c2d4e6f8a10'));
});

describe('malformed zone files: that zone fails, the others go on', () => {
  const cases: [string, string, string][] = [
    ['truncated energy_uj', 'intel-rapl:1/energy_uj', ''],
    ['garbage energy_uj', 'intel-rapl:1/energy_uj', 'N/A\n'],
    ['energy above the range', 'intel-rapl:1/energy_uj', '362143328850\n'],
    ['energy_uj past the read bound', 'intel-rapl:1/energy_uj', '1'.repeat(70_000)],
  ];
  for (const [name, file, content] of cases) {
    test(name, () =>
      withCopy('root-rapl-intel', (root) => {
        const found = discoverRapl(root);
        writeFileSync(join(root, 'sys/devices/virtual/powercap/intel-rapl', file), content);
        const r = readRapl(found.zones);
        assert.equal(r.zones.length, 7);
        assert.ok(!r.zones.some((z) => z.name === 'package-1'));
        assert.equal(r.errors.length, 1);
        assert.match(r.errors[0]!.message, /intel-rapl:1\/energy_uj: /);
      }),
    );
  }
  test('bad max_energy_range_uj fails discovery of that zone only', () =>
    withCopy('root-rapl-amd', (root) => {
      writeFileSync(join(root, 'sys/devices/virtual/powercap/intel-rapl/intel-rapl:1/max_energy_range_uj'), 'x\n');
      const r = discoverRapl(root);
      assert.deepEqual(
        r.zones.map((z) => z.name),
        ['package-0', 'package-0/core', 'package-1/core'],
      );
      assert.equal(r.errors.length, 1);
    }));
});
