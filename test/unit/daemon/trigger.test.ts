// parseTrigger (docs/daemon.md): the trimmed comment body is exactly `!testme` (a full run) or `!testme --quick`;
// every other body — extra words, other case, other spacing, quotes, second lines, lookalike characters — is not a trigger.
import test from 'ava';
import { parseTrigger, type Trigger } from '../../../src/daemon/trigger.js';

const FULL: Trigger = { kind: 'full' };
const QUICK: Trigger = { kind: 'quick' };

const TABLE: readonly (readonly [string, string, Trigger | undefined])[] = [
  ['bare', '!testme', FULL],
  ['leading and trailing spaces', '  !testme  ', FULL],
  ['trailing newline', '!testme\n', FULL],
  ['CRLF around it', '\r\n!testme\r\n', FULL],
  ['tabs and blank lines around it', '\t\n\n!testme\n\t\n', FULL],
  ['no-break spaces around it (String.prototype.trim is Unicode-aware)', '\u00a0!testme\u00a0', FULL],
  ['quick', '!testme --quick', QUICK],
  ['quick with surrounding whitespace', '\n  !testme --quick \n', QUICK],
  ['quick with CRLF', '!testme --quick\r\n', QUICK],
  ['empty', '', undefined],
  ['only whitespace', ' \n\t ', undefined],
  ['without the bang', 'testme', undefined],
  ['bang only', '!', undefined],
  ['with a word after it', '!testme please', undefined],
  ['capitalised', '!Testme', undefined],
  ['upper case', '!TESTME', undefined],
  ['space after the bang', '! testme', undefined],
  ['two bangs', '!!testme', undefined],
  ['trailing punctuation', '!testme.', undefined],
  ['two spaces before --quick', '!testme  --quick', undefined],
  ['tab before --quick', '!testme\t--quick', undefined],
  ['newline before --quick', '!testme\n--quick', undefined],
  ['single dash', '!testme -quick', undefined],
  ['capitalised flag', '!testme --Quick', undefined],
  ['flag without the command', '--quick', undefined],
  ['flag before the command', '--quick !testme', undefined],
  ['quick and another flag', '!testme --quick --x', undefined],
  ['another flag', '!testme --full', undefined],
  ['quoted', '> !testme', undefined],
  ['quoted quick', '> !testme --quick', undefined],
  ['in backticks', '`!testme`', undefined],
  ['in a sentence', 'please !testme', undefined],
  ['twice on two lines', '!testme\n!testme', undefined],
  ['twice on one line', '!testme !testme', undefined],
  ['a second line of text', '!testme\nthanks', undefined],
  ['a text line before it', 'hi\n!testme', undefined],
  ['fullwidth exclamation mark', '\uff01testme', undefined],
  ['Cyrillic e in testme', '!t\u0435stme', undefined],
  ['Cyrillic i in quick', '!testme --qu\u0456ck', undefined],
  ['inverted exclamation mark', '\u00a1testme', undefined],
  ['zero-width space after it (not whitespace)', '!testme\u200b', undefined],
  ['zero-width space inside', '!test\u200bme', undefined],
  ['no-break space before --quick', '!testme\u00a0--quick', undefined],
  ['en dash instead of --', '!testme \u2013quick', undefined],
  ['decomposed lookalike (e + combining acute)', '!te\u0301stme', undefined],
];

for (const [name, body, expected] of TABLE) {
  test(`${name}: ${JSON.stringify(body)} is ${expected === undefined ? 'not a trigger' : expected.kind}`, (t) => {
    t.deepEqual(parseTrigger(body), expected);
  });
}

test('the table has one row per distinct body', (t) => {
  t.is(new Set(TABLE.map(([, body]) => body)).size, TABLE.length);
});
