import { energyUnit, formatCount, formatEnergy, formatMass, formatShare, massUnit } from './units';

const KWH = 3.6e6;

describe('unit scaling boundaries', () => {
  const energy: Array<[string, number, string]> = [
    ['zero', 0, '0 kWh'],
    ['a tiny job in Wh', 0.05 * KWH, '50 Wh'],
    ['below 1 Wh in mWh', 0.0004 * KWH, '400 mWh'],
    ['just under 1 kWh rounds up to kWh, not "1000 Wh"', 0.99996 * KWH, '1.0 kWh'],
    ['one decimal below 10 kWh', 1.2345 * KWH, '1.2 kWh'],
    ['9.96 kWh shows without decimals', 9.96 * KWH, '10 kWh'],
    ['whole kWh from 10', 12.4 * KWH, '12 kWh'],
    ['999 kWh stays kWh', 999 * KWH, '999 kWh'],
    ['999.7 kWh rounds into MWh, not "1000 kWh"', 999.7 * KWH, '1.0 MWh'],
    ['1000 kWh is 1 MWh', 1000 * KWH, '1.0 MWh'],
    ['MWh', 1234 * KWH, '1.2 MWh'],
    ['GWh from 1000 MWh', 2.5e6 * KWH, '2.5 GWh'],
  ];
  test.each(energy)('energy: %s', (_name, joules, text) => {
    expect(formatEnergy(joules)).toBe(text);
  });

  const mass: Array<[string, number, string]> = [
    ['zero', 0, '0 g'],
    ['below 1 g in mg', 0.3, '300 mg'],
    ['grams', 480, '480 g'],
    ['999 g stays g', 999, '999 g'],
    ['999.6 g rounds into kg, not "1000 g"', 999.6, '1.0 kg'],
    ['1000 g is 1 kg', 1000, '1.0 kg'],
    ['kg with a decimal', 4800, '4.8 kg'],
    ['999,999 g is 1 t, not "1000 kg" or "1 Mg"', 999999, '1.0 t'],
    ['1e6 g is 1 t', 1e6, '1.0 t'],
    ['tonnes do not scale further', 1.2345e9, '1235 t'],
  ];
  test.each(mass)('mass: %s', (_name, grams, text) => {
    expect(formatMass(grams)).toBe(text);
  });

  test('the unit ids are the ones Grafana formats kWh, MWh, g, kg and t with', () => {
    expect(energyUnit(5 * KWH)).toEqual({ unit: 'kwatth', value: 5, decimals: 1 });
    expect(energyUnit(5000 * KWH)).toEqual({ unit: 'mwatth', value: 5, decimals: 1 });
    expect(massUnit(50)).toEqual({ unit: 'massg', value: 50, decimals: 0 });
    expect(massUnit(50_000)).toEqual({ unit: 'masskg', value: 50, decimals: 0 });
    expect(massUnit(50e6)).toEqual({ unit: 'masst', value: 50, decimals: 0 });
  });

  test('counts and shares', () => {
    expect(formatCount(0.84)).toBe('0.8');
    expect(formatCount(28.4)).toBe('28');
    expect(formatCount(12345.6)).toBe('12,346');
    expect(formatShare(0.123)).toBe('12 %');
    expect(formatShare(0.004)).toBe('0.4 %');
  });
});
