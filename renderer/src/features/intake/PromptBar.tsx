import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { JobEstimate } from '../../../../shared/domain/estimate';
import { LIMITS, MAX_SEED } from '../../../../shared/domain/jobs';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FolderIcon } from '../../components/icons';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { isBackendId } from './defaults-form';
import { BackendOptions, PriorityOptions, SizeOptions } from './DefaultsOptions';
import { EMPTY_PROMPT_FORM, estimateText, promptJob, type PromptForm } from './prompt-job';

/** The live estimate waits for typing to pause. */
const ESTIMATE_AFTER_MS = 500;
/** One job's own priority: always set (no "as in the file"). */
const JOB_PRIORITIES = ['1', '2', '3', '4', '5'] as const;
/** How long the "Queued job #N" line stays. */
const CONFIRMATION_MS = 8_000;

export interface PromptBarProps {
  /** Opens the batch file picker (the intake host owns it). */
  onOpenFiles(): void;
  onShowQueue(): void;
  /** A line from the intake (a batch queued, a drop refused), shown where the bar's own confirmations go. */
  notice: ReactNode;
}

type Confirmation = { jobId: number } | null;

/**
 * One prompt, queued from anywhere (issue 8): Enter queues, Shift+Enter is a new line, Ctrl/⌘+K puts the
 * caret here. Options hold the common parameters; the estimated cost follows what is typed.
 */
export function PromptBar({ onOpenFiles, onShowQueue, notice }: PromptBarProps) {
  const client = useApi();
  const id = useId();
  const [form, setForm] = useState<PromptForm>(EMPTY_PROMPT_FORM);
  const [optionsOpen, setOptionsOpen] = useState(false);
  const [estimate, setEstimate] = useState<{ for: string; value: JobEstimate } | null>(null);
  const [estimateError, setEstimateError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);

  const built = promptJob(form);
  const key = built.ok ? JSON.stringify(built.job) : '';

  // Ctrl/⌘+K from anywhere puts the caret in the prompt.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.shiftKey || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'k') return;
      event.preventDefault();
      textarea.current?.focus();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // The live estimate of exactly the job Enter would queue.
  useEffect(() => {
    if (!built.ok) return;
    const job = built.job;
    let current = true;
    const timer = setTimeout(() => {
      client.call('estimate.job', job).then(
        (value) => {
          if (current) {
            setEstimate({ for: key, value });
            setEstimateError(null);
          }
        },
        (failure: unknown) => {
          if (current) setEstimateError(toErrorInfo(failure).message);
        },
      );
    }, ESTIMATE_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `key` is the job's identity; `built` is rebuilt on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);

  useEffect(() => {
    if (!confirmation) return;
    const timer = setTimeout(() => setConfirmation(null), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [confirmation]);

  const update = (patch: Partial<PromptForm>) => setForm((current) => ({ ...current, ...patch }));

  const submit = async () => {
    if (!built.ok || submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      const { job_id } = await client.call('jobs.submit', built.job);
      // The prompt clears; the options stay, so the next prompt goes out with the same settings.
      update({ prompt: '' });
      setConfirmation({ jobId: job_id });
      textarea.current?.focus();
    } catch (failure) {
      setError(toErrorInfo(failure));
    } finally {
      setSubmitting(false);
    }
  };

  const invalid = !built.ok && built.field !== 'prompt' ? built.reason : null;
  const liveEstimate = built.ok && estimate?.for === key ? estimateText(estimate.value) : built.ok && estimateError ? `No estimate: ${estimateError}` : '';

  return (
    <section className="prompt-bar" aria-label="New prompt">
      <div className="prompt-bar-row">
        <label className="visually-hidden" htmlFor={`${id}-prompt`}>
          Prompt
        </label>
        <textarea
          id={`${id}-prompt`}
          ref={textarea}
          className="prompt-bar-input"
          rows={1}
          value={form.prompt}
          maxLength={LIMITS.promptChars}
          placeholder="Describe an image and press Enter to queue it — or drop batch files anywhere"
          aria-keyshortcuts="Control+K Meta+K"
          aria-describedby={`${id}-estimate`}
          onChange={(e) => update({ prompt: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <Button aria-expanded={optionsOpen} aria-controls={`${id}-options`} onClick={() => setOptionsOpen((open) => !open)}>
          Options
        </Button>
        <Button variant="primary" onClick={() => void submit()} disabled={!built.ok || submitting}>
          {submitting ? 'Queueing…' : 'Queue prompt'}
        </Button>
        <Button icon={<FolderIcon size={15} />} onClick={onOpenFiles} aria-keyshortcuts="Control+O Meta+O">
          Open batch file…
        </Button>
      </div>
      <div id={`${id}-options`} className="prompt-bar-options" hidden={!optionsOpen}>
        <label className="intake-field is-wide">
          <span>Negative prompt</span>
          <input className="intake-input" value={form.negative} maxLength={LIMITS.promptChars} onChange={(e) => update({ negative: e.target.value })} />
        </label>
        <label className="intake-field">
          <span>Size</span>
          <select className="intake-input" value={form.size} onChange={(e) => update({ size: e.target.value })}>
            <SizeOptions unsetLabel="Backend default" />
          </select>
        </label>
        <label className="intake-field is-narrow">
          <span>Images</span>
          <input className="intake-input" type="number" min={1} max={LIMITS.imagesPerJob} value={form.count} aria-invalid={!built.ok && built.field === 'count'} onChange={(e) => update({ count: e.target.value })} />
        </label>
        <label className="intake-field">
          <span>Seed</span>
          <input
            className="intake-input"
            type="number"
            min={-1}
            max={MAX_SEED}
            value={form.seed}
            placeholder="Random"
            aria-invalid={!built.ok && built.field === 'seed'}
            onChange={(e) => update({ seed: e.target.value })}
          />
        </label>
        <label className="intake-field">
          <span>Backend</span>
          <select className="intake-input" value={form.backend} onChange={(e) => update({ backend: isBackendId(e.target.value) ? e.target.value : '' })}>
            <BackendOptions />
          </select>
        </label>
        <label className="intake-field">
          <span>Priority</span>
          <select className="intake-input" value={form.priority} onChange={(e) => update({ priority: e.target.value as PromptForm['priority'] })}>
            <PriorityOptions values={JOB_PRIORITIES} />
          </select>
        </label>
      </div>
      <div className="prompt-bar-status">
        <span id={`${id}-estimate`} className="prompt-bar-estimate" aria-live="polite" data-testid="prompt-estimate">
          {liveEstimate}
        </span>
        {invalid ? (
          <span className="intake-invalid" role="alert">
            {invalid}
          </span>
        ) : null}
        <span className="prompt-bar-messages" aria-live="polite">
          {confirmation ? (
            <span className="prompt-bar-confirmation">
              Queued job #{confirmation.jobId}.{' '}
              <button type="button" className="intake-link" onClick={onShowQueue}>
                Show the queue
              </button>
            </span>
          ) : null}
          {notice}
        </span>
      </div>
      {error ? <ErrorNotice title="Could not queue the prompt" error={error} onRetry={() => void submit()} /> : null}
    </section>
  );
}
