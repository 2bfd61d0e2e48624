import { createClient, type ApexClient } from '../../shared/client';
import { AppError } from '../../shared/errors';
import type { EventMessage } from '../../shared/wire';
import type { FolderPurpose, LibraryOpenResult, LibraryRecentResult } from '../../shared/methods/library-host';
import type { AssetLocator } from './assets/resolve-asset';
import type { EventListener } from './events';
import { createCore, type Core, type CoreOptions } from './index';
import { libraryPaths } from './library/layout';
import { checkLibraryTarget, rememberLibrary, recentView, memoryRecentStore, type LibraryHostPort, type RecentLibrariesStore } from './library/library-switch';
import { silentLogger, type Logger } from './log';
import { createKeyStore } from './secrets/key-store';
import { inProcessTransport } from './transports/in-process';
import type { CallContext, Dispatch } from './router';

export interface LibraryHostOptions {
  /** The library opened first. */
  library: string;
  /** Everything else `createCore` takes, used for every library this host opens. */
  core?: Omit<CoreOptions, 'library' | 'host'>;
  /**
   * Runs after each library opens (the first one included), before calls reach it: browser mode and the
   * desktop app start working its queue here. A failure is logged, never fatal: the library still reads.
   */
  onOpened?: (core: Core) => Promise<void> | void;
  /** Where the recently opened libraries are kept; memory only when absent. */
  recent?: RecentLibrariesStore;
  /** The system folder picker (the desktop app passes Electron's dialog); absent elsewhere. */
  chooseFolder?: (purpose: FolderPurpose) => Promise<string | null>;
  /**
   * A logger for each library this host opens (browser mode also prints warnings to stderr); the host closes
   * it after its core. Absent: each core logs to its own library's logs folder.
   */
  logFor?: (logsDir: string) => Logger;
  /** How long a switch waits for calls already running on the old library before closing it. */
  drainTimeoutMs?: number;
  now?: () => number;
}

/** Default wait for calls in flight before the old library closes (an import may run longer: it is then cut off). */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Owns the open library's core and swaps it for another on `library.open`. Transports (ws-server, the
 * Electron IPC handler, the asset protocol) hold the host instead of a core: its `dispatch`, `subscribe`,
 * `assets` and `assetRoots` always reach the library open now, and listeners survive a swap (the host
 * re-subscribes its one fan-out listener to each new core). After a swap every listener hears
 * `library.changed`, and the renderer reloads its state from the new library.
 *
 * A switch opens the new library first, so a folder that cannot be opened (a bad apex_config.json, no
 * write access) leaves the current one untouched; then calls are held, calls already running drain, the
 * old core closes (orchestrator stopped, database closed), and held calls go to the new core.
 */
export class LibraryHost implements Core {
  private core: Core;
  private readonly listeners = new Set<EventListener>();
  private unsubscribeCore: () => void;
  private switching: Promise<unknown> | null = null;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private closed = false;
  private readonly recentStore: RecentLibrariesStore;
  private readonly now: () => number;
  /** When the library open now was opened (its entry in the recent list). */
  private openedAt: number;

  private constructor(
    core: Core,
    private readonly options: LibraryHostOptions,
  ) {
    this.core = core;
    this.recentStore = options.recent ?? memoryRecentStore();
    this.now = options.now ?? Date.now;
    this.openedAt = this.now();
    this.unsubscribeCore = core.subscribe((message) => this.fanOut(message));
  }

  static async open(options: LibraryHostOptions): Promise<LibraryHost> {
    // The port reaches the host once it exists; no call can arrive before `open` returns.
    let host: LibraryHost | null = null;
    const port: LibraryHostPort = {
      open: (input) => requireHost(host).switchTo(input),
      recent: () => requireHost(host).recent(),
      chooseFolder: (purpose) => requireHost(host).chooseFolder(purpose),
    };
    // One key store for every library: keys kept for the session (no keychain) survive a switch.
    const shared = { ...options, core: { ...options.core, keys: options.core?.keys ?? createKeyStore({ credentials: options.core?.credentials, keychainService: options.core?.keychainService, log: forwardingLog(() => host?.current.log ?? silentLogger) }) } };
    const core = await openCore(shared, options.library, port);
    host = new LibraryHost(core, shared);
    await host.runOnOpened(core);
    return host;
  }

  /** The open library's core (changes on every switch: do not keep it). */
  get current(): Core {
    return this.core;
  }

  get library(): Core['library'] {
    return this.core.library;
  }

  /** Writes to the log of the library open now, so a transport may keep it across switches; each core closes its own. */
  readonly log: Logger = forwardingLog(() => this.core.log);

  get pipeline(): Core['pipeline'] {
    return this.core.pipeline;
  }

  /** A typed client over the host: its calls and events follow every switch. */
  readonly client: ApexClient = createClient(inProcessTransport(this), { validate: true });

  startOrchestrator(): Promise<boolean> {
    return this.core.startOrchestrator();
  }

