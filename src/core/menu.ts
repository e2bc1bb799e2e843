/**
 * The spreadsheet's own menu. Named apart from iClosed, whose app has a Settings page of its own,
 * so "Webhooks to Sheets → Open sidebar" always means this spreadsheet and "iClosed → Settings" iClosed's app.
 */
export const MENU = {
  title: 'Webhooks to Sheets',
  openSidebar: 'Open sidebar',
  sendTests: 'Send test deliveries',
  replay: 'Replay failed deliveries',
  rebuild: 'Rebuild pipeline and funnel',
  selfTest: 'Run self-test',
} as const;

/** Where a user opens the sidebar, as messages spell it. */
export const OPEN_SIDEBAR_PATH = `${MENU.title} → ${MENU.openSidebar}`;
