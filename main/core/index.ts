import { createClient, type ApexClient } from '../../shared/client';
import { AppError } from '../../shared/errors';
import { createHandlers } from './api';
import type { AssetLocator } from './assets/resolve-asset';
import { ConfigStore } from './config/config-store';
import { EventHub, type EventListener } from './events';
import type { Status } from '../../shared/domain/status';
import { mergeAssetsChanged } from './library/catalog';
import { mergeJobsChanged } from './queue/batch-summaries';
import { openLibraryFolder, type LibraryPaths } from './library/layout';
import { createLogger, type Logger } from './log';
import type { CredentialSource } from './ports';
import { createKeyStore, type KeyStore } from './secrets/key-store';
import type { BreakerSettings } from './backends/breaker';
import { createRouter, type Dispatch } from './router';
import type { CoreServices } from './services';
import { inProcessTransport } from './transports/in-process';
import { Pipeline } from './pipeline';
import type { BackendInterface } from './backends/types';
import type { LibraryHostPort } from './library/library-switch';

export interface CoreOptions {
  /** The library folder; created with its layout and default config when missing. */
  library: string;
  /**
   * Replaces the environment variables as the source that wins over the keychain (tests). When given, the
   * OS keychain is off unless `keychainService` names one.
   */
  credentials?: CredentialSource;
  /** OS keychain service for API keys; null: none (keys last for the session). Default `$APEX_KEYCHAIN_SERVICE` or `apex-director`. */
  keychainService?: string | null;
  /** Circuit-breaker tuning (tests shorten cool-downs). */
  breaker?: Partial<BreakerSettings>;
  log?: Logger;
  /** Check every result against the contract (default: on unless NODE_ENV is production). */
  validateOutput?: boolean;
  /** Coalescing interval of pushed events. */
  eventIntervalMs?: number;
  /**
   * Path of a better-sqlite3 binding built for the running runtime. Electron passes its own (built by
   * `npm start` into .electron-native/); plain Node leaves it unset and uses the one npm built.
   */
  sqliteNativeBinding?: string;
  /** Extra or replacement backend clients (tests and benchmarks plug loopback fakes in here). */
  backends?: readonly BackendInterface[];
  /**
   * A key store shared by every library a host opens, so keys kept for the session (no keychain) survive a
   * library switch. Replaces `credentials` and `keychainService` when given.
   */
  keys?: KeyStore;
  /** The library host that opened this core (desktop app, browser mode): serves `library.open` and `library.recent`. */
  host?: LibraryHostPort;
}

/** The whole app without any window: what Electron, the CLI, browser mode and tests all drive. */
export interface Core {
  readonly library: LibraryPaths;
  readonly log: Logger;
  /** The router: every transport calls this and nothing else. */
  readonly dispatch: Dispatch;
  /** A typed client over the in-process transport: `await core.client.call('system.status')`. */
  readonly client: ApexClient;
  subscribe(listener: EventListener): () => void;
  /** The queue, orchestrator, asset index and checkpoints on the library database. */
  readonly pipeline: Pipeline;
  /**
   * Work the queue in this process: takes the library's lease, recovers from the last session and starts
   * dispatching. False when another process already works this library (it may still read and submit).
   */
  startOrchestrator(): Promise<boolean>;
  /** Finds the file behind an asset id, for `apex-asset://` and the browser-mode image routes. */
  readonly assets: AssetLocator;
  /** Folders asset files may live in: the library, plus folders indexed in place by import. */
  assetRoots(): readonly string[];
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const library = openLibraryFolder(options.library);
  const log = options.log ?? createLogger({ dir: library.logs });
  const config = new ConfigStore(library.config);
  config.get(); // create or validate apex_config.json now: a bad file stops the start, with its JSON path

  const startedAt = Date.now();
  const events = new EventHub({ intervalMs: options.eventIntervalMs ?? 100, mergers: { 'assets.changed': mergeAssetsChanged, 'jobs.changed': mergeJobsChanged } });
  // DESIGN §8: environment variables win over the OS keychain for this process.
  const keys = options.keys ?? createKeyStore({ credentials: options.credentials, keychainService: options.keychainService, log });
  const credentials: CredentialSource = keys;
  let closing = false;
  const pipeline = new Pipeline({
    library,
    config,
    events,
    credentials,
    log,
    nativeBinding: options.sqliteNativeBinding,
    backends: options.backends ?? [],
    startedAt,
    breaker: options.breaker,
  });
  // Estimates stored with new jobs route with the keys there are (issue 7): read them before the first call.
  await pipeline.estimator.refreshCredentials().catch((error: unknown) => log.warn('reading credentials for estimates failed', { error: String(error) }));

  const services: CoreServices = {
    library,
    config,
    events,
    credentials,
    keys,
    log,
    pipeline,
    status: async () => ({ ...(await pipeline.status()), keychain: await keys.keychainState() }),
    host: options.host ?? null,
  };

  const dispatch = createRouter(createHandlers(services), {
    log,
    validateOutput: options.validateOutput ?? process.env.NODE_ENV !== 'production',
    isClosing: () => closing,
  });
  const subscribe = (listener: EventListener) => events.subscribe(listener);
  const stopStats = publishStatsOnChange(events, () => pipeline.status(), log);
  log.info('library opened', { library: library.root });

  return {
    library,
    log,
    dispatch,
    client: createClient(inProcessTransport({ dispatch, subscribe }), { validate: true }),
    subscribe,
    pipeline,
    startOrchestrator: () => pipeline.startOrchestrator(),
    assets: pipeline.assets,
    assetRoots: () => [library.root, ...pipeline.importRoots.paths()],
    async close() {
      if (closing) return;
      closing = true;
      stopStats();
      await pipeline.close();
      events.close();
      log.info('library closed', { library: library.root });
      if (!options.log) await log.close();
    },
  };
}

export { AppError };

/** Job and asset changes move the status numbers: follow them with a (coalesced) `stats.changed`. */
function publishStatsOnChange(events: EventHub, status: () => Promise<Status>, log: Logger): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = events.subscribe((message) => {
    if (message.name !== 'jobs.changed' && message.name !== 'assets.added') return;
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      status()
        .then((value) => events.emit('stats.changed', value))
        .catch((error: unknown) => log.warn('status refresh failed', { error: String(error) }));
    }, 250);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
