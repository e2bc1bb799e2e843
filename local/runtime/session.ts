// Session: effective/active user and the script time zone.
import { instrument, Service } from './calls';
import type { SharedState } from './shared-state';

/** The Session global (https://developers.google.com/apps-script/reference/base/session). */
export class SessionImpl extends Service<SharedState> {
  getEffectiveUser(): UserImpl {
    return new UserImpl(this.__rt, this.__rt.effectiveUser);
  }
  /** The web app runs as the deploying user here, so the active user is that user. [UNCONFIRMED for other deployments] */
  getActiveUser(): UserImpl {
    return new UserImpl(this.__rt, this.__rt.effectiveUser);
  }
  getScriptTimeZone(): string {
    return this.__rt.timeZone;
  }
  getActiveUserLocale(): string {
    return 'en';
  }
  getTemporaryActiveUserKey(): string {
    return 'local-temporary-user-key';
  }
}

/** A user (https://developers.google.com/apps-script/reference/base/user). */
export class UserImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    private readonly _email: string,
  ) {
    super(rt);
  }
  getEmail(): string {
    return this._email;
  }
}

instrument(SessionImpl, 'Session');
instrument(UserImpl, 'User');
