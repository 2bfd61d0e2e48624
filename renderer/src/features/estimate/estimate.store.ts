import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import { BATCH_LIMITS, utf8Length, type BatchPreview } from '../../../../shared/domain/batch';
import type { FilesEstimate } from '../../../../shared/domain/history';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { formatFromName, guessFormat, pastedName, type BatchTextFormat } from './estimate-view';

/**
 * The batch being estimated: its text (pasted, dropped or opened), the format the parser should read it
 * as, and the last preview and estimate. Each run supersedes the one before, so a slow answer for old text
 * never overwrites a newer one.
 */
export interface EstimateState {
  text: string;
  format: BatchTextFormat;
  /** True once the artist picked the format: guessing stops. */
  formatChosen: boolean;
  /** The dropped or opened file's name; null for pasted text. */
  fileName: string | null;
  phase: 'idle' | 'working' | 'done' | 'error';
  preview: BatchPreview | null;
  result: FilesEstimate | null;
  error: ErrorInfo | null;
  /** Where the error happened, for its title. */
  errorAt: 'read' | 'preview' | 'estimate' | null;
  /** The text changed since the figures on screen were made. */
  stale: boolean;
  setText(text: string): void;
  setFormat(format: BatchTextFormat): void;
  /** A dropped or opened file: its name picks the format; estimated at once. */
  loadFile(name: string, text: string): Promise<void>;
  fail(where: 'read', error: ErrorInfo): void;
  run(): Promise<void>;
  clear(): void;
}

export type EstimateStore = StoreApi<EstimateState>;

/** Expanded prompts a preview returns: the panel shows a few to confirm the file was read right. */
export const PREVIEW_PROMPTS = 3;

export function createEstimateStore(client: ApexClient): EstimateStore {
  let generation = 0;
  return createStore<EstimateState>()((set, get) => {
    const run = async (): Promise<void> => {
      const { text, format, fileName } = get();
      const token = ++generation;
      if (text.trim() === '') {
        set({ phase: 'idle', preview: null, result: null, error: null, errorAt: null, stale: false });
        return;
      }
      if (utf8Length(text) > BATCH_LIMITS.fileBytes) {
        set({
          phase: 'error',
          error: { message: `The batch is larger than ${BATCH_LIMITS.fileBytes / 1_048_576} MB, the most one file may hold. Split it into smaller files.`, code: 'INVALID_INPUT', incidentId: null },
          errorAt: 'read',
        });
        return;
      }
      const name = fileName ?? pastedName(format);
      const sources = [{ name, text }];
      set({ phase: 'working', error: null, errorAt: null });
      let preview: BatchPreview;
      try {
        preview = await client.call('batch.preview', { sources, preview_prompts: PREVIEW_PROMPTS });
      } catch (error) {
        if (token === generation) set({ phase: 'error', error: toErrorInfo(error), errorAt: 'preview', preview: null, result: null });
        return;
      }
      if (token !== generation) return;
      set({ preview });
      if (preview.totals.jobs === 0) {
        set({ phase: 'done', result: { estimate: null, skipped_rows: 0 }, stale: false });
        return;
      }
      try {
        // The preview's seed: the estimate covers exactly the prompts the preview drew.
        const result = await client.call('estimate.files', { sources, seed: preview.expansion.seed, skip_bad_rows: true });
        if (token === generation) set({ phase: 'done', result, stale: false });
      } catch (error) {
        if (token === generation) set({ phase: 'error', error: toErrorInfo(error), errorAt: 'estimate', result: null });
      }
    };

    return {
      text: '',
      format: 'txt',
      formatChosen: false,
      fileName: null,
      phase: 'idle',
      preview: null,
      result: null,
      error: null,
      errorAt: null,
      stale: false,
      setText(text) {
        const { formatChosen, fileName } = get();
        set({ text, stale: get().preview !== null || get().result !== null, ...(formatChosen || fileName ? {} : { format: guessFormat(text) }) });
      },
      setFormat(format) {
        // Picking a format turns dropped text into pasted text of that format.
        set({ format, formatChosen: true, fileName: null, stale: get().preview !== null });
      },
      async loadFile(name, text) {
        const format = formatFromName(name) ?? 'txt';
        set({ text, fileName: name, format, formatChosen: false });
        await run();
      },
      fail(where, error) {
        generation += 1;
        set({ phase: 'error', error, errorAt: where });
      },
      run,
      clear() {
        generation += 1;
        set({ text: '', fileName: null, formatChosen: false, format: 'txt', phase: 'idle', preview: null, result: null, error: null, errorAt: null, stale: false });
      },
    };
  });
}
