// ScriptApp: service URL, script id, time-based triggers (recorded in runtime.triggers), enums.
import { randomBytes } from 'crypto';
import { instrument, Service } from './calls';
import type { SharedState, TriggerRecord } from './shared-state';
import { fail } from './errors';

/** ScriptApp.AuthMode (https://developers.google.com/apps-script/reference/script/auth-mode). */
export const AuthMode = { NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' } as const;
/** ScriptApp.EventType (https://developers.google.com/apps-script/reference/script/event-type). */
export const EventType = {
  CLOCK: 'CLOCK',
  ON_OPEN: 'ON_OPEN',
  ON_EDIT: 'ON_EDIT',
  ON_FORM_SUBMIT: 'ON_FORM_SUBMIT',
  ON_CHANGE: 'ON_CHANGE',
  ON_EVENT_UPDATED: 'ON_EVENT_UPDATED',
} as const;
/** ScriptApp.TriggerSource. */
export const TriggerSource = {
  SPREADSHEETS: 'SPREADSHEETS',
  CLOCK: 'CLOCK',
  FORMS: 'FORMS',
  DOCUMENTS: 'DOCUMENTS',
  CALENDAR: 'CALENDAR',
} as const;

/** everyMinutes accepts 1, 5, 10, 15 or 30 (https://developers.google.com/apps-script/reference/script/clock-trigger-builder#everyminutesn). */
export const ALLOWED_MINUTES = [1, 5, 10, 15, 30];
/** 20 triggers per user per script (https://developers.google.com/apps-script/guides/services/quotas). [UNCONFIRMED wording] */
export const MAX_TRIGGERS = 20;

/** The ScriptApp global (https://developers.google.com/apps-script/reference/script/script-app). */
export class ScriptAppImpl extends Service<SharedState> {
  readonly AuthMode = AuthMode;
  readonly EventType = EventType;
  readonly TriggerSource = TriggerSource;
  getService(): ServiceImpl {
    return new ServiceImpl(this.__rt);
  }
  getScriptId(): string {
    return this.__rt.scriptId;
  }
  /** A fake OAuth token. */
  getOAuthToken(): string {
    return 'local-oauth-token';
  }
  newTrigger(functionName: string): TriggerBuilderImpl {
    return new TriggerBuilderImpl(this.__rt, String(functionName));
  }
  /**
   * The current user's triggers in this project only: "Gets all installable triggers associated with the
   * current project and current user" (https://developers.google.com/apps-script/reference/script/script-app#getprojecttriggers).
   */
  getProjectTriggers(): TriggerImpl[] {
    return this.__rt.array(ownTriggers(this.__rt).map((t) => new TriggerImpl(this.__rt, t)));
  }
  getUserTriggers(_doc?: unknown): TriggerImpl[] {
    return this.getProjectTriggers();
  }
  /** Removes one of the current user's triggers (another user's cannot be listed, so cannot be passed). */
  deleteTrigger(trigger: TriggerImpl): void {
    const id = trigger.getUniqueId();
    const me = this.__rt.currentUser();
    this.__rt.triggers = this.__rt.triggers.filter((t) => t.id !== id || ownerOf(this.__rt, t) !== me);
  }
}

function ownerOf(rt: SharedState, t: TriggerRecord): string {
  return t.owner ?? rt.effectiveUser;
}

/** The running user's triggers. */
function ownTriggers(rt: SharedState): TriggerRecord[] {
  const me = rt.currentUser();
  return rt.triggers.filter((t) => ownerOf(rt, t) === me);
}

/** The script as a web app (https://developers.google.com/apps-script/reference/script/service). */
export class ServiceImpl extends Service<SharedState> {
  /**
   * The /exec URL, or null when not deployed as a web app (https://developers.google.com/apps-script/reference/script/service#getUrl()).
   * With the devUrlOutsideWebApp switch, the head deployment's /dev URL outside web-app executions (see RuntimeOptions).
   */
  getUrl(): string | null {
    const rt = this.__rt;
    if (rt.scriptUrl !== null && rt.devUrlOutsideWebApp && rt.kind() !== 'webapp') {
      return `https://script.google.com/macros/s/AKfycbHEAD-${rt.scriptId}/dev`;
    }
    return rt.scriptUrl;
  }
  isEnabled(): boolean {
    return this.__rt.scriptUrl !== null;
  }
}

/** newTrigger(name). */
export class TriggerBuilderImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    private readonly _handler: string,
  ) {
    super(rt);
  }
  timeBased(): ClockTriggerBuilderImpl {
    return new ClockTriggerBuilderImpl(this.__rt, this._handler);
  }
}

/** timeBased() builder: only everyMinutes/everyHours are modelled. */
export class ClockTriggerBuilderImpl extends Service<SharedState> {
  private _minutes = 0;
  constructor(
    rt: SharedState,
    private readonly _handler: string,
  ) {
    super(rt);
  }
  everyMinutes(n: number): this {
    if (!ALLOWED_MINUTES.includes(n)) fail('The value passed to everyMinutes() must be one of 1, 5, 10, 15 or 30.');
    this._minutes = n;
    return this;
  }
  everyHours(n: number): this {
    if (!Number.isInteger(n) || n < 1) fail('The value passed to everyHours() must be a positive integer.');
    this._minutes = n * 60;
    return this;
  }
  create(): TriggerImpl {
    if (!this._minutes) fail('A time-based trigger needs a recurrence (everyMinutes or everyHours).');
    if (ownTriggers(this.__rt).length >= MAX_TRIGGERS)
      fail('This script has too many triggers. Triggers must be deleted from the script before more can be added.');
    const owner = this.__rt.currentUser();
    const rec: TriggerRecord = {
      id: String(BigInt('0x' + randomBytes(7).toString('hex'))),
      handler: this._handler,
      everyMinutes: this._minutes,
    };
    if (owner !== this.__rt.effectiveUser) rec.owner = owner;
    this.__rt.triggers = [...this.__rt.triggers, rec];
    return new TriggerImpl(this.__rt, rec);
  }
}

/** An installed trigger (https://developers.google.com/apps-script/reference/script/trigger). */
export class TriggerImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    private readonly _rec: TriggerRecord,
  ) {
    super(rt);
  }
  getHandlerFunction(): string {
    return this._rec.handler;
  }
  getUniqueId(): string {
    return this._rec.id;
  }
  getEventType(): string {
    return EventType.CLOCK;
  }
  getTriggerSource(): string {
    return TriggerSource.CLOCK;
  }
  getTriggerSourceId(): string | null {
    return null;
  }
}

instrument(ScriptAppImpl, 'ScriptApp');
instrument(ServiceImpl, 'Service');
instrument(TriggerBuilderImpl, 'TriggerBuilder');
instrument(ClockTriggerBuilderImpl, 'ClockTriggerBuilder');
instrument(TriggerImpl, 'Trigger');
