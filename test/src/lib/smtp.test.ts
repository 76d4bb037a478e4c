import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dotStuff, parseReply } from './smtp.js';

test('parseReply', async (t) => {
  const cases: { name: string; input: string; want?: { code: number; text: string; rest: string }; throws?: RegExp }[] =
    [
      { name: 'one line', input: '220 ready\r\n', want: { code: 220, text: '220 ready', rest: '' } },
      { name: 'incomplete line', input: '220 rea', want: undefined },
      {
        name: 'multi-line EHLO reply',
        input: '250-host\r\n250-SIZE 10\r\n250 8BITMIME\r\n',
        want: { code: 250, text: '250-host\n250-SIZE 10\n250 8BITMIME', rest: '' },
      },
      { name: 'multi-line, last line missing', input: '250-host\r\n250-SIZE 10\r\n', want: undefined },
      { name: 'data after the reply', input: '221 bye\r\n220 x', want: { code: 221, text: '221 bye', rest: '220 x' } },
      { name: 'malformed', input: 'hello\r\n', throws: /malformed SMTP reply/ },
    ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.throws) assert.throws(() => parseReply(c.input), c.throws);
      else assert.deepEqual(parseReply(c.input), c.want);
    });
  }
});

test('dotStuff doubles leading dots and uses CRLF', () => {
  assert.equal(dotStuff('a\n.b\n..c\nd.'), 'a\r\n..b\r\n...c\r\nd.');
});
