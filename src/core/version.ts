/** The app's name and version, reported by doGet. */
export const APP_NAME = 'iclosed-sheets';
export const APP_VERSION = '0.1.0';
