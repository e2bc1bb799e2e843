/** Unit tests of the header-change plan applied when settings are saved. */
import { planHeaderChanges, type SheetHook } from '../../src/core/header-plan';
import type { ColumnSetting } from '../../src/core/settings';

const column = (field: string, label: string, include = true): ColumnSetting => ({ field, label, include, typing: 'auto' });
const hook = (name: string, columns: ColumnSetting[]): SheetHook => ({ name, columns });

describe('planHeaderChanges', () => {
  const header = ['email', 'name', 'Received at', 'My notes'];
  /** A fresh copy each time, so no test sees another's changes. */
  const layout = () => ({ email: 'email', name: 'name', 'Received at': '_receivedAt' });

  it('changes nothing when every included column has its label', () => {
    const plan = planHeaderChanges('Contacts', header, layout(), [
      hook('Contact created', [column('email', 'email'), column('name', 'name')]),
    ]);
    expect(plan).toEqual({ relabel: [], add: [], layout: { fields: layout() } });
  });
  it('relabels the app column of a renamed field in place, and moves the label in the layout', () => {
    const plan = planHeaderChanges('Contacts', header, layout(), [hook('Contact created', [column('email', 'E-mail')])]);
    if (typeof plan === 'string') throw new Error(plan);
    expect(plan.relabel).toEqual([{ column: 1, label: 'E-mail' }]);
    expect(plan.add).toEqual([]);
    expect({ ...plan.layout.fields }).toEqual({ 'E-mail': 'email', name: 'name', 'Received at': '_receivedAt' });
  });
  it('adds included columns the sheet lacks, once even when two hooks share the sheet, and ignores excluded ones', () => {
    const plan = planHeaderChanges('Calls', header, layout(), [
      hook('Call booked', [column('phone', 'Phone'), column('city', 'City', false)]),
      hook('Call cancelled', [column('phone', 'Phone number')]),
    ]);
    if (typeof plan === 'string') throw new Error(plan);
    expect(plan.add).toEqual([{ field: 'phone', label: 'Phone' }]);
    expect(plan.layout.fields.Phone).toBe('phone');
    expect(plan.relabel).toEqual([]);
  });
  it('adds back an app column whose header cell is gone', () => {
    const plan = planHeaderChanges('Contacts', ['email', 'Received at'], layout(), [hook('Contact created', [column('name', 'name')])]);
    if (typeof plan === 'string') throw new Error(plan);
    expect(plan.add).toEqual([{ field: 'name', label: 'name' }]);
  });
  it("refuses a label held by one of the user's columns, naming the field and the hook", () => {
    const plan = planHeaderChanges('Contacts', header, layout(), [hook('Contact created', [column('email', 'My notes')])]);
    expect(plan).toBe(
      '"Contacts" already has a column "My notes" (one of your own columns); choose another label for "email" in Contact created.',
    );
  });
  it("refuses a label held by the app's column for another field", () => {
    const plan = planHeaderChanges('Contacts', header, layout(), [hook('Contact created', [column('email', 'name')])]);
    expect(plan).toBe(
      '"Contacts" already has a column "name" (the app\'s column for "name"); choose another label for "email" in Contact created.',
    );
  });
  it('never writes into a sheet the app did not create', () => {
    const plan = planHeaderChanges('Budget', ['Month', 'Total'], {}, [
      hook('Contact created', [column('email', 'email')]),
      hook('Call booked', []),
    ]);
    expect(plan).toBe(
      '"Budget" is one of your own sheets, not one this app created; choose another sheet name for Contact created, Call booked, or an empty or new sheet.',
    );
  });
  it('leaves a column alone that has its label, even when an older layout names a second label for the field', () => {
    const stale = { Email: 'email', Mail: 'email', 'Received at': '_receivedAt' };
    for (const sheetHeader of [
      ['Email', 'Mail', 'Received at'],
      ['Email', 'Received at'],
    ]) {
      const plan = planHeaderChanges('Contacts', sheetHeader, stale, [hook('Contact created', [column('email', 'Email')])]);
      if (typeof plan === 'string') throw new Error(plan);
      expect([plan.relabel, plan.add]).toEqual([[], []]);
    }
  });
  it("refuses a label an app column of another field holds, even while that field's column is renamed too", () => {
    const plan = planHeaderChanges('Contacts', header, layout(), [
      hook('Contact created', [column('email', 'name'), column('name', 'Full name')]),
    ]);
    expect(plan).toBe(
      '"Contacts" already has a column "name" (the app\'s column for "name"); choose another label for "email" in Contact created.',
    );
  });
  it('leaves the layout it was given unchanged', () => {
    const given = layout();
    planHeaderChanges('Contacts', header, given, [hook('Contact created', [column('email', 'E-mail'), column('phone', 'Phone')])]);
    expect(given).toEqual(layout());
  });
});
