/**
 * The process the crash test kills: works a library's queue against the loopback image server.
 *   node --import tsx test/integration/crash/crash-worker.ts <library> <fakeServerUrl>
 * stdout, one line each: `recovery <json>` (what start-up recovery found), `ready`, then `idle` when the
 * queue is empty. Exit 0 after a clean close; anything else goes to stderr with exit 1.
 */
import { createCore } from '../../../main/core';
import { createLoopbackBackend } from '../../fakes/loopback-backend';

async function main(): Promise<void> {
  const [library, baseUrl] = process.argv.slice(2);
  if (!library || !baseUrl) throw new Error('usage: crash-worker.ts <library> <fakeServerUrl>');
  // sdxl (the artist's own server) needs no key: the default credential source is enough.
  const core = await createCore({ library, backends: [createLoopbackBackend({ id: 'sdxl', baseUrl, paid: false })] });
  // Idempotent: every (re)start writes the same settings.
  await core.client.call('config.update', {
    backends: { sdxl: { enabled: true, max_concurrency: 8, requests_per_minute: null, base_url: baseUrl } },
    orchestrator: { max_concurrent_jobs: 8 },
  });
  if (!(await core.startOrchestrator())) throw new Error('another process holds the orchestrator lease');
  process.stdout.write(`recovery ${JSON.stringify(core.pipeline.lastRecovery)}\n`);
  process.stdout.write('ready\n');
  await core.pipeline.orchestrator.whenIdle();
  process.stdout.write('idle\n');
  await core.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`crash-worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
