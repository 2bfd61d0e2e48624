import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { BatchPreview, BatchSubmitResult, BatchTextSource } from '../../../../shared/domain/batch';
import type { BudgetState } from '../../../../shared/domain/estimate';
import type { FilesEstimate } from '../../../../shared/domain/history';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { batchDropProblem, sortDrop, type FoundFile } from './intake-files';
import { defaultsFromForm, EMPTY_DEFAULTS_FORM, type DefaultsForm } from './defaults-form';
import type { WalkOutcome } from './walk-entries';

/**
 * What came in through a drop or the file picker, and where it is on its way to the queue or the library.
 * Batch files: read → `batch.preview` + `estimate.files` + `budget.spend` → the artist's Queue or Cancel →
 * `batch.submit` with the preview's seed (exactly what was previewed). Images: held for the import dialog.
 * Each preview run supersedes the one before, so a slow answer for old defaults never overwrites a newer one.
 */

/** Expanded prompts a preview shows. */
export const PREVIEW_EXAMPLES = 5;

export interface IntakeNote {
  path: string;
  reason: string;
}

export interface BatchIntake {
  sources: BatchTextSource[];
  /** Files that were not batch files or images, and files that could not be read. */
  notes: IntakeNote[];
  defaults: DefaultsForm;
  /** Queue the good rows of files with bad ones (batch.submit's skip_bad_rows). */
  skipBadRows: boolean;
  phase: 'previewing' | 'ready' | 'submitting' | 'error';
  preview: BatchPreview | null;
  estimate: FilesEstimate | null;
  /** The estimate failed but the preview did not: the dialog still shows counts and issues. */
  estimateError: ErrorInfo | null;
  budget: BudgetState | null;
  error: ErrorInfo | null;
  errorAt: 'preview' | 'submit' | null;
}

export interface ImageIntake {
  /** Distinguishes one drop from the next (the dialog starts afresh for each). */
  id: number;
  files: FoundFile[];
  notes: IntakeNote[];
}

export interface IntakeState {
  /** Reading dropped folders and files (before any call). */
  reading: boolean;
  readError: string | null;
  batch: BatchIntake | null;
  images: ImageIntake | null;
  /** The last queued batch, for the confirmation line. */
  lastSubmitted: BatchSubmitResult | null;
  /** Files found by a drop or the picker: batch files are previewed, images wait for the import dialog. */
  receive(walk: WalkOutcome<File>): Promise<void>;
  setDefaults(patch: Partial<DefaultsForm>): void;
  setSkipBadRows(skip: boolean): void;
  refresh(): Promise<void>;
  /** Queues exactly what was previewed; resolves with the result, or null when it failed (error in state). */
  submit(): Promise<BatchSubmitResult | null>;
  closeBatch(): void;
  closeImages(): void;
  dismissReadError(): void;
  /** The confirmation line has been shown long enough. */
  clearLastSubmitted(): void;
}

export type IntakeStore = StoreApi<IntakeState>;

