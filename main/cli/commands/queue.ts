import { type Command, InvalidArgumentError } from 'commander';
import { JobStatus, type JobSummary } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';
import { withCore, type GlobalOptions } from '../context';

function parseId(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('an id is a positive whole number');
  return [...previous, n];
}

function parseStatus(value: string, previous: JobStatus[] = []): JobStatus[] {
  const parsed = JobStatus.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`one of ${JobStatus.options.join(', ')}`);
  return [...previous, parsed.data];
}

function ids(values: string[]): number[] {
  return values.reduce<number[]>((all, value) => parseId(value, all), []);
}

function formatJob(job: JobSummary): string {
  const status = job.status.padEnd(9);
  const backend = (job.backend ?? job.pinned_backend ?? '—').padEnd(11);
  const error = job.status === 'failed' && job.error_message ? `  ← ${job.error_message}` : '';
  return `${String(job.id).padStart(6)}  ${status} p${job.priority}  ${backend} ${job.attempts}×  ${job.prompt.slice(0, 60)}${error}`;
}

export function registerQueueCommands(program: Command): void {
  program
    .command('jobs')
    .description('list jobs in queue order (or newest first)')
    .option('--status <status>', 'only this status (repeatable)', parseStatus)
    .option('--batch <id>', 'only this batch', (v) => parseId(v)[0]!)
    .option('--newest', 'newest first instead of queue order')
    .option('--limit <n>', 'how many (at most 500)', (v) => Number(v), 50)
    .option('--after <cursor>', 'the next page, from a previous --json listing')
    .action(async (_o: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { status?: JobStatus[]; batch?: number; newest?: boolean; limit: number; after?: string }>();
      await withCore(options, async ({ core, out }) => {
        const page = await core.client.call('jobs.list', {
          ...(options.status ? { status: options.status } : {}),
          ...(options.batch ? { batch_id: options.batch } : {}),
          order: options.newest ? 'newest' : 'queue',
          limit: options.limit,
          ...(options.after ? { after: options.after } : {}),
        });
        out.result(page, () => (page.items.length === 0 ? 'No jobs.' : page.items.map(formatJob).join('\n') + (page.next ? `\n… more: --after ${page.next}` : '')));
      });
    });

  program
    .command('cancel')
    .description('cancel jobs (running calls are aborted) or a whole batch')
    .argument('[ids...]', 'job ids')
    .option('--batch <id>', 'cancel every unfinished job of this batch', (v) => parseId(v)[0]!)
    .action(async (values: string[], _o: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { batch?: number }>();
      const jobIds = ids(values);
      if (jobIds.length === 0 && options.batch === undefined) throw new AppError('INVALID_INPUT', 'Name job ids or --batch ID.', { field: 'ids' });
      await withCore(options, async ({ core, out }) => {
        const result = await core.client.call('jobs.cancel', { ...(jobIds.length ? { ids: jobIds } : {}), ...(options.batch ? { batch_id: options.batch } : {}) });
        out.result(result, () => `${result.canceled} job(s) canceled.`);
      });
    });

  program
    .command('pause')
    .description('pause the queue (running jobs finish; `resume` continues); persisted')
    .action(async (_o: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        const state = await core.client.call('queue.pause');
        out.result(state, () => `Queue paused: ${state.counts.queued} queued, ${state.counts.running} running.`);
      });
    });

  program
    .command('retry')
    .description('retry failed or canceled jobs as new jobs linked to the old ones')
    .argument('[ids...]', 'job ids')
    .option('--failed', 'every failed job')
    .option('--batch <id>', 'the failed and canceled jobs of this batch', (v) => parseId(v)[0]!)
    .action(async (values: string[], _o: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { failed?: boolean; batch?: number }>();
      const jobIds = ids(values);
      if (jobIds.length === 0 && !options.failed && options.batch === undefined) throw new AppError('INVALID_INPUT', 'Name job ids, --batch ID or --failed.', { field: 'ids' });
      await withCore(options, async ({ core, out }) => {
        const result = await core.client.call('jobs.retry', {
          ...(jobIds.length ? { ids: jobIds } : {}),
          ...(options.batch ? { batch_id: options.batch } : {}),
          ...(options.failed ? { failed: true as const } : {}),
        });
        out.result(result, () => `${result.job_ids.length} job(s) queued again${result.job_ids.length ? ` as ${result.job_ids.join(', ')}` : ''}; \`apex-director resume\` runs them.`);
      });
    });
}
