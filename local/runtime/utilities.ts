// Utilities: digests and HMACs as signed bytes, base64, UUIDs, formatDate/formatString, sleep, minimal Blob.
import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { instrument, Service } from './calls';
import type { SharedState } from './shared-state';
import { formatSimpleDate } from './dates';
import { fail } from './errors';
import { isDate } from './value-parsing';

/** Utilities.DigestAlgorithm (https://developers.google.com/apps-script/reference/utilities/digest-algorithm). */
export const DigestAlgorithm = {
  MD2: 'MD2',
  MD5: 'MD5',
  SHA_1: 'SHA_1',
  SHA_256: 'SHA_256',
  SHA_384: 'SHA_384',
  SHA_512: 'SHA_512',
} as const;
/** Utilities.MacAlgorithm (https://developers.google.com/apps-script/reference/utilities/mac-algorithm). */
export const MacAlgorithm = {
  HMAC_MD5: 'HMAC_MD5',
  HMAC_SHA_1: 'HMAC_SHA_1',
  HMAC_SHA_256: 'HMAC_SHA_256',
  HMAC_SHA_384: 'HMAC_SHA_384',
  HMAC_SHA_512: 'HMAC_SHA_512',
} as const;
/** Utilities.Charset (https://developers.google.com/apps-script/reference/utilities/charset). */
export const Charset = { US_ASCII: 'US_ASCII', UTF_8: 'UTF_8' } as const;

const NODE_DIGEST: Record<string, string> = { MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };
const NODE_HMAC: Record<string, string> = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

/** Apps Script byte arrays are Java bytes: signed, -128..127 (https://developers.google.com/apps-script/reference/utilities/utilities#computedigestalgorithm,-value). */
export function toSigned(buf: Uint8Array): number[] {
  const out = new Array<number>(buf.length);
  for (let i = 0; i < buf.length; i++) out[i] = buf[i] > 127 ? buf[i] - 256 : buf[i];
  return out;
}

function encoding(charset: unknown): BufferEncoding {
  return charset === Charset.US_ASCII || charset === 'US-ASCII' ? 'latin1' : 'utf8';
}

/** A string (in `charset`) or a byte array (signed or unsigned) as bytes. */
export function toBuffer(value: unknown, charset?: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, encoding(charset));
  if (Array.isArray(value)) return Buffer.from(value.map((b) => Number(b) & 0xff));
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value && typeof (value as { getBytes?: unknown }).getBytes === 'function')
    return toBuffer((value as { getBytes(): number[] }).getBytes());
  return Buffer.from(String(value), encoding(charset));
}

/** The Utilities global (https://developers.google.com/apps-script/reference/utilities/utilities). */
export class UtilitiesImpl extends Service<SharedState> {
  readonly DigestAlgorithm = DigestAlgorithm;
  readonly MacAlgorithm = MacAlgorithm;
  readonly Charset = Charset;
  getUuid(): string {
    return crypto.randomUUID();
  }
  /** Digest as signed bytes. */
  computeDigest(algorithm: string, value: unknown, charset?: string): number[] {
    const alg = NODE_DIGEST[String(algorithm)];
    if (!alg) fail(`Unsupported digest algorithm: ${algorithm}`);
    return this.__rt.array(toSigned(crypto.createHash(alg).update(toBuffer(value, charset)).digest()));
  }
  computeHmacSignature(algorithm: string, value: unknown, key: unknown, charset?: string): number[] {
    const alg = NODE_HMAC[String(algorithm)];
    if (!alg) fail(`Unsupported MAC algorithm: ${algorithm}`);
    return this.__rt.array(toSigned(crypto.createHmac(alg, toBuffer(key, charset)).update(toBuffer(value, charset)).digest()));
  }
  /** HMAC-SHA256 as signed bytes (https://developers.google.com/apps-script/reference/utilities/utilities#computehmacsha256signaturevalue,-key). */
  computeHmacSha256Signature(value: unknown, key: unknown, charset?: string): number[] {
    return this.__rt.array(toSigned(crypto.createHmac('sha256', toBuffer(key, charset)).update(toBuffer(value, charset)).digest()));
  }
  /** Standard base64 with padding; accepts a string or a byte array. */
  base64Encode(data: unknown, charset?: string): string {
    return toBuffer(data, charset).toString('base64');
  }
  /** URL-safe alphabet ("-", "_"), padding kept as in Apps Script. [UNCONFIRMED padding] */
  base64EncodeWebSafe(data: unknown, charset?: string): string {
    return toBuffer(data, charset).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }
  /** Decode to signed bytes. */
  base64Decode(encoded: string, _charset?: string): number[] {
    return this.__rt.array(toSigned(Buffer.from(String(encoded), 'base64')));
  }
  base64DecodeWebSafe(encoded: string, _charset?: string): number[] {
    return this.__rt.array(toSigned(Buffer.from(String(encoded).replace(/-/g, '+').replace(/_/g, '/'), 'base64')));
  }
  /** A Blob of a string or bytes. */
  newBlob(data: unknown, contentType?: string, name?: string): BlobImpl {
    return new BlobImpl(this.__rt, toBuffer(data ?? ''), contentType ?? null, name ?? null);
  }
  /**
   * A Blob of `blob`'s bytes compressed with gzip, type "application/x-gzip", named `name` or the blob's
   * name plus ".gz" (https://developers.google.com/apps-script/reference/utilities/utilities#gzipblob).
   */
  gzip(blob: unknown, name?: string): BlobImpl {
    const source = blobOf(blob, 'gzip');
    const base = source.getName();
    return new BlobImpl(
      this.__rt,
      zlib.gzipSync(toBuffer(source.getBytes())),
      'application/x-gzip',
      name ?? (base === null ? null : `${base}.gz`),
    );
  }
  /** The bytes of a gzip Blob, uncompressed (https://developers.google.com/apps-script/reference/utilities/utilities#ungzipblob). */
  ungzip(blob: unknown): BlobImpl {
    const source = blobOf(blob, 'ungzip');
    let bytes: Buffer;
    try {
      bytes = zlib.gunzipSync(toBuffer(source.getBytes()));
    } catch {
      // [UNCONFIRMED] Google's text for bytes that are not gzip.
      fail('Could not decompress gzip.');
    }
    const name = source.getName();
    return new BlobImpl(this.__rt, bytes, null, name === null ? null : name.replace(/\.gz$/, ''));
  }
  /** Java SimpleDateFormat (https://developers.google.com/apps-script/reference/utilities/utilities#formatdatedate,-timezone,-format). */
  formatDate(date: Date, timeZone: string, format: string): string {
    if (!isDate(date)) fail("The parameters (String,String,String) don't match the method signature for Utilities.formatDate.");
    return formatSimpleDate(new Date(date.getTime()), String(timeZone), String(format));
  }
  /** sprintf-style (https://developers.google.com/apps-script/reference/utilities/utilities#formatstringtemplate,-args). */
  formatString(template: string, ...args: unknown[]): string {
    return formatPrintf(String(template), args);
  }
  /** Sleep on the runtime clock (virtual time advances at once); at most 5 minutes. */
  sleep(milliseconds: number): void {
    const ms = Number(milliseconds);
    if (ms > 300000) fail('Utilities.sleep: the maximum sleep time is 300000 milliseconds.');
    this.__rt.clock.sleep(ms);
  }
}

