/**
 * Global entry points. Apps Script, triggers and google.script.run only see top-level functions,
 * so build.mjs bundles this module as the IIFE global `app` and appends
 * `function name(...a) { return app.name(...a); }` for each export of this module.
 * Each export is one line into the app; the sidebar's are typed by the SidebarApi it shares with the browser.
 */
import type { SidebarApi } from './core/sidebar-api';
import * as app from './gas/app';

// Web app and triggers.
export const doPost = (e: GoogleAppsScript.Events.DoPost) => app.handlePost(e);
export const doGet = (e: GoogleAppsScript.Events.DoGet) => app.handleGet(e);
export const onOpen = (e?: GoogleAppsScript.Events.SheetsOnOpen) => app.addMenu(e);
export const onInstall = (e?: GoogleAppsScript.Events.AddonOnInstall) => app.addMenu(e);
export const processQueue = () => app.processQueue();

// Menu items.
export const showSidebar = () => app.showSidebar();
export const sendTestDeliveries = () => app.sendTestDeliveries();
export const showSelfTest = () => app.showSelfTest();
export const setupWebhook = (options?: unknown) => app.setupWebhook(options);

// Sidebar (google.script.run).
export const getSidebarState: SidebarApi['getSidebarState'] = () => app.getSidebarState();
export const saveSettings: SidebarApi['saveSettings'] = (settings) => app.saveSettings(settings);
export const rotateToken: SidebarApi['rotateToken'] = () => app.rotateToken();
export const sendTestDelivery: SidebarApi['sendTestDelivery'] = (hookId) => app.sendTestDelivery(hookId);
export const replayDeliveries: SidebarApi['replayDeliveries'] = (options) => app.replayDeliveries(options);
export const runSelfTest: SidebarApi['runSelfTest'] = () => app.runSelfTest();
export const rebuildPipeline: SidebarApi['rebuildPipeline'] = (options) => app.rebuildPipeline(options);
