import { useState, type FormEvent } from 'react';
import type { ApexClient } from '../../../../shared/client';
import type { AssetDetail } from '../../../../shared/domain/assets';
import { LIBRARY_LIMITS, TagName } from '../../../../shared/domain/assets';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { DetailSection } from './FieldList';

interface Props {
  client: ApexClient;
  asset: AssetDetail;
  /** Called after every change, so the view reads the asset back from the core. */
  onChanged(): void;
}

const STARS = [1, 2, 3, 4, 5] as const;

/** Rating, favourite, tags, projects and notes of one image, each saved as soon as it is changed. */
export function OrganiseSection({ client, asset, onChanged }: Props) {
  const [error, setError] = useState<{ title: string; info: ErrorInfo } | null>(null);
  const [busy, setBusy] = useState(false);
  const [tagText, setTagText] = useState('');
  const [notes, setNotes] = useState(asset.notes ?? '');
  // The notes field follows the asset when it changes underneath (another window, the next image).
  const [notesOf, setNotesOf] = useState({ id: asset.id, notes: asset.notes });
  if (notesOf.id !== asset.id || notesOf.notes !== asset.notes) {
    setNotesOf({ id: asset.id, notes: asset.notes });
    setNotes(asset.notes ?? '');
  }

  async function run(title: string, action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
      return true;
    } catch (caught) {
      setError({ title, info: toErrorInfo(caught) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  const ids = [asset.id];
  const tag = TagName.safeParse(tagText);
  const tagProblem = tagText.trim() === '' ? null : tag.success ? null : (tag.error.issues[0]?.message ?? 'not a valid tag');

  const addTag = async (event: FormEvent) => {
    event.preventDefault();
    if (!tag.success) return;
    if (await run('Could not add the tag', () => client.call('tags.add', { ids, tags: [tag.data] }))) setTagText('');
  };

  const savedNotes = asset.notes ?? '';
  return (
    <DetailSection id="organisation" title="Organisation">
      <div className="asset-detail-organise">
        <div className="asset-detail-row">
          <span className="asset-detail-row-label" id="asset-detail-rating-label">
            Rating
          </span>
          <div className="asset-detail-stars" role="group" aria-labelledby="asset-detail-rating-label">
            {STARS.map((star) => (
              <button
                key={star}
                type="button"
                className={['asset-detail-star', star <= asset.rating ? 'is-on' : null].filter(Boolean).join(' ')}
                aria-label={`${star} ${star === 1 ? 'star' : 'stars'}`}
                aria-pressed={asset.rating === star}
                title={asset.rating === star ? 'Click again to clear the rating' : `Rate ${star} of 5`}
                disabled={busy}
                onClick={() => void run('Could not change the rating', () => client.call('assets.update', { ids, rating: asset.rating === star ? 0 : star }))}
              >
                ★
              </button>
            ))}
            <span className="asset-detail-rating-text">{asset.rating === 0 ? 'Not rated' : `${asset.rating} of 5`}</span>
          </div>
        </div>

        <div className="asset-detail-row">
          <span className="asset-detail-row-label">Favourite</span>
          <Button
            size="small"
            aria-pressed={asset.favorite}
            disabled={busy}
            onClick={() => void run('Could not change the favourite', () => client.call('assets.update', { ids, favorite: !asset.favorite }))}
          >
            {asset.favorite ? '♥ Favourite' : '♡ Not a favourite'}
          </Button>
        </div>

        <div className="asset-detail-block">
          <span className="asset-detail-row-label">Tags</span>
          {asset.tags.length === 0 ? <p className="asset-detail-muted">No tags yet.</p> : null}
          <ul className="asset-detail-tags" aria-label="Tags">
            {asset.tags.map((name) => (
              <li key={name} className="asset-detail-tag">
                <span>{name}</span>
                <button
                  type="button"
                  className="asset-detail-tag-remove"
                  aria-label={`Remove tag ${name}`}
                  disabled={busy}
                  onClick={() => void run('Could not remove the tag', () => client.call('tags.remove', { ids, tags: [name] }))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <form className="asset-detail-inline-form" onSubmit={(event) => void addTag(event)}>
            <label className="visually-hidden" htmlFor="asset-detail-new-tag">
              New tag
            </label>
            <input
              id="asset-detail-new-tag"
              className="asset-detail-input"
              value={tagText}
              maxLength={LIBRARY_LIMITS.tagChars * 2}
              placeholder="Add a tag"
              aria-invalid={tagProblem !== null}
              aria-describedby={tagProblem ? 'asset-detail-tag-problem' : undefined}
              onChange={(event) => setTagText(event.target.value)}
            />
            <Button size="small" type="submit" disabled={busy || !tag.success}>
              Add tag
            </Button>
          </form>
          {tagProblem ? (
            <p id="asset-detail-tag-problem" className="asset-detail-problem">
              {tagProblem}
            </p>
          ) : null}
        </div>

        <div className="asset-detail-block">
          <span className="asset-detail-row-label">Projects</span>
          {asset.projects.length === 0 ? (
            <p className="asset-detail-muted">In no project. Add it to one from the gallery’s selection bar.</p>
          ) : (
            <ul className="asset-detail-tags" aria-label="Projects">
              {asset.projects.map((name) => (
                <li key={name} className="asset-detail-tag">
                  {name}
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="asset-detail-block">
          <label className="asset-detail-row-label" htmlFor="asset-detail-notes">
            Notes
          </label>
          <textarea
            id="asset-detail-notes"
            className="asset-detail-input asset-detail-notes"
            value={notes}
            rows={3}
            maxLength={LIBRARY_LIMITS.notesChars}
            onChange={(event) => setNotes(event.target.value)}
          />
          <div className="asset-detail-inline-form">
            <Button
              size="small"
              disabled={busy || notes === savedNotes}
              onClick={() => void run('Could not save the notes', () => client.call('assets.update', { ids, notes: notes.trim() === '' ? null : notes }))}
            >
              Save notes
            </Button>
          </div>
        </div>
        {error ? <ErrorNotice title={error.title} error={error.info} /> : null}
      </div>
    </DetailSection>
  );
}
