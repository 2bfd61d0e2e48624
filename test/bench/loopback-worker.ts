import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startLoopbackImageServer } from '../fakes/loopback-image-server';

/**
 * The loopback image server of test/fakes, run on a worker thread. A real image service runs on another
 * machine: its own work (making a PNG per call, JSON encoding) must not compete with the core for the
 * main event loop, or the benchmark would measure the fake instead of the core.
 */

type ToWorker = { type: 'close' };
type FromWorker = { type: 'ready'; url: string } | { type: 'closed'; calls: number[] };

export interface WorkerImageServer {
  readonly url: string;
  /** Stops the server; resolves with the start time (epoch ms) of every call it received. */
  close(): Promise<number[]>;
}

export async function startLoopbackServerWorker(latencyMs: number): Promise<WorkerImageServer> {
  // Workers do not inherit tsx's loader: a small bootstrap registers it, then imports this file as the worker.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { latencyMs } });
  const next = () =>
    new Promise<FromWorker>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once('error', onError);
      worker.once('message', (message: FromWorker) => {
        worker.off('error', onError);
        resolve(message);
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('loopback worker did not start');
  return {
    url: ready.url,
    async close() {
      const closed = next();
      worker.postMessage({ type: 'close' } satisfies ToWorker);
      const message = await closed;
      await worker.terminate();
      if (message.type !== 'closed') throw new Error('loopback worker did not close');
      return message.calls;
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { latencyMs } = workerData as { latencyMs: number };
  const server = await startLoopbackImageServer({ latencyMs });
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'close') return;
    void server.close().then(() => {
      port.postMessage({ type: 'closed', calls: server.calls.map((c) => c.startedAt) } satisfies FromWorker);
    });
  });
  port.postMessage({ type: 'ready', url: server.url } satisfies FromWorker);
}
