/** A hook's columns as the sidebar edits them: the saved list, or the defaults spelt out. */
import { hookDefaultColumns } from '../core/columns';
import { hookById, type HookId } from '../core/hooks';
import type { ColumnSetting, Settings } from '../core/settings';

export function columnsOf(settings: Settings, id: HookId): ColumnSetting[] {
  return settings.hooks[id].columns ?? hookDefaultColumns(hookById(id));
}
