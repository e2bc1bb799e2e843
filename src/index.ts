/**
 * Global entry points. Apps Script, triggers and google.script.run only see top-level functions,
 * so build.mjs bundles this module as the IIFE global `app` and appends
 * `function name(...a) { return app.name(...a); }` for each name in its ENTRY_POINTS list.
 * Each export is one line into the app.
 */
import * as app from './gas/app';

export const doPost = (e: GoogleAppsScript.Events.DoPost) => app.handlePost(e);
export const doGet = (e: GoogleAppsScript.Events.DoGet) => app.handleGet(e);
export const onOpen = (e?: GoogleAppsScript.Events.SheetsOnOpen) => app.addMenu(e);
export const onInstall = (e?: GoogleAppsScript.Events.AddonOnInstall) => app.addMenu(e);
export const showSidebar = () => app.showSidebar();
export const setupWebhook = (options?: unknown) => app.setupWebhook(options);
export const rotateToken = () => app.rotateToken();
export const replayDeliveries = () => app.replayDeliveries();
export const processQueue = () => app.processQueue();
export const getSidebarState = () => app.getSidebarState();
export const saveSettings = (settings: unknown) => app.saveSettings(settings);
