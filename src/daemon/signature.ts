// Webhook authenticity: HMAC-SHA256 of the raw body with the shared secret, hex, compared in constant
// time before anything parses the body. Gitea sends X-Gitea-Signature, Forgejo X-Forgejo-Signature.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADERS = ['x-gitea-signature', 'x-forgejo-signature'] as const;

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function signatureOf(secret: string, body: Uint8Array): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** `header` returns a request header by its lower-case name. */
export function checkSignature(secret: string, body: Uint8Array, header: (name: string) => string | undefined): SignatureCheck {
  const given = SIGNATURE_HEADERS.map(header).find((value) => value !== undefined && value !== '');
  if (given === undefined) return { ok: false, reason: `no ${SIGNATURE_HEADERS.join(' or ')} header` };
  const expected = Buffer.from(signatureOf(secret, body), 'hex');
  const received = /^[0-9a-f]{64}$/i.test(given.trim()) ? Buffer.from(given.trim(), 'hex') : Buffer.alloc(0);
  // timingSafeEqual needs equal lengths; a malformed signature is compared against itself to keep the time flat
  const same = received.length === expected.length ? timingSafeEqual(received, expected) : (timingSafeEqual(expected, expected), false);
  return same ? { ok: true } : { ok: false, reason: 'signature does not match the body' };
}
