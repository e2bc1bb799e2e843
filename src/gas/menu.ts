/** The spreadsheet's menu ("Webhooks to Sheets", named apart from iClosed's own Settings page) and what its items open: the sidebar, test deliveries, the self-test report. */
import { MENU } from '../core/menu';
import { HOOKS } from '../core/hooks';
import type { SelfTestReport, TestDeliveryResult } from '../core/sidebar-api';
import { selfTest } from './self-test';
import { setupWebhook } from './setup';
import { testDelivery } from './sidebar-server';
import { toast } from './toast';
import { receiveAsEditor } from './webapp';

/** The spreadsheet's menu (named apart from iClosed's own Settings page). */
export function addMenu(_e?: unknown): void {
  SpreadsheetApp.getUi()
    .createMenu(MENU.title)
    .addItem(MENU.openSidebar, 'showSidebar')
    .addItem(MENU.sendTests, 'sendTestDeliveries')
    .addItem(MENU.replay, 'replayDeliveries')
    .addItem(MENU.rebuild, 'rebuildPipeline')
    .addSeparator()
    .addItem(MENU.selfTest, 'showSelfTest')
    .addToUi();
}

/** Opens the sidebar; the first time, this also sets up the webhook. */
export function showSidebar(): void {
  setupWebhook();
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(MENU.title);
  SpreadsheetApp.getUi().showSidebar(html);
}

/** Menu: one example delivery per hook type, reported in a toast. */
export function sendTestDeliveries(): TestDeliveryResult[] {
  const token = setupWebhook().token;
  const results = HOOKS.map((hook) => testDelivery(hook.id, token, receiveAsEditor));
  toast(results.map((r) => `${r.hook}: ${r.action}`).join('; '));
  return results;
}

/** Menu: runs the self-test and shows its report: the verdict from the required checks, the informational ones apart. */
export function showSelfTest(): SelfTestReport {
  const report = selfTest();
  const html = HtmlService.createHtmlOutput(selfTestHtml(report)).setWidth(560).setHeight(520);
  SpreadsheetApp.getUi().showModalDialog(html, `${MENU.title}: self-test`);
  return report;
}

/** The dialog's page: the verdict, then the required checks, then the informational ones. */
export function selfTestHtml(report: SelfTestReport): string {
  const rows = (required: boolean) =>
    report.cases
      .filter((c) => c.required === required)
      .map(
        (c) =>
          `<tr><td>${c.ok ? '✅' : required ? '❌' : 'ℹ️'}</td><td>${escapeHtml(c.name)}${c.ok ? '' : `<br><small>${escapeHtml(c.message)}</small>`}</td></tr>`,
      )
      .join('');
  const tally = (t: { passed: number; failed: number }) => `${t.passed} passed, ${t.failed} differ`;
  return (
    `<div style="font:13px sans-serif"><p style="color:${report.safe ? '#137333' : '#c5221f'}"><b>${escapeHtml(report.verdict)}</b></p>` +
    `<h3>Required checks (${tally(report.required)})</h3><p>The app depends on these.</p><table>${rows(true)}</table>` +
    `<h3>Informational checks (${tally(report.informational)})</h3><p>How Google treats other input; a difference here does not put deliveries at risk.</p><table>${rows(false)}</table></div>`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