export function createIntakeStore(client: ApexClient): IntakeStore {
  let generation = 0;
  let drops = 0;
  return createStore<IntakeState>()((set, get) => {
    const patchBatch = (patch: Partial<BatchIntake>) => {
      const batch = get().batch;
      if (batch) set({ batch: { ...batch, ...patch } });
    };

    const refresh = async (): Promise<void> => {
      const batch = get().batch;
      if (!batch) return;
      const token = ++generation;
      const defaults = defaultsFromForm(batch.defaults);
      const common = { sources: batch.sources, skip_bad_rows: batch.skipBadRows, ...(defaults ? { defaults } : {}) };
      patchBatch({ phase: 'previewing', error: null, errorAt: null });
      let preview: BatchPreview;
      try {
        preview = await client.call('batch.preview', { ...common, preview_prompts: PREVIEW_EXAMPLES });
      } catch (error) {
        if (token === generation) patchBatch({ phase: 'error', error: toErrorInfo(error), errorAt: 'preview', preview: null, estimate: null });
        return;
      }
      if (token !== generation) return;
      patchBatch({ preview });
      // The estimate and the budget are extras: a failure there leaves the preview usable.
      const [estimate, spend] = await Promise.allSettled([
        preview.totals.jobs > 0
          ? client.call('estimate.files', { ...common, seed: preview.expansion.seed, skip_bad_rows: true })
          : Promise.resolve<FilesEstimate>({ estimate: null, skipped_rows: 0 }),
        client.call('budget.spend', { days: 1 }),
      ]);
      if (token !== generation) return;
      patchBatch({
        phase: 'ready',
        estimate: estimate.status === 'fulfilled' ? estimate.value : null,
        estimateError: estimate.status === 'rejected' ? toErrorInfo(estimate.reason) : null,
        budget: spend.status === 'fulfilled' ? spend.value.state : null,
      });
    };

    return {
      reading: false,
      readError: null,
      batch: null,
      images: null,
      lastSubmitted: null,

      async receive(walk) {
        const sorted = sortDrop(walk.files);
        const notes: IntakeNote[] = [...walk.failures, ...sorted.ignored.map((path) => ({ path, reason: 'not a batch file or an image; left alone' }))];
        if (walk.truncated) notes.push({ path: '…', reason: 'the drop held more files than one drop may list; the rest were left out' });
        if (sorted.images.length > 0) set({ images: { id: ++drops, files: sorted.images, notes: sorted.batch.length > 0 ? [] : notes } });
        if (sorted.batch.length === 0) {
          if (sorted.images.length === 0) set({ readError: notes.length > 0 ? `Nothing to add: ${notes.map((n) => `${n.path} (${n.reason})`).join('; ')}.` : 'Nothing to add: the drop held no files.' });
          return;
        }
        const problem = batchDropProblem(sorted.batch.map((f) => f.file));
        if (problem) {
          set({ readError: problem });
          return;
        }
        set({ reading: true, readError: null });
        const sources: BatchTextSource[] = [];
        for (const found of sorted.batch) {
          try {
            // The relative path names the file in issues (shots/b.csv:12), so two a.csv files stay apart.
            sources.push({ name: found.relativePath.slice(-255), text: await found.file.text() });
          } catch (error) {
            notes.push({ path: found.relativePath, reason: `could not be read: ${error instanceof Error ? error.message : String(error)}` });
          }
        }
        set({ reading: false });
        if (sources.length === 0) {
          set({ readError: `None of the batch files could be read: ${notes.map((n) => `${n.path} (${n.reason})`).join('; ')}.` });
          return;
        }
        set({
          batch: {
            sources,
            notes,
            defaults: EMPTY_DEFAULTS_FORM,
            skipBadRows: false,
            phase: 'previewing',
            preview: null,
            estimate: null,
            estimateError: null,
            budget: null,
            error: null,
            errorAt: null,
          },
        });
        await refresh();
      },

      setDefaults(patch) {
        const batch = get().batch;
        // The figures on screen are for the old settings until the preview runs again: no Queue meanwhile
        // (a backend switched to a paid one must still meet the budget question).
        if (batch) set({ batch: { ...batch, defaults: { ...batch.defaults, ...patch }, phase: 'previewing' } });
      },

      setSkipBadRows(skip) {
        patchBatch({ skipBadRows: skip });
        void refresh();
      },

      refresh,

      async submit() {
        const batch = get().batch;
        if (!batch?.preview) return null;
        generation += 1; // a preview still running must not land on a submitted batch
        const defaults = defaultsFromForm(batch.defaults);
        patchBatch({ phase: 'submitting', error: null, errorAt: null });
        try {
          const result = await client.call('batch.submit', {
            sources: batch.sources,
            seed: batch.preview.expansion.seed,
            mode: batch.preview.expansion.mode,
            variants: batch.preview.expansion.variants,
            skip_bad_rows: batch.skipBadRows,
            ...(defaults ? { defaults } : {}),
          });
          set({ batch: null, lastSubmitted: result });
          return result;
        } catch (error) {
          patchBatch({ phase: 'error', error: toErrorInfo(error), errorAt: 'submit' });
          return null;
        }
      },

      closeBatch() {
        generation += 1;
        set({ batch: null });
      },
      closeImages() {
        set({ images: null });
      },
      dismissReadError() {
        set({ readError: null });
      },
      clearLastSubmitted() {
        set({ lastSubmitted: null });
      },
    };
  });
}

