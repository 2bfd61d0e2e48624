import type { Command } from 'commander';
import type { BatchPreview } from '../../../shared/domain/batch';
import type { BatchEstimate } from '../../../shared/domain/estimate';
import { estimateBatchFiles } from '../../core/estimator/batch-files';
import { describeBatchEstimate } from '../../core/estimator/describe';
import { withCore } from '../context';
import { EXIT, type ExitHolder } from '../exit-codes';
import { addBatchFlags, batchInput, describeCounts, describeIssues, describeRouting, type BatchFlags } from './batch-options';

/**
 * `estimate FILE...`: what the files would cost and how long they would take before anything runs: the
 * batch preview's counts, routing and issues, with cost and time from the estimator's simulation of the
 * queue (issue 7). `cost.usd` is the expected cost; without an estimate (files that queue nothing) it is
 * the preview's images × price per image and the estimator's fields are null.
 */
export interface EstimateReport {
  ok: boolean;
  totals: BatchPreview['totals'];
  files: BatchPreview['files'];
  routing: BatchPreview['routing'];
  cost: BatchPreview['cost'] & { confidence: number | null; estimate: BatchEstimate['cost'] | null };
  /** Makespan from now with its 80% interval; null without an estimate. */
  time: (BatchEstimate['makespan'] & { seconds: number }) | null;
  /** The whole estimate: per-backend split, expected failures, budget checks, warnings. */
  estimate: BatchEstimate | null;
  expansion: BatchPreview['expansion'];
  issues: BatchPreview['issues'];
}

export function estimateReport(preview: BatchPreview, estimate: BatchEstimate | null = null): EstimateReport {
  return {
    ok: preview.ok,
    totals: preview.totals,
    files: preview.files,
    routing: preview.routing,
    cost: estimate
      ? { ...preview.cost, usd: estimate.cost.expected_usd, confidence: estimate.confidence_score, estimate: estimate.cost }
      : { ...preview.cost, confidence: null, estimate: null },
    time: estimate ? { ...estimate.makespan, seconds: estimate.estimated_time_seconds } : null,
    estimate,
    expansion: preview.expansion,
    issues: preview.issues,
  };
}

export function registerEstimate(program: Command, exit: ExitHolder): void {
  addBatchFlags(
    program
      .command('estimate')
      .description('what batch files would make and cost, and where the cascade would send them, before anything runs (queues nothing)')
      .argument('<files...>', 'batch files or folders, as for run'),
  ).action(async (files: string[], _options: unknown, command: Command) => {
    const options = command.optsWithGlobals<BatchFlags>();
    await withCore(options, async ({ core, out }) => {
      const input = batchInput(files, options);
      const preview = await core.client.call('batch.preview', { ...input, preview_prompts: 0 });
      // Issue 7: the estimator simulates the queue working these jobs (same expansion seed as the preview).
      const estimate = preview.ok ? await estimateBatchFiles(core, { ...input, seed: preview.expansion.seed }) : null;
      out.result(estimateReport(preview, estimate), () =>
        [...describeCounts(preview), ...(estimate ? describeBatchEstimate(estimate) : []), ...describeRouting(preview), ...describeIssues(preview)].join('\n'),
      );
      if (!preview.ok) exit.code = EXIT.badInput;
    });
  });
}
