import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLoopbackImageServer } from '../fakes/loopback-image-server';

/**
 * The loopback image server of test/fakes, run in a child process, as a remote service would be. Its own
 * work (making a PNG per call with sharp, JSON encoding) must not compete with the core for the main
 * event loop — nor for the core's libuv thread pool, which a worker thread shares with its process: there
 * the fake's PNG rendering queued behind (and delayed) the core's own file writes and thumbnails, and every
 * call's latency grew with the core's load, so the benchmark measured the fake as much as the core.
 */

type ToChild = { type: 'close' };
type FromChild = { type: 'ready'; url: string } | { type: 'closed'; calls: number[] };

/** Set in the child's environment: the file then runs the server instead of being imported. */
const CHILD_FLAG = 'APEX_BENCH_LOOPBACK_CHILD';

export interface WorkerImageServer {
  readonly url: string;
  /** Stops the server; resolves with the start time (epoch ms) of every call it received. */
  close(): Promise<number[]>;
}

export async function startLoopbackServerWorker(latencyMs: number): Promise<WorkerImageServer> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [CHILD_FLAG]: String(latencyMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<FromChild>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`loopback server process exited (code ${code}) before answering`));
      child.once('exit', onExit);
      child.once('message', (message: FromChild) => {
        child.off('exit', onExit);
        resolve(message);
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('loopback server process did not start');
  return {
    url: ready.url,
    async close() {
      const closed = next();
      child.send({ type: 'close' } satisfies ToChild);
      const message = await closed;
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      if (message.type !== 'closed') throw new Error('loopback server process did not close');
      return message.calls;
    },
  };
}

const latency = process.env[CHILD_FLAG];
if (latency !== undefined && process.send) {
  const server = await startLoopbackImageServer({ latencyMs: Number(latency) });
  process.on('message', (message: ToChild) => {
    if (message.type !== 'close') return;
    void server.close().then(() => {
      process.send!({ type: 'closed', calls: server.calls.map((c) => c.startedAt) } satisfies FromChild, () => process.exit(0));
    });
  });
  // The benchmark went away without closing us (it crashed or was interrupted): do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', url: server.url } satisfies FromChild);
}
