import { type Command, InvalidArgumentError } from 'commander';
import type { Checkpoint } from '../../../shared/domain/checkpoints';
import { withCore, type GlobalOptions } from '../context';

function describe(c: Checkpoint): string {
  const counts = Object.entries(c.job_counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return `#${c.id}  ${new Date(c.created_at).toISOString()}  ${c.reason.padEnd(14)} ${(c.size_bytes / 1024).toFixed(0).padStart(6)} KB  ${c.name ?? ''}${counts ? `  (${counts})` : ''}`;
}

export function registerCheckpoint(program: Command): void {
  const checkpoint = program.command('checkpoint').description('named snapshots of the library database');
  checkpoint
    .command('create')
    .argument('[name]', 'a name to find it by')
    .description('snapshot the library now')
    .action(async (name: string | undefined, _o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const created = await core.client.call('checkpoints.create', name ? { name } : undefined);
        out.result(created, () => `Checkpoint ${describe(created)}`);
      });
    });
  checkpoint
    .command('list')
    .description('list checkpoints, newest first')
    .action(async (_o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const list = await core.client.call('checkpoints.list');
        out.result(list, () => (list.items.length === 0 ? 'No checkpoints yet.' : list.items.map(describe).join('\n')));
      });
    });
  checkpoint
    .command('restore')
    .argument('<id>', 'checkpoint id (see `checkpoint list`)')
    .description('bring the queue and library index back to a checkpoint (a safety checkpoint of now is taken first; no image file is lost)')
    .action(async (value: string, _o: unknown, command: Command) => {
      const id = Number(value);
      if (!Number.isSafeInteger(id) || id < 1) throw new InvalidArgumentError('a checkpoint id is a positive whole number');
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const result = await core.client.call('checkpoints.restore', { id });
        out.result(result, () => `Restored checkpoint #${result.restored.id}. The state before it is kept as checkpoint #${result.safety.id}.`);
      });
    });
}
