// formatLogLine: a pino JSON line becomes "HH:MM:SS.mmm level [component] message {other fields}" (UTC,
// level names padded to five); a line that is not a JSON object passes through unchanged; nothing throws.
import test from 'ava';
import { formatLogLine } from '../../../src/web/log-lines.js';

const TIME = Date.parse('2024-03-05T07:08:09.123Z');
const pinoLine = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: TIME, pid: 4242, hostname: 'ci-host', runId: 'run-1', msg: 'hello', ...fields });

const LEVELS: readonly (readonly [number, string])[] = [
  [10, 'trace'],
  [20, 'debug'],
  [30, 'info '],
  [40, 'warn '],
  [50, 'error'],
  [60, 'fatal'],
];

for (const [level, shown] of LEVELS) {
  test(`level ${level} is shown as "${shown}"`, (t) => {
    t.is(formatLogLine(pinoLine({ level })), `07:08:09.123 ${shown} hello`);
  });
}

const CASES: readonly (readonly [string, string, string])[] = [
  ['pid, hostname and runId are left out', pinoLine({}), '07:08:09.123 info  hello'],
  ['the component in brackets', pinoLine({ component: 'dispatcher' }), '07:08:09.123 info  [dispatcher] hello'],
  ['a non-string component is not shown', pinoLine({ component: 7 }), '07:08:09.123 info  hello'],
  [
    'extra fields as JSON, in their order',
    pinoLine({ level: 40, request: 'req-1', attempt: 2, err: { type: 'Error', message: 'boom' } }),
    '07:08:09.123 warn  hello {"request":"req-1","attempt":2,"err":{"type":"Error","message":"boom"}}',
  ],
  [
    'component and extra fields',
    pinoLine({ level: 50, component: 'forge', status: 502 }),
    '07:08:09.123 error [forge] hello {"status":502}',
  ],
  ['a missing time', JSON.stringify({ level: 30, msg: 'no clock' }), '--:--:--.--- info  no clock'],
  [
    'a time that is not a number',
    JSON.stringify({ level: 30, time: '2024-03-05T07:08:09.123Z', msg: 'iso time' }),
    '--:--:--.--- info  iso time',
  ],
  ['the epoch', JSON.stringify({ level: 30, time: 0, msg: 'epoch' }), '00:00:00.000 info  epoch'],
  [
    'the time is UTC, milliseconds kept',
    JSON.stringify({ level: 30, time: Date.parse('2024-12-31T23:59:59.999Z'), msg: 'm' }),
    '23:59:59.999 info  m',
  ],
  ['an unknown numeric level as its number', pinoLine({ level: 35 }), '07:08:09.123 35    hello'],
  ['a level given by name', pinoLine({ level: 'warn' }), '07:08:09.123 warn  hello'],
  ['no level', JSON.stringify({ time: TIME, msg: 'levelless' }), '07:08:09.123       levelless'],
  ['no message', JSON.stringify({ level: 30, time: TIME }), '07:08:09.123 info  '],
  ['a non-string message', pinoLine({ msg: 42 }), '07:08:09.123 info  42'],
  ['an empty object', '{}', '--:--:--.---       '],
  ['a message with a newline stays as given', pinoLine({ msg: 'two\nlines' }), '07:08:09.123 info  two\nlines'],
  ['plain text', 'Creating service web_app', 'Creating service web_app'],
  ['truncated JSON', '{"level":30,"time":', '{"level":30,"time":'],
  ['an empty line', '', ''],
  ['a JSON number', '42', '42'],
  ['a JSON string', '"just text"', '"just text"'],
  ['JSON null', 'null', 'null'],
  ['JSON true', 'true', 'true'],
];

for (const [name, line, expected] of CASES) {
  test(`${name}: ${JSON.stringify(expected)}`, (t) => {
    t.is(formatLogLine(line), expected);
  });
}

// Like a number, a string or null, an array is JSON but no pino entry.
test('a JSON array passes through unchanged', (t) => {
  t.is(formatLogLine('[1,"two",{"level":30}]'), '[1,"two",{"level":30}]');
});

test('a time outside the range of dates does not throw', (t) => {
  t.notThrows(() => formatLogLine(JSON.stringify({ level: 30, time: 1e20, msg: 'far future' })));
});
