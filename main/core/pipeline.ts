import { BACKEND_IDS, type BackendId } from '../../shared/domain/config';
import type { QueueState } from '../../shared/domain/jobs';
import type { Statement } from 'better-sqlite3';
import type { Status } from '../../shared/domain/status';
import type { BreakerSettings } from './backends/breaker';
import { HEALTH_WINDOW_MS } from './backends/health';
import { BackendManager, recentAttempts } from './backends/manager';
import type { BackendPool } from './backends/pool';
import { createDemoBackend } from './backends/demo';
import { createBackends } from './backends/registry';
import type { BackendInterface } from './backends/types';
import { CheckpointService } from './checkpoints/checkpoint-service';
import { createEstimates, type BudgetGate, type Estimator } from './estimator';
import type { ConfigStore } from './config/config-store';
import { closeDatabase, openDatabase, type Db } from './db/connection';
import { migrate } from './db/migrations';
import type { EventHub } from './events';
import { AssetFiles } from './library/asset-files';
import { AssetIndex } from './library/asset-index';
import { assetSink } from './library/asset-records';
import { AssetCatalog } from './library/catalog';
import { ImportRoots } from './library/import-roots';
import { LibraryImporter } from './library/import-service';
import type { LibraryPaths } from './library/layout';
import { reconcileLibrary } from './library/reconcile';
import type { Logger } from './log';
import { hasRequiredCredential, type CredentialSource } from './ports';
import { AttemptLedger } from './queue/attempt-ledger';
import { JobStore } from './queue/job-store';
import { OrchestratorLease } from './queue/lease';
import { Orchestrator } from './queue/orchestrator';
import { interruptOpenAttempts, markCleanShutdown, recoverAtStart, type RecoveryReport } from './queue/recovery';
import { availabilityPercent, buildStatus } from './status';

export interface PipelineOptions {
  library: LibraryPaths;
  config: ConfigStore;
  events: EventHub;
  credentials: CredentialSource;
  log: Logger;
  nativeBinding?: string | undefined;
  /** Extra or replacement backend clients (tests and benchmarks plug fakes in here). */
  backends?: readonly BackendInterface[];
  startedAt: number;
  /** Circuit-breaker tuning (tests shorten the cool-downs); defaults in backends/breaker.ts. */
  breaker?: Partial<BreakerSettings> | undefined;
}

/**
 * Everything that lives on the library database: the durable queue, the orchestrator, the asset index
 * and checkpoints. Opening it migrates the schema; the orchestrator only runs after `startOrchestrator`
 * (short CLI commands read and submit without dispatching).
 */
export class Pipeline {
  readonly db: Db;
  readonly jobs: JobStore;
  readonly assets: AssetIndex;
  readonly files: AssetFiles;
  /** Search, organisation, duplicates, export and maintenance of the library (issue 5 part B). */
  readonly catalog: AssetCatalog;
  /** Folders indexed in place by import (served as asset roots) and the importer itself. */
  readonly importRoots: ImportRoots;
  readonly importer: LibraryImporter;
  readonly ledger: AttemptLedger;
  readonly pool: BackendPool;
  /** Circuit breakers, health and local-server checks around the cascade (`pool` is its cascade). */
  readonly backendManager: BackendManager;
  private readonly stopFollowingConfig: () => void;
  private closed = false;
  private credentialsRead = false;
  readonly orchestrator: Orchestrator;
  readonly checkpoints: CheckpointService;
  readonly registry: Map<string, BackendInterface>;
  /** Cost and time estimates, and the budget caps the cascade consults (issue 7). */
  readonly estimator: Estimator;
  readonly budget: BudgetGate;
  private readonly lease: OrchestratorLease;
  private orchestratorReason: string | null = 'not started in this process';
  lastRecovery: RecoveryReport | null = null;