  /** Every call goes to the library open now; calls that arrive during a switch wait for it. */
  readonly dispatch: Dispatch = async (request, ctx: CallContext) => {
    while (this.switching) await this.switching.catch(() => undefined);
    if (this.closed) return { ok: false, error: { code: 'UNAVAILABLE', message: 'The app is closing.', details: {} } };
    const core = this.core;
    this.inFlight += 1;
    try {
      return await core.dispatch(request, ctx);
    } finally {
      this.inFlight -= 1;
      if (this.drained && this.inFlight <= 1) this.drained();
    }
  };

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows the swap: the asset routes always look ids up in the library open now. */
  readonly assets: AssetLocator = { locate: (kind, id) => this.core.assets.locate(kind, id) };

  assetRoots(): readonly string[] {
    return this.core.assetRoots();
  }

  recent(): LibraryRecentResult {
    return {
      current: this.core.library.root,
      items: recentView(this.core.library.root, this.recentStore.read(), this.openedAt),
      can_switch: true,
      can_choose_folder: this.options.chooseFolder !== undefined,
    };
  }

  async chooseFolder(purpose: FolderPurpose): Promise<string | null> {
    if (!this.options.chooseFolder) throw new AppError('UNAVAILABLE', 'There is no folder picker in browser mode: type the folder path instead.', {});
    return this.options.chooseFolder(purpose);
  }

  /** `library.open`: checks the folder, opens it, swaps, and tells every listener. */
  async switchTo(input: { path: string; create?: boolean | undefined }): Promise<LibraryOpenResult> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'The app is closing.', {});
    if (this.switching) throw new AppError('BUSY', 'Another library is being opened; try again in a moment.', {});
    const target = checkLibraryTarget(input.path, input.create === true);
    const previous = this.core.library.root;
    if (target.path === previous) return { path: previous, previous, created: false };

    const work = this.swap(target.path, previous, target.fresh);
    this.switching = work;
    try {
      return await work;
    } finally {
      this.switching = null;
    }
  }

  private async swap(path: string, previous: string, fresh: boolean): Promise<LibraryOpenResult> {
    const port: LibraryHostPort = {
      open: (input) => this.switchTo(input),
      recent: () => this.recent(),
      chooseFolder: (purpose) => this.chooseFolder(purpose),
    };
    // Open the new library before touching the current one: if it cannot open, nothing changes.
    let next: Core;
    try {
      next = await openCore(this.options, path, port);
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, `Could not open the library at ${path}: ${error.message}`, { ...error.details, path });
      throw error;
    }

    const old = this.core;
    await this.drain();
    this.unsubscribeCore();
    try {
      await old.close();
    } catch (error) {
      next.log.warn('closing the previous library failed', { library: previous, error: String(error) });
    }
    this.core = next;
    this.unsubscribeCore = next.subscribe((message) => this.fanOut(message));
    // The list is written on switches only, so a server that never switches never writes outside its library.
    this.remember([previous, this.openedAt], [next.library.root, this.now()]);
    this.openedAt = this.now();
    next.log.info('library switched', { from: previous, to: next.library.root });
    await this.runOnOpened(next);
    this.fanOut({ name: 'library.changed', payload: { path: next.library.root, previous } });
    return { path: next.library.root, previous, created: fresh };
  }

  /** Waits for calls already running on the old core (the `library.open` call itself is one of them). */
  private async drain(): Promise<void> {
    if (this.inFlight <= 1) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.drained = null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.switching) await this.switching.catch(() => undefined);
    this.closed = true;
    this.unsubscribeCore();
    await this.core.close();
    this.listeners.clear();
  }

  private remember(...entries: [path: string, at: number][]): void {
    try {
      this.recentStore.write(entries.reduce((items, [path, at]) => rememberLibrary(items, path, at), this.recentStore.read()));
    } catch (error) {
      this.core.log.warn('could not save the list of recent libraries', { error: String(error) });
    }
  }

  private async runOnOpened(core: Core): Promise<void> {
    if (!this.options.onOpened) return;
    try {
      await this.options.onOpened(core);
    } catch (error) {
      core.log.warn('starting the library failed', { library: core.library.root, error: String(error) });
    }
  }

  private fanOut(message: EventMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  }
}

/** A core with its own logger when the host makes one per library; closing the core then closes that logger too. */
async function openCore(options: LibraryHostOptions, path: string, host: LibraryHostPort): Promise<Core> {
  const log = options.logFor?.(libraryPaths(path).logs);
  try {
    const core = await createCore({ ...options.core, library: path, host, ...(log ? { log } : {}) });
    if (!log) return core;
    const close = core.close.bind(core);
    let logClosed = false;
    return Object.assign(core, {
      async close() {
        await close();
        if (logClosed) return;
        logClosed = true;
        await log.close();
      },
    });
  } catch (error) {
    await log?.close();
    throw error;
  }
}

/** A logger that writes wherever `target()` points now; closing it closes nothing (each core owns its log). */
function forwardingLog(target: () => Logger): Logger {
  return {
    debug: (message, fields) => target().debug(message, fields),
    info: (message, fields) => target().info(message, fields),
    warn: (message, fields) => target().warn(message, fields),
    error: (message, fields) => target().error(message, fields),
    close: () => Promise.resolve(),
  };
}

function requireHost(host: LibraryHost | null): LibraryHost {
  if (!host) throw new AppError('UNAVAILABLE', 'The library is still opening.', {});
  return host;
}
