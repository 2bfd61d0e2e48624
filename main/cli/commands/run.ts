import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { BackendId } from '../../../shared/domain/config';
import type { BatchInput, JobInput } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';
import { MAX_BATCH_FILE_BYTES, parsePlainTextBatch } from '../../core/batch/plain-text';
import { withCore, type GlobalOptions } from '../context';
import type { ExitHolder } from '../exit-codes';
import { workQueue } from '../work-queue';

interface RunOptions extends GlobalOptions {
  backend?: BackendId;
  project?: string;
  priority?: number;
  wait: boolean;
  dryRun?: boolean;
}

function parseBackend(value: string): BackendId {
  const parsed = BackendId.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`one of ${BackendId.options.join(', ')}`);
  return parsed.data;
}

function parsePriority(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new InvalidArgumentError('a priority is 1 (lowest) to 5 (most urgent)');
  return n;
}

/** Reads every file first: a bad file anywhere means nothing is queued. */
function readBatches(files: readonly string[], options: RunOptions): BatchInput[] {
  return files.map((file) => {
    const path = resolve(file);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) throw new AppError('INVALID_INPUT', `${file}: no such file.`, { file });
    if (stat.size > MAX_BATCH_FILE_BYTES) throw new AppError('INVALID_INPUT', `${file} is ${(stat.size / 1_048_576).toFixed(1)} MB; batch files may be at most ${MAX_BATCH_FILE_BYTES / 1_048_576} MB.`, { file });
    const jobs: JobInput[] = parsePlainTextBatch(readFileSync(path, 'utf8'), file);
    const defaults: BatchInput['defaults'] = {};
    if (options.backend) defaults.backend = options.backend;
    if (options.project) defaults.project = options.project;
    if (options.priority) defaults.priority = options.priority;
    return { name: basename(file), source_file: path, jobs, defaults };
  });
}

export function registerRun(program: Command, exit: ExitHolder): void {
  program
    .command('run')
    .description('add batch files to the queue and work it until it is empty (Ctrl-C stops cleanly; `resume` carries on)')
    .argument('<files...>', 'batch files: one prompt per line, # comments')
    .option('--backend <id>', 'pin every job to one backend', parseBackend)
    .option('--project <name>', 'project for the new images')
    .option('--priority <n>', '1 (lowest) to 5 (most urgent); default 3', parsePriority)
    .option('--no-wait', 'queue the jobs and return without working the queue')
    .option('--dry-run', 'show what would be queued, queue nothing')
    .action(async (files: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<RunOptions>();
      const batches = readBatches(files, options);
      await withCore(options, async ({ core, out }) => {
        if (options.dryRun) {
          const preview = batches.map((b) => ({ file: b.source_file, jobs: b.jobs.length, first_prompts: b.jobs.slice(0, 5).map((j) => j.prompt) }));
          const total = batches.reduce((n, b) => n + b.jobs.length, 0);
          out.result({ jobs: total, files: preview }, () => preview.map((p) => `${p.file}: ${p.jobs} jobs\n${p.first_prompts.map((x) => `  • ${x}`).join('\n')}`).join('\n'));
          return;
        }
        const ids: number[] = [];
        for (const batch of batches) {
          const { batch_id, job_ids } = await core.client.call('jobs.submitBatch', batch);
          ids.push(...job_ids);
          out.info(`Queued ${job_ids.length} jobs from ${batch.name} as batch ${batch_id}.`);
        }
        if (!options.wait) {
          out.result({ queued: ids.length, job_ids: ids }, () => `${ids.length} jobs queued; \`apex-director resume\` works the queue.`);
          return;
        }
        exit.code = await workQueue(core, out, ids);
      });
    });

  program
    .command('resume')
    .description('unpause the queue and work it until it is empty')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command.optsWithGlobals<GlobalOptions>(), async ({ core, out }) => {
        await core.client.call('queue.resume');
        const pending = core.pipeline.jobs.withStatus('queued').concat(core.pipeline.jobs.withStatus('running'));
        exit.code = await workQueue(core, out, pending);
      });
    });
}
