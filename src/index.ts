/**
 * Global entry points. Apps Script, triggers and google.script.run only see top-level functions,
 * so build.mjs bundles this module as the IIFE global `app` and appends
 * `function name(...a) { return app.name(...a); }` for each export of this module.
 * Each export is one line into its entry-point family; the sidebar's are typed by the SidebarApi it shares with the browser.
 */
import type { SidebarApi } from './core/sidebar-api';
import * as menu from './gas/menu';
import * as pipeline from './gas/pipeline-rebuild';
import * as queue from './gas/queue';
import * as replay from './gas/replay';
import * as setup from './gas/setup';
import * as sidebar from './gas/sidebar-server';
import * as webapp from './gas/webapp';

// Web app and triggers.
export const doPost = (e: GoogleAppsScript.Events.DoPost) => webapp.handlePost(e);
export const doGet = (e: GoogleAppsScript.Events.DoGet) => webapp.handleGet(e);
export const onOpen = (e?: GoogleAppsScript.Events.SheetsOnOpen) => menu.addMenu(e);
export const onInstall = (e?: GoogleAppsScript.Events.AddonOnInstall) => menu.addMenu(e);
export const processQueue = () => queue.processQueue();

// Menu items.
export const showSidebar = () => menu.showSidebar();
export const sendTestDeliveries = () => menu.sendTestDeliveries();
export const showSelfTest = () => menu.showSelfTest();
export const setupWebhook = (options?: unknown) => setup.setupWebhook(options);

// Sidebar (google.script.run).
export const getSidebarState: SidebarApi['getSidebarState'] = () => sidebar.getSidebarState();
export const saveSettings: SidebarApi['saveSettings'] = (settings) => sidebar.saveSettings(settings);
export const previewSettings: SidebarApi['previewSettings'] = (settings) => sidebar.previewSettings(settings);
export const rotateToken: SidebarApi['rotateToken'] = () => setup.rotateToken();
export const sendTestDelivery: SidebarApi['sendTestDelivery'] = (hookId) => sidebar.sendTestDelivery(hookId);
export const replayDeliveries: SidebarApi['replayDeliveries'] = (options) => replay.replayDeliveries(options);
export const runSelfTest: SidebarApi['runSelfTest'] = () => sidebar.runSelfTest();
export const rebuildPipeline: SidebarApi['rebuildPipeline'] = (options) => pipeline.rebuildPipeline(options);
