import { InvalidArgumentError, type Command } from 'commander';
import { startWsServer } from '../../core/transports/ws-server';
import { withCore, type GlobalOptions } from '../context';
import { openUrl } from '../open-url';
import { findRendererDir } from '../renderer-dir';

interface ServeOptions extends GlobalOptions {
  port: number;
  open?: boolean;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one)');
  return port;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('open the app in a browser: serves it on 127.0.0.1 and prints the URL with its access token')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, 0)
    .option('--open', 'also open the URL in the default browser')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ServeOptions>();
      await withCore(options, async ({ core, out }) => {
        const rendererDir = findRendererDir();
        if (!rendererDir) out.info('The renderer is not built yet: run `npm run build` (the page will say so too).');
        // Browser mode is the app: it works the queue, unless another process already does.
        if (!(await core.startOrchestrator())) out.info(`Not working the queue: ${core.pipeline.queueState().reason}.`);
        const server = await startWsServer(core, { port: options.port, rendererDir });
        out.result({ url: server.url, port: server.port, library: core.library.root }, () => `APEX Director (library ${core.library.root})\n${server.url}`);
        if (options.open && !(await openUrl(server.url))) out.info('Could not open a browser; open the URL above by hand.');
        out.info('Serving on 127.0.0.1 only. Press Ctrl-C to stop.');
        await waitForSignal();
        out.info('Stopping…');
        await server.close();
      });
    });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
