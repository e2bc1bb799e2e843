/** The "iClosed" menu and what its items open: the sidebar, test deliveries, the self-test report. */
import { HOOKS } from '../core/hooks';
import type { SelfTestReport, TestDeliveryResult } from '../core/sidebar-api';
import { selfTest } from './self-test';
import { setupWebhook } from './setup';
import { testDelivery } from './sidebar-server';
import { toast } from './toast';
import { receiveAsEditor } from './webapp';

/** The "iClosed" menu. */
export function addMenu(_e?: unknown): void {
  SpreadsheetApp.getUi()
    .createMenu('iClosed')
    .addItem('Settings', 'showSidebar')
    .addItem('Send test deliveries', 'sendTestDeliveries')
    .addItem('Replay failed deliveries', 'replayDeliveries')
    .addItem('Rebuild pipeline and funnel', 'rebuildPipeline')
    .addSeparator()
    .addItem('Run self-test', 'showSelfTest')
    .addToUi();
}

/** Opens the sidebar; the first time, this also sets up the webhook. */
export function showSidebar(): void {
  setupWebhook();
  const html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('iClosed → Sheets');
  SpreadsheetApp.getUi().showSidebar(html);
}

/** Menu: one example delivery per hook type, reported in a toast. */
export function sendTestDeliveries(): TestDeliveryResult[] {
  const token = setupWebhook().token;
  const results = HOOKS.map((hook) => testDelivery(hook.id, token, receiveAsEditor));
  toast(results.map((r) => `${r.hook}: ${r.action}`).join('; '));
  return results;
}

/** Menu: runs the self-test and shows its report. */
export function showSelfTest(): SelfTestReport {
  const report = selfTest();
  const rows = report.cases
    .map((c) => `<tr><td>${c.ok ? '✅' : '❌'}</td><td>${escapeHtml(c.name)}${c.ok ? '' : `<br><small>${escapeHtml(c.message)}</small>`}</td></tr>`)
    .join('');
  const html = HtmlService.createHtmlOutput(
    `<p><b>${report.passed} passed, ${report.failed} failed.</b></p><table style="font:13px sans-serif">${rows}</table>`,
  ).setWidth(520).setHeight(480);
  SpreadsheetApp.getUi().showModalDialog(html, 'iClosed self-test');
  return report;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
