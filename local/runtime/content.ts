// ContentService: TextOutput with a MIME type (web app responses).
import { instrument, Service } from './calls';
import type { SharedState } from './shared-state';

/** ContentService.MimeType, as the MIME strings the local web-app layer sends (https://developers.google.com/apps-script/reference/content/mime-type). */
export const MimeType = {
  ATOM: 'application/atom+xml',
  CSV: 'text/csv',
  ICAL: 'text/calendar',
  JAVASCRIPT: 'application/javascript',
  JSON: 'application/json',
  RSS: 'application/rss+xml',
  TEXT: 'text/plain',
  VCARD: 'text/vcard',
  XML: 'text/xml',
} as const;

/** The ContentService global (https://developers.google.com/apps-script/reference/content/content-service). */
export class ContentServiceImpl extends Service<SharedState> {
  readonly MimeType = MimeType;
  /** A TextOutput, TEXT by default. */
  createTextOutput(content?: string): GoogleAppsScript.Content.TextOutput {
    return new TextOutputImpl(this.__rt, content === undefined ? '' : String(content)) as unknown as GoogleAppsScript.Content.TextOutput;
  }
}

/** A text response (https://developers.google.com/apps-script/reference/content/text-output). */
export class TextOutputImpl extends Service<SharedState> {
  private _content: string;
  private _mime: string = MimeType.TEXT;
  private _fileName: string | null = null;
  constructor(rt: SharedState, content: string) {
    super(rt);
    this._content = content;
  }
  append(addedContent: string): this {
    this._content += String(addedContent);
    return this;
  }
  clear(): this {
    this._content = '';
    return this;
  }
  getContent(): string {
    return this._content;
  }
  setContent(content: string): this {
    this._content = String(content);
    return this;
  }
  /** Only the MimeType values are accepted. */
  setMimeType(mimeType: string): this {
    const m = String(mimeType);
    const known = (Object.values(MimeType) as string[]).includes(m) ? m : (MimeType as Record<string, string>)[m];
    if (!known) throw new Error(`Invalid argument: mimeType (${m})`);
    this._mime = known;
    return this;
  }
  getMimeType(): string {
    return this._mime;
  }
  /** Serve as a download named `filename` (https://developers.google.com/apps-script/reference/content/text-output#downloadasfilefilename). */
  downloadAsFile(filename: string): this {
    this._fileName = String(filename);
    return this;
  }
  getFileName(): string | null {
    return this._fileName;
  }
}

instrument(ContentServiceImpl, 'ContentService');
instrument(TextOutputImpl, 'TextOutput');
