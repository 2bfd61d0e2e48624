import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../shared/domain/config';
import { createCore, type Core } from '../../../main/core';
import { createDemoBackend } from '../../../main/core/backends/demo';
import { createBackends } from '../../../main/core/backends/registry';
import { envCredentials } from '../../../main/core/ports';
import { startA1111Fake } from '../../fakes/a1111-server';
import { startComfyFake } from '../../fakes/comfyui-server';
import { startGeminiFake } from '../../fakes/gemini-server';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function open(env: Record<string, string> = {}, backends: Parameters<typeof createCore>[0]['backends'] = []): Promise<Core> {
  const core = await createCore({ library: join(tempDir(), 'library'), credentials: envCredentials(env), backends });
  cleanup.push(() => core.close());
  return core;
}

describe('the backend registry', () => {
  it('builds the four real clients, paid except sdxl', () => {
    const clients = createBackends(() => defaultConfig());
    expect(clients.map((c) => [c.id, c.paid, typeof c.health])).toEqual([
      ['nano_banana', true, 'function'],
      ['imagen', true, 'function'],
      ['minimax', true, 'undefined'],
      ['sdxl', false, 'function'],
    ]);
  });

  it('is registered by the pipeline next to demo; a client passed in replaces the built-in one of its id', async () => {
    const plain = await open();
    expect([...plain.pipeline.registry.keys()].sort()).toEqual(['demo', 'imagen', 'minimax', 'nano_banana', 'sdxl']);
    const replacement = { ...createDemoBackend({ latencyMs: 0 }), id: 'sdxl' };
    const replaced = await open({}, [replacement]);
    expect(replaced.pipeline.registry.get('sdxl')).toBe(replacement);
  });

  it('reads settings at call time: a config change moves the next call to another model and server', async () => {
    const gemini = await startGeminiFake({ apiKey: 'k' });
    cleanup.push(() => gemini.close());
    const core = await open({ APEX_NANO_BANANA_API_KEY: 'k' });
    await core.client.call('config.update', { backends: { nano_banana: { base_url: gemini.url }, imagen: { enabled: false }, minimax: { enabled: false }, sdxl: { enabled: false } } });
    await core.startOrchestrator();
    await core.client.call('jobs.submit', { prompt: 'first', backend: 'nano_banana', params: { seed: 1 } });
    await core.pipeline.orchestrator.whenIdle();
    await core.client.call('config.update', { backends: { nano_banana: { model: 'gemini-3-pro-image' } } });
    await core.client.call('jobs.submit', { prompt: 'second', backend: 'nano_banana', params: { seed: 2 } });
    await core.pipeline.orchestrator.whenIdle();
    expect(gemini.requests.map((r) => r.path)).toEqual(['/v1beta/models/gemini-3.1-flash-image:generateContent', '/v1beta/models/gemini-3-pro-image:generateContent']);
    expect((await core.client.call('queue.state')).counts.succeeded).toBe(2);
  });

  it('switches the sdxl flavor without a restart', async () => {
    const a1111 = await startA1111Fake();
    const comfy = await startComfyFake();
    cleanup.push(() => a1111.close(), () => comfy.close());
    const core = await open();
    await core.client.call('config.update', { backends: { sdxl: { flavor: 'a1111', base_url: a1111.url }, nano_banana: { enabled: false }, imagen: { enabled: false }, minimax: { enabled: false } } });
    await core.startOrchestrator();
    await core.client.call('jobs.submit', { prompt: 'on a1111', backend: 'sdxl', params: { seed: 1, width: 512, height: 512 } });
    await core.pipeline.orchestrator.whenIdle();
    await core.client.call('config.update', { backends: { sdxl: { flavor: 'comfyui', base_url: comfy.url, checkpoint: 'sd_xl_base_1.0.safetensors' } } });
    await core.client.call('jobs.submit', { prompt: 'on comfy', backend: 'sdxl', params: { seed: 2, width: 512, height: 512 } });
    await core.pipeline.orchestrator.whenIdle();
    expect(a1111.requestsTo('/sdapi/v1/txt2img')).toHaveLength(1);
    expect(comfy.requestsTo('/prompt')).toHaveLength(1);
    expect((await core.client.call('queue.state')).counts).toMatchObject({ succeeded: 2, failed: 0 });
  });
});
