import { z } from 'zod';

/**
 * `<library>/apex_config.json`: the engine settings of one library, shared by the CLI and the app.
 * Keys follow the original APEX configuration (DESIGN §8). Objects are strict so that a typo such as
 * `max_concurent_jobs` is reported with its path instead of being silently ignored.
 */

export const BACKEND_IDS = ['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo'] as const;
export const BackendId = z.enum(BACKEND_IDS);
export type BackendId = z.infer<typeof BackendId>;

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048);

const ModelId = z.string().min(1).max(200);

/** Settings every backend has. */
const commonBackendShape = {
  enabled: z.boolean(),
  /** Cascade order: lower is tried first. */
  priority: z.number().int().min(1).max(99),
  /** USD per image; null (the default) uses the estimator's price table (main/core/estimator/prices.ts). */
  cost_per_image: z.number().min(0).max(100).nullable(),
  quality_level: z.number().int().min(1).max(5),
  max_concurrency: z.number().int().min(1).max(64),
  /** null means no per-minute limit beyond max_concurrency. */
  requests_per_minute: z.number().int().min(1).max(10_000).nullable(),
  timeout_ms: z.number().int().min(1_000).max(3_600_000),
};

export const NanoBananaConfig = z.strictObject({
  ...commonBackendShape,
  model: ModelId,
  base_url: HttpUrl,
});

export const ImagenConfig = z.strictObject({
  ...commonBackendShape,
  model: ModelId,
  base_url: HttpUrl,
  /** api_key: Gemini API key. vertex: a Vertex AI service-account key (project and location below). */
  auth: z.enum(['api_key', 'vertex']),
  vertex_project: z.string().max(200).nullable(),
  vertex_location: z.string().max(100),
});

export const MinimaxConfig = z.strictObject({
  ...commonBackendShape,
  model: ModelId,
  base_url: HttpUrl,
});

export const SdxlConfig = z.strictObject({
  ...commonBackendShape,
  flavor: z.enum(['a1111', 'comfyui']),
  base_url: HttpUrl,
  /** Checkpoint file name on the artist's server; null keeps whatever the server has loaded. */
  checkpoint: z.string().max(500).nullable(),
  sampler: z.string().min(1).max(100),
  steps: z.number().int().min(1).max(150),
  cfg_scale: z.number().min(1).max(30),
});

export const DemoConfig = z.strictObject({
  enabled: z.boolean(),
  priority: z.number().int().min(1).max(99),
  max_concurrency: z.number().int().min(1).max(64),
  /** Simulated latency per image, so the queue can be watched working. */
  latency_ms: z.number().int().min(0).max(60_000),
});

export const BackendsConfig = z.strictObject({
  nano_banana: NanoBananaConfig,
  imagen: ImagenConfig,
  minimax: MinimaxConfig,
  sdxl: SdxlConfig,
  demo: DemoConfig,
});

export const OrchestratorConfig = z.strictObject({
  max_concurrent_jobs: z.number().int().min(1).max(256),
  max_attempts: z.number().int().min(1).max(50),
  /** Seconds between automatic checkpoints (only when something changed). */
  checkpoint_interval: z.number().int().min(10).max(86_400),
  /** Automatic checkpoints kept; older ones are deleted (manual ones are kept until deleted). */
  checkpoint_keep: z.number().int().min(1).max(1_000),
  auto_retry: z.boolean(),
  /** What to do with paid jobs interrupted by a crash: run them again, or hold them for the artist. */
  recovery: z.enum(['requeue', 'hold']),
});

export const BudgetConfig = z.strictObject({
  daily_usd: z.number().min(0).max(1_000_000).nullable(),
  monthly_usd: z.number().min(0).max(10_000_000).nullable(),
});

export const Config = z.strictObject({
  backends: BackendsConfig,
  orchestrator: OrchestratorConfig,
  budget: BudgetConfig,
});
export type Config = z.infer<typeof Config>;

/** A partial update: every key optional at every level; the merged result is validated as a whole. */
export const ConfigPatch = z.strictObject({
  backends: z
    .strictObject({
      nano_banana: NanoBananaConfig.partial().optional(),
      imagen: ImagenConfig.partial().optional(),
      minimax: MinimaxConfig.partial().optional(),
      sdxl: SdxlConfig.partial().optional(),
      demo: DemoConfig.partial().optional(),
    })
    .optional(),
  orchestrator: OrchestratorConfig.partial().optional(),
  budget: BudgetConfig.partial().optional(),
});
export type ConfigPatch = z.infer<typeof ConfigPatch>;

const GOOGLE_API = 'https://generativelanguage.googleapis.com';

/** Defaults written on first run. Prices come from the providers' pages (see the estimator's tables). */
export function defaultConfig(): Config {
  return {
    backends: {
      nano_banana: {
        enabled: true,
        priority: 1,
        // gemini-2.5-flash-image was shut down on 2026-10-02; this is its GA successor.
        model: 'gemini-3.1-flash-image',
        base_url: GOOGLE_API,
        // null: priced by the price table ($60 per 1M image-output tokens, by size tier; research/backends.md §1.6).
        cost_per_image: null,
        quality_level: 4,
        max_concurrency: 4,
        requests_per_minute: 60,
        timeout_ms: 120_000,
      },
      imagen: {
        enabled: true,
        priority: 2,
        model: 'imagen-4.0-generate-001',
        base_url: GOOGLE_API,
        auth: 'api_key',
        vertex_project: null,
        vertex_location: 'us-central1',
        cost_per_image: null,
        quality_level: 4,
        max_concurrency: 2,
        requests_per_minute: 20,
        timeout_ms: 120_000,
      },
      minimax: {
        enabled: true,
        priority: 3,
        model: 'image-01',
        base_url: 'https://api.minimax.io',
        // null: the price table (official price unconfirmed; resellers list $0.01 per image, research/backends.md §3.5).
        cost_per_image: null,
        quality_level: 3,
        max_concurrency: 2,
        requests_per_minute: 10,
        timeout_ms: 120_000,
      },
      sdxl: {
        enabled: true,
        priority: 4,
        flavor: 'a1111',
        base_url: 'http://127.0.0.1:7860',
        checkpoint: null,
        sampler: 'DPM++ 2M',
        steps: 30,
        cfg_scale: 7,
        cost_per_image: null,
        quality_level: 3,
        max_concurrency: 1,
        requests_per_minute: null,
        timeout_ms: 600_000,
      },
      demo: {
        enabled: true,
        priority: 9,
        max_concurrency: 4,
        latency_ms: 150,
      },
    },
    orchestrator: {
      max_concurrent_jobs: 5,
      max_attempts: 5,
      checkpoint_interval: 300,
      checkpoint_keep: 10,
      auto_retry: true,
      recovery: 'requeue',
    },
    budget: { daily_usd: null, monthly_usd: null },
  };
}

/** Applies a validated patch; the caller validates the result with `Config`. */
export function mergeConfig(base: Config, patch: ConfigPatch): Config {
  const backends = { ...base.backends };
  for (const id of BACKEND_IDS) {
    const part = patch.backends?.[id];
    if (part) Object.assign(backends, { [id]: { ...base.backends[id], ...stripUndefined(part) } });
  }
  return {
    backends,
    orchestrator: { ...base.orchestrator, ...stripUndefined(patch.orchestrator ?? {}) },
    budget: { ...base.budget, ...stripUndefined(patch.budget ?? {}) },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
