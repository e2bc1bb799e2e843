/** Webhook secrets: format checks, constant-time comparison and the rotation grace period. */

/** A token is URL-safe text of at least 22 characters (128 bits as base64, 32 as hex). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

/** How long the previous token keeps working after a rotation, so no delivery is lost meanwhile. */
export const TOKEN_GRACE_MS = 24 * 60 * 60 * 1000;

export function isValidToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

/** Compares two strings in time that depends only on their lengths' maximum, not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i += 1) {
    // charCodeAt past the end is NaN, and NaN | 0 is 0.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/** The stored secrets. */
export interface TokenState {
  current: string | null;
  previous: string | null;
  /** Epoch ms after which `previous` stops working. */
  previousExpiresAt: number;
}

/** True when `given` is the current token, or the previous one within its grace period. */
export function tokenAccepted(given: unknown, state: TokenState, now: number): boolean {
  if (typeof given !== 'string' || given === '') return false;
  let ok = false;
  // Both comparisons always run, so timing does not tell which token matched.
  if (state.current && constantTimeEqual(given, state.current)) ok = true;
  if (state.previous && constantTimeEqual(given, state.previous) && now < state.previousExpiresAt) ok = true;
  return ok;
}
