import type { RoutingForecast } from '../../../shared/domain/batch';
import { BATCH_LIMITS } from '../../../shared/domain/batch';
import type { BackendId, Config } from '../../../shared/domain/config';
import { backendSettings, type BackendPool, type RoutingJob } from '../backends/pool';
import { priceFor } from '../estimator/prices';
import type { NormalizedJob } from '../queue/normalize-job';

/**
 * Which backend the cascade would give each job right now (`BackendPool.forecast`: the live pool's
 * credentials, cool-downs and circuits, nothing dispatched), summed per backend at the price `priceFor`
 * gives (the backend's `cost_per_image` setting, else the price table). Jobs that route alike are asked
 * once: the answer depends only on the routing signature, and a 10,000-row batch has a handful of them.
 */
export function forecastRouting(jobs: Iterable<NormalizedJob>, pool: BackendPool, config: Config, now: number): RoutingForecast {
  const perBackend = new Map<string, { jobs: number; images: number; cost_usd: number }>();
  const reasons = new Map<string, number>();
  const unroutable = { jobs: 0, images: 0 };
  const cache = new Map<string, { backend: string | null; reason: string | null }>();
  const promptLimits = [...new Set(pool.ids().map((id) => pool.get(id)?.capabilities.max_prompt_chars ?? Infinity))].sort((a, b) => a - b);
  for (const job of jobs) {
    const key = signature(job, promptLimits);
    let answer = cache.get(key);
    if (!answer) {
      answer = pool.forecast(toRoutingJob(job), now);
      cache.set(key, answer);
    }
    const images = job.params.count;
    if (answer.backend === null) {
      unroutable.jobs += 1;
      unroutable.images += images;
      const reason = answer.reason ?? 'no backend can take it';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      continue;
    }
    const entry = perBackend.get(answer.backend) ?? { jobs: 0, images: 0, cost_usd: 0 };
    entry.jobs += 1;
    entry.images += images;
    entry.cost_usd += priceFor(answer.backend, job.params.model ?? backendSettings(config, answer.backend as BackendId).model, job.params, config).usd_total;
    perBackend.set(answer.backend, entry);
  }
  return {
    backends: [...perBackend].map(([backend, entry]) => ({ backend, ...entry, cost_usd: roundUsd(entry.cost_usd) })).sort((a, b) => b.jobs - a.jobs),
    unroutable: {
      ...unroutable,
      reasons: [...reasons]
        .sort((a, b) => b[1] - a[1])
        .slice(0, BATCH_LIMITS.reasonsListed)
        .map(([reason, count]) => ({ reason, jobs: count })),
    },
  };
}

function toRoutingJob(job: NormalizedJob): RoutingJob {
  return { params: job.params, prompt: job.prompt, negative_prompt: job.negative_prompt, pinned_backend: job.pinned_backend, constraints: job.constraints };
}

/** Everything the cascade looks at; the prompt only through which backends' length limits it passes. */
function signature(job: NormalizedJob, promptLimits: readonly number[]): string {
  const p = job.params;
  const promptBucket = promptLimits.findIndex((limit) => job.prompt.length <= limit);
  return [job.pinned_backend ?? '', p.width, p.height, p.count, p.aspect_ratio ?? '', p.quality_level ?? '', job.negative_prompt ? 1 : 0, job.constraints.max_cost_usd ?? '', promptBucket].join('|');
}

/** Four decimals (a hundredth of a cent): float sums leave noise no one wants to read. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}
