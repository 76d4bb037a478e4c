import { bytesText, durationText, reportSummary } from './report';

const report = {
  format: 1,
  jobid: '1240',
  display_id: '1234_5',
  state: 'COMPLETED',
  exit_code: '0:0',
  elapsed_seconds: 7500,
  nodes: ['node-a', 'node-b'],
  used: { cpu_efficiency: 0.347, memory_peak_bytes: 3.5 * 1024 ** 3 },
  energy_joules: 4.5e6,
  energy: { kwh: 1.25 },
  co2_grams: 480,
  findings: [{ kind: 'uneven_load' }, { kind: 'low_cpu_efficiency' }, { kind: 'uneven_load' }],
};

describe('reportSummary', () => {
  test('a job on two nodes: every line in words', () => {
    expect(Object.fromEntries(reportSummary(report).map((l) => [l.label, l.value]))).toEqual({
      job: '1234_5',
      state: 'COMPLETED (exit 0:0)',
      elapsed: '2 h 05 min',
      nodes: '2 (node-a, node-b)',
      'CPU efficiency': '35 %',
      'memory peak': '3.5 GiB',
      energy: '1.25 kWh',
      CO2e: '480 g CO2e',
      findings: 'uneven_load, low_cpu_efficiency',
    });
  });

  test('missing fields, nulls and NaN: "unknown"/"not measured", never an exception', () => {
    const lines = Object.fromEntries(
      reportSummary({ jobid: '7', energy_joules: null, co2_grams: NaN, used: { cpu_efficiency: null } }).map((l) => [
        l.label,
        l.value,
      ]),
    );
    expect(lines).toMatchObject({
      job: '7',
      state: 'unknown',
      elapsed: 'unknown',
      nodes: 'unknown',
      'CPU efficiency': 'unknown',
      energy: 'not measured',
      CO2e: 'not measured',
      findings: 'none',
    });
    expect(reportSummary(undefined)[0]).toEqual({ label: 'job', value: 'unknown' });
  });

  test('2,000 nodes: counted, the first four named; energy from joules without energy.kwh', () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => `n${i}`);
    const lines = reportSummary({ nodes, energy_joules: 7.2e7, co2_grams: 2500 });
    expect(lines.find((l) => l.label === 'nodes')?.value).toBe('2000 (n0, n1, n2, n3, … 1996 more)');
    expect(lines.find((l) => l.label === 'energy')?.value).toBe('20.0 kWh');
    expect(lines.find((l) => l.label === 'CO2e')?.value).toBe('2.50 kg CO2e');
  });

  test('durations and bytes', () => {
    expect(durationText(45)).toBe('45 s');
    expect(durationText(200)).toBe('3 min 20 s');
    expect(durationText(90_061)).toBe('1 d 1 h 01 min');
    expect(bytesText(512)).toBe('512 B');
    expect(bytesText(200 * 1024 ** 2)).toBe('200 MiB');
  });
});
