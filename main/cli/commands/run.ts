import type { Command } from 'commander';
import type { BatchPreview } from '../../../shared/domain/batch';
import { IssueList } from '../../core/batch/issues';
import { checkRunBudget } from '../../core/estimator/batch-files';
import { withCore, type GlobalOptions } from '../context';
import { EXIT, type ExitHolder } from '../exit-codes';
import { workQueue } from '../work-queue';
import { addBatchFlags, batchInput, describeCounts, describeIssues, describeRouting, type BatchFlags } from './batch-options';

interface RunOptions extends BatchFlags {
  wait: boolean;
  dryRun?: boolean;
  allowOverBudget?: boolean;
}

/** Warnings and skipped rows printed to stderr when a run queues (`run --dry-run --json` lists them all). */
const ISSUES_SHOWN = 10;

function describePreview(preview: BatchPreview): string {
  const prompts = preview.prompts.map((p) => `  ${p.file}:${p.line}  ${p.prompt}${p.negative_prompt ? `  [negative: ${p.negative_prompt}]` : ''}`);
  return [
    ...describeCounts(preview),
    ...(prompts.length > 0 ? ['First prompts:', ...prompts] : []),
    ...describeRouting(preview),
    ...describeIssues(preview),
    preview.ok ? 'Nothing was queued (dry run).' : 'Nothing was queued: fix the errors above (or pass --skip-bad-rows).',
  ].join('\n');
}

export function registerRun(program: Command, exit: ExitHolder): void {
  addBatchFlags(
    program
      .command('run')
      .description('add batch files to the queue and work it until it is empty (Ctrl-C stops cleanly; `resume` carries on)')
      .argument('<files...>', 'batch files or folders: .txt (one prompt per line, or A1111 --flag lines), .csv, .tsv, .json, .jsonl'),
  )
    .option('--no-wait', 'queue the jobs and return without working the queue')
    .option('--dry-run', 'show what would be queued (counts, first prompts, errors, routing), queue nothing')
    .option('--allow-over-budget', 'queue even when the estimate passes a budget cap (paid backends still stop at the cap)')
    .action(async (files: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<RunOptions>();
      const input = batchInput(files, options);
      await withCore(options, async ({ core, out }) => {
        if (options.dryRun) {
          const preview = await core.client.call('batch.preview', { ...input, preview_prompts: 10 });
          out.result(preview, () => describePreview(preview));
          if (!preview.ok) exit.code = EXIT.badInput;
          return;
        }
        // Issue 7: with a budget cap set, a batch whose estimate would pass it is refused (exit 2) unless allowed.
        await checkRunBudget(core, input, options.allowOverBudget === true, (message) => out.info(message));
        // Everything is parsed, checked and expanded before anything is queued: a bad file means nothing is.
        const submitted = await core.client.call('batch.submit', input);
        for (const batch of submitted.batches) out.info(`Queued ${batch.jobs} jobs (${batch.images} images) from ${batch.name} as batch ${batch.batch_id}.`);
        if (submitted.skipped_rows > 0) out.info(`Skipped ${submitted.skipped_rows} bad rows (--skip-bad-rows).`);
        for (const issue of submitted.issues.slice(0, ISSUES_SHOWN)) out.info(`${issue.severity === 'error' ? 'skipped' : 'warning'}: ${IssueList.format(issue)}`);
        if (submitted.issues.length > ISSUES_SHOWN) out.info(`…and ${submitted.issues.length - ISSUES_SHOWN} more (run --dry-run --json lists them)`);
        const ids = submitted.batches.flatMap((b) => b.job_ids);
        if (!options.wait) {
          out.result({ queued: ids.length, job_ids: ids, batches: submitted.batches.map(({ job_ids: _ids, ...rest }) => rest), expansion: submitted.expansion }, () => `${ids.length} jobs queued; \`apex-director resume\` works the queue.`);
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