/** A Blob argument, or the signature error Apps Script gives for anything else. */
function blobOf(value: unknown, method: string): BlobImpl {
  if (value instanceof BlobImpl) return value;
  fail(`The parameters (${typeof value}) don't match the method signature for Utilities.${method}.`);
}

/** printf subset: %s %d %i %f %.Nf %x %o %e %%, with width and "-"/"0" flags. */
export function formatPrintf(template: string, args: unknown[]): string {
  let i = 0;
  return template.replace(
    /%([-0]*)(\d+)?(?:\.(\d+))?([sdifxoe%])/g,
    (_m, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const a = args[i++];
      let s: string;
      switch (conv) {
        case 'd':
        case 'i':
          s = String(Math.trunc(Number(a)));
          break;
        case 'f':
          s = Number(a).toFixed(prec === undefined ? 6 : Number(prec));
          break;
        case 'e':
          s = Number(a).toExponential(prec === undefined ? 6 : Number(prec));
          break;
        case 'x':
          s = Math.trunc(Number(a)).toString(16);
          break;
        case 'o':
          s = Math.trunc(Number(a)).toString(8);
          break;
        default:
          s = prec === undefined ? String(a) : String(a).slice(0, Number(prec));
      }
      const w = width ? Number(width) : 0;
      if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : flags.includes('0') && conv !== 's' ? s.padStart(w, '0') : s.padStart(w);
      return s;
    },
  );
}

/** Minimal Blob (https://developers.google.com/apps-script/reference/base/blob). */
export class BlobImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    private _bytes: Buffer,
    private _type: string | null,
    private _name: string | null,
  ) {
    super(rt);
    Object.defineProperty(this, '_bytes', { enumerable: false, writable: true });
  }
  getBytes(): number[] {
    return this.__rt.array(toSigned(this._bytes));
  }
  getDataAsString(charset?: string): string {
    return this._bytes.toString(encoding(charset));
  }
  setDataFromString(string: string, charset?: string): this {
    this._bytes = Buffer.from(String(string), encoding(charset));
    return this;
  }
  setBytes(data: number[]): this {
    this._bytes = toBuffer(data);
    return this;
  }
  getContentType(): string | null {
    return this._type;
  }
  setContentType(contentType: string): this {
    this._type = String(contentType);
    return this;
  }
  getName(): string | null {
    return this._name;
  }
  setName(name: string): this {
    this._name = String(name);
    return this;
  }
  copyBlob(): BlobImpl {
    return new BlobImpl(this.__rt, Buffer.from(this._bytes), this._type, this._name);
  }
}

instrument(UtilitiesImpl, 'Utilities');
instrument(BlobImpl, 'Blob');