  constructor(private readonly options: PipelineOptions) {
    this.db = openDatabase(options.library.database, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    migrate(this.db);
    this.jobs = new JobStore(this.db);
    this.assets = new AssetIndex(this.db, options.library.root);
    this.files = new AssetFiles(options.library);
    this.catalog = new AssetCatalog({ db: this.db, library: options.library, files: this.files, assets: this.assets, log: options.log });
    this.importRoots = new ImportRoots(this.db);
    this.importer = new LibraryImporter({ db: this.db, library: options.library, assets: this.assets, roots: this.importRoots, events: options.events, log: options.log });
    this.ledger = new AttemptLedger(this.db, this.assets, this.jobs.audit);
    this.registry = new Map<string, BackendInterface>([['demo', createDemoBackend({ latencyMs: () => options.config.get().backends.demo.latency_ms })]]);
    // The real clients read their settings at call time; clients passed in (tests, benchmarks) replace them by id.
    for (const backend of createBackends(() => options.config.get())) this.registry.set(backend.id, backend);
    for (const backend of options.backends ?? []) this.registry.set(backend.id, backend);
    this.backendManager = new BackendManager({
      registry: this.registry,
      config: () => options.config.get(),
      events: options.events,
      log: options.log,
      credential: (id) => ((BACKEND_IDS as readonly string[]).includes(id) ? options.credentials.get(id as BackendId) : Promise.resolve(null)),
      wake: () => this.orchestrator.wake(),
      breaker: options.breaker,
    });
    this.pool = this.backendManager.pool;
    this.backendManager.replay(recentAttempts(this.db, this.registry.keys(), Date.now() - HEALTH_WINDOW_MS));
    // Settings apply without a restart: a change may fix what took a backend out, enable one, move a server.
    this.stopFollowingConfig = options.events.subscribe((message) => {
      if (message.name !== 'config.changed' || this.closed) return;
      this.refreshCredentials().catch((error: unknown) => options.log.warn('applying settings failed', { error: String(error) }));
    });
    this.lease = new OrchestratorLease(this.db);
    this.orchestrator = new Orchestrator({
      jobs: this.jobs,
      ledger: this.ledger,
      pool: this.pool,
      sink: assetSink(this.files),
      events: options.events,
      log: options.log,
      config: () => options.config.get(),
      credential: (id) => ((BACKEND_IDS as readonly string[]).includes(id) ? options.credentials.get(id as BackendId) : Promise.resolve(null)),
      paused: {
        get: () => this.meta('queue_paused') === '1',
        set: (value) => this.setMeta('queue_paused', value ? '1' : '0'),
      },
    });
    ({ budget: this.budget, estimator: this.estimator } = createEstimates({
      db: this.db,
      config: () => options.config.get(),
      registry: this.registry,
      credentials: options.credentials,
      events: options.events,
      jobs: this.jobs,
      pool: this.pool,
      paused: () => this.meta('queue_paused') === '1',
      log: options.log,
    }));
    this.checkpoints = new CheckpointService({
      db: this.db,
      dir: options.library.checkpoints,
      jobs: this.jobs,
      audit: this.jobs.audit,
      log: options.log,
      nativeBinding: options.nativeBinding,
      keepAutomatic: () => options.config.get().orchestrator.checkpoint_keep,
    });
  }

  /**
   * Takes the library's orchestrator lease, recovers from whatever the last session left, and starts
   * dispatching. Returns false (and says why in status) when another process already works this library.
   */
  async startOrchestrator(): Promise<boolean> {
    const lease = this.lease.acquire();
    if (!lease.acquired) {
      this.orchestratorReason = `another APEX Director process (pid ${lease.holder.pid} on ${lease.holder.host}) is working this library`;
      return false;
    }
    await this.refreshCredentials();
    this.lastRecovery = await recoverAtStart(this.recoveryDeps());
    this.jobs.audit.prune(Date.now());
    this.orchestratorReason = null;
    this.orchestrator.start();
    this.checkpoints.startAutomatic(this.options.config.get().orchestrator.checkpoint_interval);
    this.options.log.info('orchestrator started', { recovery: this.lastRecovery });
    return true;
  }

  /** Re-reads which backends have keys and forgets "taken out" states (called after settings change). */
  async refreshCredentials(): Promise<void> {
    const ids = await Promise.all(
      [...this.registry.keys()].map(async (id) => ((BACKEND_IDS as readonly string[]).includes(id) && (await hasRequiredCredential(this.options.credentials, id as BackendId)) ? id : null)),
    );
    this.pool.setCredentialed(ids.filter((id): id is string => id !== null));
    this.pool.resetOut();
    this.credentialsRead = true;
    this.orchestrator.wake();
    await this.backendManager.checkLocalServers();
    this.orchestrator.wake();
  }

  /** Which backends have keys, read once even in a process that never works the queue (the CLI's `status`). */
  async backendsReady(): Promise<void> {
    if (!this.credentialsRead) await this.refreshCredentials();
  }

  queueState(): QueueState {
    const counts = this.jobs.counts();
    const paused = this.orchestrator.isPaused;
    return {
      paused,
      orchestrator: !this.orchestrator.isRunning ? 'stopped' : paused ? 'paused' : 'running',
      reason: this.orchestrator.isRunning ? null : this.orchestratorReason,
      counts,
    };
  }

  async status(): Promise<Status> {
    await this.backendsReady();
    const base = await buildStatus({
      config: this.options.config.get(),
      library: this.options.library,
      credentials: this.options.credentials,
      startedAt: this.options.startedAt,
      now: Date.now(),
    });
    const counts = this.jobs.counts();
    const hourAgo = Date.now() - 3_600_000;
    const perf = this.db
      .prepare<[number], { done_last_hour: number; cost: number | null }>(
        "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'succeeded' AND finished_at >= ?) AS done_last_hour, (SELECT SUM(actual_cost) FROM jobs WHERE status = 'succeeded') AS cost",
      )
      .get(hourAgo);
    const perBackend = new Map(
      this.db
        .prepare<[], { backend: string; ok: number; failed: number }>(
          "SELECT backend, SUM(outcome = 'succeeded') AS ok, SUM(outcome = 'failed') AS failed FROM attempts GROUP BY backend",
        )
        .all()
        .map((row) => [row.backend, row]),
    );
    const finished = counts.succeeded + counts.failed;
    const library = this.assets.stats();
    const state = this.queueState();
    return {
      ...base,
      orchestrator: { status: state.orchestrator, uptime_seconds: base.orchestrator.uptime_seconds },
      jobs: {
        queued: counts.queued + counts.held,
        running: counts.running,
        active_jobs: this.orchestrator.activeJobs,
        succeeded: counts.succeeded,
        failed: counts.failed,
        canceled: counts.canceled,
      },
      performance: {
        success_rate: finished === 0 ? null : counts.succeeded / finished,
        jobs_per_hour: perf?.done_last_hour ?? 0,
        average_cost_per_job: counts.succeeded === 0 ? 0 : (perf?.cost ?? 0) / counts.succeeded,
      },
      backends: withAvailability({
        ...base.backends,
        items: base.backends.items.map((item) => {
          const seen = perBackend.get(item.id);
          const ok = seen?.ok ?? 0;
          const failed = seen?.failed ?? 0;
          const managed = this.backendManager.statusFields(item.id);
          return {
            ...item,
            state: managed.state,
            unavailable_reason: item.unavailable_reason ?? managed.unavailable_reason,
            jobs_succeeded: ok,
            jobs_failed: failed,
            success_rate: ok + failed === 0 ? null : ok / (ok + failed),
          };
        }),
      }),
      library: { path: this.options.library.root, assets: library.assets, total_size_mb: Math.round((library.bytes / 1_048_576) * 100) / 100 },
    };
  }

  /** Restore a checkpoint: dispatch stops, tables swap atomically, newer files are re-indexed, dispatch resumes. */
  restoreCheckpoint(id: number) {
    const wasRunning = this.orchestrator.isRunning;
    return this.checkpoints.restore(id, {
      suspend: () => this.orchestrator.stop({ abort: true }),
      afterRestore: async () => {
        interruptOpenAttempts(this.recoveryDeps(), 'The library was restored to a checkpoint taken while this call ran.');
        await reconcileLibrary(this.recoveryDeps(), { repair: true, checkRows: false });
        if (wasRunning) this.orchestrator.start();
      },
    });
  }

  checkLibrary(repair: boolean) {
    return reconcileLibrary(this.recoveryDeps(), { repair, checkRows: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopFollowingConfig();
    this.backendManager.close();
    this.checkpoints.stopAutomatic();
    const wasOrchestrating = this.orchestrator.isRunning;
    await this.orchestrator.stop({ abort: true });
    // Only the process that ran the queue may declare the session closed cleanly.
    if (wasOrchestrating) markCleanShutdown(this.db);
    this.lease.release();
    closeDatabase(this.db);
  }

  private recoveryDeps() {
    return {
      db: this.db,
      files: this.files,
      assets: this.assets,
      ledger: this.ledger,
      log: this.options.log,
      now: Date.now,
      isPaid: (backend: string) => this.registry.get(backend)?.paid ?? true,
      recovery: this.options.config.get().orchestrator.recovery,
    };
  }

  /** Prepared once: the orchestrator reads the pause flag on every dispatch pass. */
  private metaStatement: Statement<[string], { value: string }> | null = null;

  private meta(key: string): string | null {
    this.metaStatement ??= this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    return this.metaStatement.get(key)?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

/** Availability counts what the backend manager knows too (an open circuit, a local server that did not answer). */
function withAvailability(backends: Status['backends']): Status['backends'] {
  return { ...backends, availability_percent: availabilityPercent(backends.items) };
}
