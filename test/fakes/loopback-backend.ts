import { z } from 'zod';
import { BackendError, type BackendInterface } from '../../main/core/backends/types';

const Answer = z.object({ images: z.array(z.string()).min(0) });

/**
 * A BackendInterface client for the loopback image server, registered under a real backend id (e.g.
 * `sdxl`) so the cascade's settings apply. Maps HTTP failures to error classes like a real client.
 */
export function createLoopbackBackend(options: { id: string; baseUrl: string; paid?: boolean }): BackendInterface {
  return {
    id: options.id,
    paid: options.paid ?? false,
    capabilities: { min_side: 64, max_side: 2048, aspect_ratios: [], max_images_per_request: 4, negative_prompt: true, seed: true, max_prompt_chars: 8000 },
    async generate(request, { signal }) {
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}/generate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: request.prompt, seed: request.seed, width: request.width, height: request.height, count: request.count }),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
        throw new BackendError('transient', `connection failed: ${String(error)}`, { cause: error });
      }
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new BackendError('rate_limited', 'rate limited', { httpStatus: 429, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : null });
      }
      if (response.status >= 500) throw new BackendError('transient', `server error ${response.status}`, { httpStatus: response.status });
      if (!response.ok) throw new BackendError('bad_request', `refused with ${response.status}`, { httpStatus: response.status });
      const answer = Answer.parse(await response.json());
      return { images: answer.images.map((b64) => ({ bytes: Buffer.from(b64, 'base64'), mime: 'image/png' })), model: 'loopback-1', seed: request.seed, provider_cost_usd: null };
    },
  };
}
