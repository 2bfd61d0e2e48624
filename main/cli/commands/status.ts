import type { Command } from 'commander';
import { withCore, type GlobalOptions } from '../context';
import { formatStatus } from '../format-status';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the orchestrator, queue, backends and library at a glance')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const status = await core.client.call('system.status');
        out.result(status, () => formatStatus(status));
      });
    });
}
