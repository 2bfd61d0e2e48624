import type { Config } from '../../../shared/domain/config';
import { BackendPool, type RoutingJob, type Skip } from '../backends/pool';
import type { BackendInterface } from '../backends/types';

/**
 * Which backends the cascade would try for a job, in order, before anything is busy: the real cascade
 * (a private BackendPool with the library's settings and credentials, nothing in flight) asked again and
 * again with the backends it already named excluded. The first is where the job goes; the rest are its
 * fallbacks. Answers are cached per routing signature (everything the cascade looks at), so a batch of
 * 50,000 similar prompts asks the cascade a handful of times.
 */

export interface Cascade {
  /** Backends in the order the job would try them; empty when none can take it. */
  order: string[];
  skipped: Skip[];
  /** Why no backend can take the job (null when one can). */
  reason: string | null;
}

export class Planner {
  private readonly pool: BackendPool;
  private readonly cache = new Map<string, Cascade>();
  private readonly promptLimits: number[];

  constructor(
    readonly config: Config,
    readonly registry: ReadonlyMap<string, BackendInterface>,
    readonly credentialed: ReadonlySet<string>,
    private readonly now: number,
  ) {
    this.pool = new BackendPool(registry, () => config);
    this.pool.setCredentialed(credentialed);
    this.promptLimits = [...new Set([...registry.values()].map((b) => b.capabilities.max_prompt_chars))].sort((a, b) => a - b);
  }

  /** Everything the cascade looks at in a job, with the prompt reduced to which length limits it passes. */
  signature(job: RoutingJob): string {
    const p = job.params;
    const promptBucket = this.promptLimits.findIndex((limit) => job.prompt.length <= limit);
    return [
      job.pinned_backend ?? '',
      p.width,
      p.height,
      p.count,
      p.aspect_ratio ?? '',
      p.quality_level ?? '',
      p.model ?? '',
      job.negative_prompt ? 1 : 0,
      job.constraints.max_cost_usd ?? '',
      promptBucket,
    ].join('|');
  }

  cascade(job: RoutingJob): Cascade {
    const key = this.signature(job);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const order: string[] = [];
    const excluded = new Set<string>();
    const skipped = new Map<string, Skip>();
    let reason: string | null = null;
    for (;;) {
      const choice = this.pool.choose(job, this.now, excluded);
      // Backends named earlier come back as "refused" (that is how they are excluded): not a real skip.
      for (const skip of choice.skipped) if (!excluded.has(skip.backend) && !skipped.has(skip.backend)) skipped.set(skip.backend, skip);
      if (choice.kind !== 'dispatch') {
        if (order.length === 0) reason = choice.kind === 'impossible' ? choice.reason : 'No backend can take this job right now.';
        break;
      }
      order.push(choice.backend.id);
      excluded.add(choice.backend.id);
    }
    const answer: Cascade = { order, skipped: [...skipped.values()], reason };
    this.cache.set(key, answer);
    return answer;
  }
}
