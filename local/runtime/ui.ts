// The editor Ui (menus, sidebars, dialogs, alerts): recorded in runtime.ui for tests.
import { instrument, Service } from './calls';
import type { SharedState, MenuRecord } from './shared-state';

/** Ui.Button (https://developers.google.com/apps-script/reference/base/button). */
export const Button = { CLOSE: 'CLOSE', OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO' } as const;
/** Ui.ButtonSet (https://developers.google.com/apps-script/reference/base/button-set). */
export const ButtonSet = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' } as const;

interface HtmlLike {
  getContent(): string;
  getTitle?(): string;
}

/** SpreadsheetApp.getUi() (editor executions only). */
export class UiImpl extends Service<SharedState> {
  readonly Button = Button;
  readonly ButtonSet = ButtonSet;
  createMenu(caption: string): MenuImpl {
    return new MenuImpl(this.__rt, String(caption));
  }
  /** Add-on menu under Extensions, named after the script for a bound script (apps-script-facts.md §10). */
  createAddonMenu(): MenuImpl {
    return new MenuImpl(this.__rt, 'Add-on');
  }
  /** Shows the sidebar; the script goes on running (https://developers.google.com/apps-script/reference/base/ui#showsidebaruserinterface). */
  showSidebar(userInterface: HtmlLike): void {
    this.__rt.ui.sidebars.push({ title: userInterface.getTitle?.() ?? '', html: userInterface.getContent() });
  }
  showModalDialog(userInterface: HtmlLike, title: string): void {
    this.__rt.ui.dialogs.push({ title: String(title), html: userInterface.getContent(), modal: true });
  }
  showModelessDialog(userInterface: HtmlLike, title: string): void {
    this.__rt.ui.dialogs.push({ title: String(title), html: userInterface.getContent(), modal: false });
  }
  /** alert(prompt) / alert(prompt, buttons) / alert(title, prompt, buttons): recorded; answers OK (or YES). */
  alert(a: string, b?: unknown, c?: unknown): string {
    const titled = typeof b === 'string' && !(b in ButtonSet);
    const title = titled ? String(a) : '';
    const prompt = titled ? String(b) : String(a);
    this.__rt.ui.alerts.push({ title, prompt });
    const set = String(titled ? (c ?? 'OK') : (b ?? 'OK'));
    return set.startsWith('YES') ? Button.YES : Button.OK;
  }
}

/** A menu being built. */
export class MenuImpl extends Service<SharedState> {
  private readonly _rec!: MenuRecord;
  constructor(rt: SharedState, name: string) {
    super(rt);
    Object.defineProperty(this, '_rec', { value: { name, items: [] }, enumerable: false });
  }
  addItem(caption: string, functionName: string): this {
    this._rec.items.push({ caption: String(caption), functionName: String(functionName) });
    return this;
  }
  addSeparator(): this {
    this._rec.items.push({ separator: true });
    return this;
  }
  addSubMenu(menu: MenuImpl): this {
    this._rec.items.push({ subMenu: menu._rec });
    return this;
  }
  /** Adds (or replaces, by name) the menu in the editor. */
  addToUi(): void {
    const menus = this.__rt.ui.menus;
    const i = menus.findIndex((m) => m.name === this._rec.name);
    if (i >= 0) menus[i] = this._rec;
    else menus.push(this._rec);
  }
}

instrument(UiImpl, 'Ui');
instrument(MenuImpl, 'Menu');
