import { jobUrl } from './url';

describe('jobUrl', () => {
  const row = { jobid: '42_3', user: 'ann lee' };

  test('empty template: no link', () => {
    expect(jobUrl('', row)).toBeUndefined();
    expect(jobUrl('   ', row)).toBeUndefined();
  });

  test('${jobid} and ${user} replaced, URL-encoded, every occurrence', () => {
    expect(jobUrl('/portal/jobs/${jobid}?u=${user}&again=${jobid}', row)).toBe(
      '/portal/jobs/42_3?u=ann%20lee&again=42_3',
    );
    expect(jobUrl('/j?id=${jobid}', { jobid: 'a&b=c/d', user: '' })).toBe('/j?id=a%26b%3Dc%2Fd');
  });

  test('dashboard variables go through the interpolation after the row values', () => {
    const seen: string[] = [];
    const interpolate = (s: string) => (seen.push(s), s.replace('${cluster}', 'hpc1'));
    expect(jobUrl('https://grafana/d/job?var-cluster=${cluster}&var-jobid=${jobid}', row, interpolate)).toBe(
      'https://grafana/d/job?var-cluster=hpc1&var-jobid=42_3',
    );
    expect(seen).toEqual(['https://grafana/d/job?var-cluster=${cluster}&var-jobid=42_3']);
  });

  test('a value cannot smuggle a variable or a scheme: $ is encoded, javascript: is sanitized', () => {
    expect(jobUrl('/j/${jobid}', { jobid: '${__user.login}', user: '' })).toBe('/j/%24%7B__user.login%7D');
    expect(jobUrl('javascript:alert(${jobid})', row)).toBe('about:blank');
  });
});
