/** JSON parsing that keeps integers beyond 2^53 exact: such a literal becomes the string of its digits, so `…890` and `…891` stay two values. */

/** Integers with fewer digits than this are always safe; only longer ones are looked at. */
const SAFE_DIGITS = 15;
const NUMBER_AT = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/**
 * JSON.parse, except that an integer literal outside Number's exact range (|n| > 2^53 - 1) is read as a
 * string holding its digits as sent. Plain JavaScript (no Node or ES2020+ APIs), for Apps Script's V8.
 * Errors are JSON.parse's own for the text as sent.
 */
export function parseJsonExact(text: string): unknown {
  if (!new RegExp(`\\d{${SAFE_DIGITS + 1}}`).test(text)) return JSON.parse(text);
  const rewritten = quoteBigIntegers(text);
  try {
    return JSON.parse(rewritten);
  } catch {
    return JSON.parse(text); // throws with positions in the text as sent
  }
}

/** The text with each unsafe integer literal outside strings wrapped in quotes; everything else unchanged. */
function quoteBigIntegers(text: string): string {
  let out = '';
  let copiedTo = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string literal, escapes included.
      i += 1;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i += 1;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER_AT.lastIndex = i;
      const m = NUMBER_AT.exec(text);
      if (!m) {
        i += 1;
        continue;
      }
      const literal = m[0];
      if (!m[1] && !m[2] && literal.replace('-', '').length > SAFE_DIGITS && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(copiedTo, i)}"${literal}"`;
        copiedTo = i + literal.length;
      }
      i += literal.length;
      continue;
    }
    i += 1;
  }
  return out + text.slice(copiedTo);
}
