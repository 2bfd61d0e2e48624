import { z } from 'zod';
import { BackendError, type BackendInterface } from '../../../main/core/backends/types';

/**
 * A client for the loopback image server (test/fakes/loopback-image-server.ts) registered under a real
 * backend id, with the failure mapping a real client has: 429 + Retry-After → rate_limited, 401/403 →
 * auth (with the provider's words), 5xx and refused connections → transient, 400 → bad_request,
 * 200 `{blocked}` → content_blocked with the provider's reason, 200 without images → no_image.
 * It sends the key in a header and `health()` makes one small real call, like the provider clients do.
 * It also counts calls in flight, so tests can check that no configured concurrency was exceeded.
 */

const Answer = z.object({ images: z.array(z.string()).optional(), blocked: z.string().optional(), error: z.string().optional() });

export const HEALTH_PROMPT = '__health_check__';

export interface ScriptedBackend extends BackendInterface {
  readonly stats: { inFlight: number; maxInFlight: number; credentials: Array<string | null> };
}

export function scriptedBackend(options: { id: string; baseUrl: string; paid?: boolean; withHealth?: boolean; echoKeyInErrors?: boolean }): ScriptedBackend {
  const stats = { inFlight: 0, maxInFlight: 0, credentials: [] as Array<string | null> };

  async function call(body: Record<string, unknown>, signal: AbortSignal, credential: string | null) {
    stats.credentials.push(credential);
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
      throw new BackendError('transient', `connection failed: ${String(error)}`, { cause: error });
    }
    const answer = Answer.parse(await response.json().catch(() => ({})));
    // A careless client (or provider) that repeats the key in its error: the core must take it out.
    const echo = options.echoKeyInErrors && credential ? ` (key used: ${credential})` : '';
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new BackendError('rate_limited', 'rate limited', { httpStatus: 429, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : null });
    }
    if (response.status === 401 || response.status === 403) {
      throw new BackendError('auth', `refused the key${echo}`, { httpStatus: response.status, providerMessage: `${answer.error ?? 'unauthorized'}${echo}` });
    }
    if (response.status >= 500) throw new BackendError('transient', `server error ${response.status}${echo}`, { httpStatus: response.status });
    if (!response.ok) throw new BackendError('bad_request', `refused with ${response.status}`, { httpStatus: response.status, providerMessage: answer.error ?? null });
    if (answer.blocked) throw new BackendError('content_blocked', 'The provider blocked the prompt.', { httpStatus: 200, providerMessage: answer.blocked });
    return answer.images ?? [];
  }

  const backend: ScriptedBackend = {
    id: options.id,
    paid: options.paid ?? false,
    stats,
    capabilities: { min_side: 64, max_side: 2048, aspect_ratios: [], max_images_per_request: 4, negative_prompt: true, seed: true, max_prompt_chars: 8000 },
    async generate(request, { signal, credential }) {
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        const images = await call({ prompt: request.prompt, seed: request.seed, width: request.width, height: request.height, count: request.count }, signal, credential);
        return { images: images.map((b64) => ({ bytes: Buffer.from(b64, 'base64'), mime: 'image/png' })), model: `${options.id}-fake`, seed: request.seed, provider_cost_usd: null };
      } finally {
        stats.inFlight -= 1;
      }
    },
  };
  if (options.withHealth) {
    backend.health = async ({ signal, credential }) => {
      await call({ prompt: HEALTH_PROMPT, seed: 1, width: 64, height: 64, count: 1 }, signal, credential);
    };
  }
  return backend;
}

/** The largest number of calls that started within any `windowMs` span. */
export function maxInWindow(startTimes: readonly number[], windowMs = 60_000): number {
  const sorted = [...startTimes].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

export async function waitFor<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
