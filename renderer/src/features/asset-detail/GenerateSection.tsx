import { useRef, useState, type FormEvent } from 'react';
import type { ApexClient } from '../../../../shared/client';
import { BACKEND_IDS, type BackendId } from '../../../../shared/domain/config';
import type { PanelId } from '../../app/navigation';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { BACKEND_LABELS, plural } from '../../lib/format';
import { DetailSection } from './FieldList';
import { VARIATIONS, generateAgainInput, variationsInput, type RecipeResult } from './regenerate';

interface Props {
  client: ApexClient;
  recipe: RecipeResult;
  onNavigate(panel: PanelId): void;
  onClose(): void;
}

type Outcome = { kind: 'again'; jobId: number } | { kind: 'variations'; batchId: number; jobs: number };

/**
 * "Generate again" (same prompt, parameters and seed) and "Variations" (same parameters, a new seed per
 * image, as one batch). The cascade picks the backend unless the artist pins one here.
 */
export function GenerateSection({ client, recipe, onNavigate, onClose }: Props) {
  const [backend, setBackend] = useState<BackendId | ''>('');
  const [formOpen, setFormOpen] = useState(false);
  const [count, setCount] = useState<number>(VARIATIONS.default);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<{ title: string; info: ErrorInfo } | null>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);

  if (!recipe.ok) {
    return (
      <DetailSection id="generate" title="Generate">
        <p className="asset-detail-muted">{recipe.reason}</p>
      </DetailSection>
    );
  }
  const pinned = backend === '' ? null : backend;
  const countValid = Number.isInteger(count) && count >= VARIATIONS.min && count <= VARIATIONS.max;

  async function submit(title: string, action: () => Promise<Outcome>) {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await action());
      if (formOpen) {
        setFormOpen(false);
        // The submit button goes away with the form: keep focus in the panel, on the button that opens it.
        requestAnimationFrame(() => toggleRef.current?.focus());
      }
    } catch (caught) {
      setError({ title, info: toErrorInfo(caught) });
    } finally {
      setBusy(false);
    }
  }

  const generateAgain = () =>
    void submit('Could not queue the image again', async () => {
      const { job_id } = await client.call('jobs.submit', generateAgainInput(recipe.recipe, pinned));
      return { kind: 'again', jobId: job_id };
    });

  const queueVariations = (event: FormEvent) => {
    event.preventDefault();
    if (!countValid) return;
    void submit('Could not queue the variations', async () => {
      const { batch_id, job_ids } = await client.call('jobs.submitBatch', variationsInput(recipe.recipe, count, pinned));
      return { kind: 'variations', batchId: batch_id, jobs: job_ids.length };
    });
  };

  return (
    <DetailSection id="generate" title="Generate">
      <div className="asset-detail-generate">
        <label className="asset-detail-row">
          <span className="asset-detail-row-label">Backend</span>
          <select className="asset-detail-input" value={backend} onChange={(event) => setBackend(event.target.value as BackendId | '')}>
            <option value="">Cascade (best available)</option>
            {BACKEND_IDS.map((id) => (
              <option key={id} value={id}>
                {BACKEND_LABELS[id]} only
              </option>
            ))}
          </select>
        </label>
        <div className="asset-detail-actions">
          <Button variant="primary" size="small" disabled={busy} onClick={generateAgain} title="Same prompt, parameters and seed">
            Generate again
          </Button>
          {/* A native button: the shared Button does not forward refs, and focus returns here after a submit. */}
          <button
            ref={toggleRef}
            type="button"
            className="button is-secondary is-small"
            disabled={busy}
            aria-expanded={formOpen}
            aria-controls="asset-detail-variations"
            onClick={() => setFormOpen((open) => !open)}
          >
            <span>Variations…</span>
          </button>
        </div>
        {formOpen ? (
          <form id="asset-detail-variations" className="asset-detail-variations" aria-label="Variations" onSubmit={queueVariations}>
            <label className="asset-detail-row">
              <span className="asset-detail-row-label">How many</span>
              <input
                className="asset-detail-input asset-detail-count"
                type="number"
                min={VARIATIONS.min}
                max={VARIATIONS.max}
                step={1}
                value={Number.isNaN(count) ? '' : count}
                aria-invalid={!countValid}
                aria-describedby="asset-detail-variations-hint"
                onChange={(event) => setCount(event.target.valueAsNumber)}
              />
            </label>
            <p id="asset-detail-variations-hint" className={countValid ? 'asset-detail-muted' : 'asset-detail-problem'}>
              {countValid
                ? `${plural(count, 'image')} with these parameters and a new random seed each, queued as one batch.`
                : `Choose ${VARIATIONS.min} to ${VARIATIONS.max} images.`}
            </p>
            <div className="asset-detail-actions">
              <Button size="small" variant="ghost" onClick={() => setFormOpen(false)}>
                Cancel
              </Button>
              <Button size="small" variant="primary" type="submit" disabled={busy || !countValid}>
                Queue variations
              </Button>
            </div>
          </form>
        ) : null}
        {recipe.recipe.notes.length > 0 ? (
          <ul className="asset-detail-notes-list" aria-label="What will differ">
            {recipe.recipe.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        ) : null}
        <div role="status" className="asset-detail-confirmation">
          {outcome ? (
            <>
              <span>{outcome.kind === 'again' ? `Queued as job ${outcome.jobId}.` : `Queued ${plural(outcome.jobs, 'variation')} as batch ${outcome.batchId}.`}</span>
              <Button
                size="small"
                onClick={() => {
                  onClose();
                  onNavigate('queue');
                }}
              >
                Go to the Queue
              </Button>
            </>
          ) : null}
        </div>
        {error ? <ErrorNotice title={error.title} error={error.info} /> : null}
      </div>
    </DetailSection>
  );
}
