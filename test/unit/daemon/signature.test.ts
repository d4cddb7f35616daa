// Webhook signatures: checkSignature accepts exactly the HMAC-SHA256 (hex, either case) of the raw body
// under the shared secret, from X-Gitea-Signature or X-Forgejo-Signature; anything else is refused with a
// reason and never throws. The expected digests are computed here with node:crypto, not with signatureOf.
import test from 'ava';
import { createHmac } from 'node:crypto';
import { checkSignature, SIGNATURE_HEADERS, signatureOf } from '../../../src/daemon/signature.js';

const SECRET = 'a webhook secret';
const BODY = new TextEncoder().encode(JSON.stringify({ action: 'created', comment: { id: 7, body: '!testme' } }));
const NO_HEADER = 'no x-gitea-signature or x-forgejo-signature header';
const MISMATCH = 'signature does not match the body';

function hmac(secret: string, body: Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** A header lookup over the given headers (keys lower case, as the server hands them over). */
function headers(values: Record<string, string>): (name: string) => string | undefined {
  return (name) => values[name];
}

const VALID = hmac(SECRET, BODY);

test('the digest computed here is 64 lower-case hex digits', (t) => {
  t.regex(VALID, /^[0-9a-f]{64}$/);
});

test('the header names are the lower-case Gitea and Forgejo ones', (t) => {
  t.deepEqual([...SIGNATURE_HEADERS], ['x-gitea-signature', 'x-forgejo-signature']);
});

test('a valid X-Gitea-Signature is accepted', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-gitea-signature': VALID })), { ok: true });
});

test('a valid X-Forgejo-Signature is accepted', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-forgejo-signature': VALID })), { ok: true });
});

test('both headers valid (Forgejo sends both) is accepted', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-gitea-signature': VALID, 'x-forgejo-signature': VALID })), { ok: true });
});

test('an empty X-Gitea-Signature falls through to a valid X-Forgejo-Signature', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-gitea-signature': '', 'x-forgejo-signature': VALID })), { ok: true });
});

test('no signature header is refused with a reason naming both headers', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-hub-signature-256': `sha256=${VALID}` })), { ok: false, reason: NO_HEADER });
});

test('empty signature headers count as none', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-gitea-signature': '', 'x-forgejo-signature': '' })), {
    ok: false,
    reason: NO_HEADER,
  });
});

test('a signature made with another secret is refused', (t) => {
  const other = hmac('another secret', BODY);
  t.not(other, VALID);
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-gitea-signature': other })), { ok: false, reason: MISMATCH });
});

test('the right signature under the wrong secret is refused', (t) => {
  t.deepEqual(checkSignature('A webhook secret', BODY, headers({ 'x-gitea-signature': VALID })), { ok: false, reason: MISMATCH });
});

test('changing any single byte of the body breaks the signature', (t) => {
  const accepted: number[] = [];
  for (let index = 0; index < BODY.length; index++) {
    const changed = Uint8Array.from(BODY);
    changed[index] = changed[index]! ^ 0x01;
    const check = checkSignature(SECRET, changed, headers({ 'x-gitea-signature': VALID }));
    if (check.ok) accepted.push(index);
  }
  t.deepEqual(accepted, []);
});

test('a body one byte longer or shorter is refused', (t) => {
  const longer = new Uint8Array([...BODY, 0x0a]);
  const shorter = BODY.subarray(0, BODY.length - 1);
  t.deepEqual(checkSignature(SECRET, longer, headers({ 'x-gitea-signature': VALID })), { ok: false, reason: MISMATCH });
  t.deepEqual(checkSignature(SECRET, shorter, headers({ 'x-gitea-signature': VALID })), { ok: false, reason: MISMATCH });
});

test('upper-case hex is accepted', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-gitea-signature': VALID.toUpperCase() })), { ok: true });
});

test('surrounding whitespace in the header is ignored', (t) => {
  t.deepEqual(checkSignature(SECRET, BODY, headers({ 'x-forgejo-signature': ` ${VALID}\t` })), { ok: true });
});

const MALFORMED: readonly (readonly [string, string])[] = [
  ['one hex digit short', VALID.slice(0, 63)],
  ['one hex digit long', `${VALID}0`],
  ['half the length', VALID.slice(0, 32)],
  ['twice the digest', VALID + VALID],
  ['a non-hex digit in it', `${VALID.slice(0, 10)}g${VALID.slice(11)}`],
  ['prefixed like GitHub', `sha256=${VALID}`],
  ['base64 of the digest', Buffer.from(VALID, 'hex').toString('base64')],
  ['whitespace only', '   '],
  ['a space inside', `${VALID.slice(0, 32)} ${VALID.slice(32)}`],
  ['non-ASCII', 'é'.repeat(64)],
  ['the digest of an empty body', hmac(SECRET, new Uint8Array())],
];

for (const [name, value] of MALFORMED) {
  test(`a malformed signature (${name}) is refused without throwing`, (t) => {
    for (const header of SIGNATURE_HEADERS) {
      let check: ReturnType<typeof checkSignature> | undefined;
      t.notThrows(() => {
        check = checkSignature(SECRET, BODY, headers({ [header]: value }));
      }, header);
      t.deepEqual(check, { ok: false, reason: MISMATCH }, header);
    }
  });
}

test('an empty body is signed like any other', (t) => {
  const empty = new Uint8Array();
  t.deepEqual(checkSignature(SECRET, empty, headers({ 'x-gitea-signature': hmac(SECRET, empty) })), { ok: true });
});

test('signatureOf matches node:crypto on text, binary and empty bodies and on a non-ASCII secret', (t) => {
  const binary = Uint8Array.from({ length: 256 }, (_, index) => index);
  for (const [secret, body] of [
    [SECRET, BODY],
    [SECRET, binary],
    ['', new Uint8Array()],
    ['sécret ✓', BODY],
  ] as const) {
    t.is(signatureOf(secret, body), hmac(secret, body));
  }
});

test('signatureOf matches the published HMAC-SHA256 test vector (RFC 4231 case 2)', (t) => {
  t.is(
    signatureOf('Jefe', new TextEncoder().encode('what do ya want for nothing?')),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
});
