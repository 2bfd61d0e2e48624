import { join } from 'node:path';
import { app, BrowserWindow, dialog, protocol, session, shell } from 'electron';
import Store from 'electron-store';
import type { Core } from '../core';
import { LibraryHost } from '../core/library-host';
import type { FolderPurpose } from '../../shared/methods/library-host';
import { resolveLibraryLocation } from '../core/library/layout';
import { libraryFlag } from './args';
import { installIpcTransport } from './ipc-transport';
import { sqliteNativeBinding } from './native-binding';
import { appPaths } from './paths';
import { Preferences } from './preferences';
import { installProtocols, PRIVILEGED_SCHEMES } from './protocols';
import { installNavigationGuards } from './security/navigation';
import { installPermissionHandlers } from './security/permissions';
import { createMainWindow } from './window';
import { installQueueAttention } from './queue-attention';

/**
 * The Electron shell: lifecycle only. Everything the app does lives in main/core behind `createCore`; this
 * file opens the library, wires the protocols, the IPC transport and the security handlers, and closes the
 * core on quit.
 */

// Must run before `ready` (Electron protocol docs): privileges cannot be granted later.
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);
// Every renderer sandboxed, whatever a future window's webPreferences say (also must precede `ready`).
app.enableSandbox();

const paths = appPaths(import.meta.dirname);
let mainWindow: BrowserWindow | null = null;

if (app.requestSingleInstanceLock()) {
  // One process per install: two would fight over the library (and its SQLite file).
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  installNavigationGuards(app, shell);
  start().catch((error: unknown) => fail(error));
} else {
  app.quit();
}

async function start(): Promise<void> {
  await app.whenReady();
  const preferences = new Preferences(new Store({ name: 'preferences' }));
  const library = resolveLibraryLocation({
    flag: libraryFlag(process.argv),
    env: process.env.APEX_LIBRARY,
    fallback: preferences.lastLibrary() ?? join(app.getPath('userData'), 'library'),
  });

  // A library host rather than a bare core: Settings can switch to another library. It is a Core itself,
  // whose calls, events and asset lookups always reach the library open now.
  let core: Core;
  try {
    core = await LibraryHost.open({
      library,
      core: { sqliteNativeBinding: sqliteNativeBinding({ isPackaged: app.isPackaged, appPath: app.getAppPath() }) },
      recent: { read: () => preferences.recentLibraries(), write: (items) => preferences.saveRecentLibraries(items) },
      chooseFolder: (purpose) => chooseLibraryFolder(purpose),
      onOpened: async (opened) => {
        preferences.saveLastLibrary(opened.library.root);
        // The window's process works the queue (recovering what the last session left), unless another
        // process, e.g. a CLI `run`, already holds this library's orchestrator lease.
        if (!(await opened.startOrchestrator())) opened.log.warn('not working the queue', { reason: opened.pipeline.queueState().reason });
      },
    });
  } catch (error) {
    fail(error);
    return;
  }

  const ses = session.defaultSession;
  installPermissionHandlers(ses);
  installProtocols(ses, { rendererRoot: paths.renderer, source: core, log: core.log });
  const disposeIpc = installIpcTransport(core);
  // Taskbar progress, a notification when a batch ends, and a question before quitting while jobs run.
  const queueAttention = installQueueAttention({ client: core.client, window: () => mainWindow, log: (message, error) => core.log.warn(message, { error: String(error) }) });

  const openWindow = () => {
    mainWindow = createMainWindow({ preload: paths.preload, preferences });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  };
  openWindow();

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open brings one back.
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    // Hold the quit until the core has flushed events and closed its files, then quit for real.
    event.preventDefault();
    disposeIpc();
    queueAttention.dispose();
    core
      .close()
      .catch((error: unknown) => console.error('closing the library failed:', error))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

const FOLDER_PICKER: Record<FolderPurpose, { title: string; button: string }> = {
  open: { title: 'Open a library folder', button: 'Open library' },
  create: { title: 'Choose a new or empty folder for the library', button: 'Create library here' },
  import: { title: 'Choose a folder of images to import', button: 'Import this folder' },
};

/** Settings' and the Gallery import's "Choose folder…": the native picker, on the focused window; null when cancelled. */
async function chooseLibraryFolder(purpose: FolderPurpose): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: FOLDER_PICKER[purpose].title,
    buttonLabel: FOLDER_PICKER[purpose].button,
    properties: ['openDirectory', 'createDirectory'],
  };
  const owner = BrowserWindow.getFocusedWindow() ?? mainWindow;
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** A library that cannot open (CONFIG_INVALID, a read-only folder...) is told to the artist, then the app exits. */
function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('APEX Director could not start', message);
  app.exit(1);
}
