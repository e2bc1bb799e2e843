/** Secrets out of what is kept: a delivery loses its `token` form field and every copy of a webhook token before it is logged, queued or answered. */
import type { Delivery } from './delivery';
import { isValidToken } from './auth';
import { isFormType } from './request';

/** What stands where a token was. */
export const TOKEN_REMOVED = '[token removed]';

/** The stored tokens worth looking for: token-shaped (22+ URL-safe characters), so short text is never mistaken for one. */
export function secretsOf(tokens: { current: string | null; previous: string | null }): string[] {
  return [tokens.current, tokens.previous].filter(isValidToken);
}

/** Text with every occurrence of each secret replaced by TOKEN_REMOVED. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(TOKEN_REMOVED);
  return out;
}

/** A form-encoded body without its `token` pairs (however the key is encoded); other pairs stay byte for byte. */
export function withoutTokenField(body: string): string {
  return body
    .split('&')
    .filter((pair) => formKey(pair.split('=')[0]) !== 'token')
    .join('&');
}

function formKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return encoded;
  }
}

/**
 * The delivery as it may be kept: no `token` parameter, no `token` field in a form-encoded body, and no
 * copy of a current or previous token anywhere in the body or the other parameters.
 */
export function redactDelivery(delivery: Delivery, secrets: readonly string[]): Delivery {
  const contents = redactText(isFormType(delivery.contentType) ? withoutTokenField(delivery.contents) : delivery.contents, secrets);
  const parameter: Record<string, string> = {};
  for (const key of Object.keys(delivery.parameter)) {
    if (key !== 'token')
      Object.defineProperty(parameter, key, {
        value: redactText(delivery.parameter[key], secrets),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  const redacted: Delivery = { ...delivery, contents, parameter };
  if (delivery.query !== undefined) redacted.query = redactText(withoutTokenField(delivery.query), secrets);
  return redacted;
}
