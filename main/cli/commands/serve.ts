import { InvalidArgumentError, type Command } from 'commander';
import { startWsServer } from '../../core/transports/ws-server';
import { dirname, join } from 'node:path';
import { LibraryHost } from '../../core/library-host';
import { defaultLibraryLocation, openLibraryFolder, resolveLibraryLocation } from '../../core/library/layout';
import { jsonFileRecentStore } from '../../core/library/library-switch';
import { createLogger } from '../../core/log';
import type { GlobalOptions } from '../context';
import { createOutput } from '../output';
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
      const out = createOutput(options.json === true);
      const rendererDir = findRendererDir();
      if (!rendererDir) out.info('The renderer is not built yet: run `npm run build` (the page will say so too).');
      // A library host, not a bare core: the Settings panel can switch this server to another library.
      const host = await LibraryHost.open({
        library: openLibraryFolder(resolveLibraryLocation({ flag: options.library, env: process.env.APEX_LIBRARY })).root,
        logFor: (dir) => createLogger({ dir, stderr: true }),
        recent: jsonFileRecentStore(join(dirname(defaultLibraryLocation()), 'recent-libraries.json')),
        // Browser mode is the app: it works the queue of each library it opens, unless another process already does.
        onOpened: async (core) => {
          if (!(await core.startOrchestrator())) out.info(`Not working the queue of ${core.library.root}: ${core.pipeline.queueState().reason}.`);
        },
      });
      try {
        const server = await startWsServer(host, { port: options.port, rendererDir });
        out.result({ url: server.url, port: server.port, library: host.library.root }, () => `APEX Director (library ${host.library.root})\n${server.url}`);
        if (options.open && !(await openUrl(server.url))) out.info('Could not open a browser; open the URL above by hand.');
        out.info('Serving on 127.0.0.1 only. Press Ctrl-C to stop.');
        await waitForSignal();
        out.info('Stopping…');
        await server.close();
      } finally {
        await host.close();
      }
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
