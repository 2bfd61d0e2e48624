import { useEffect, useState } from 'react';
import { LIBRARY_LIMITS, type DuplicateCluster, type DuplicatesResult } from '../../../../shared/domain/assets';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNotice } from '../../components/ErrorNotice';
import { GalleryIcon } from '../../components/icons';
import { plural } from '../../lib/format';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { thumbUrl } from '../../lib/asset-url';

interface PendingDelete {
  ids: number[];
  /** What the confirmation says is kept. */
  what: string;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Near-duplicate clusters (perceptual hash) side by side. Each cluster preselects the suggested keeper
 * (largest, with metadata, best rated, oldest); the artist may pick another and delete the rest, one
 * cluster at a time or every cluster at once with the suggestions.
 */
export function DuplicatesView({ onOpen }: { onOpen(id: number, ids: number[]): void }) {
  const client = useApi();
  const [threshold, setThreshold] = useState<number>(LIBRARY_LIMITS.defaultDuplicateThreshold);
  const [round, setRound] = useState(0);
  /** The last answer, kept on screen while a new comparison runs; `key` says which request it answered. */
  const [answer, setAnswer] = useState<{ key: string; result: DuplicatesResult | null; error: ErrorInfo | null } | null>(null);
  /** Chosen keeper per cluster (by the cluster's suggested keeper id). */
  const [keep, setKeep] = useState<Record<number, number>>({});
  const [pending, setPending] = useState<PendingDelete | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [deleteError, setDeleteError] = useState<ErrorInfo | null>(null);

  const key = `${threshold}/${round}`;
  useEffect(() => {
    let current = true;
    client
      .call('assets.duplicates', { threshold })
      .then((found) => {
        if (!current) return;
        setAnswer({ key, result: found, error: null });
        setKeep({});
      })
      .catch((caught: unknown) => current && setAnswer((old) => ({ key, result: old?.result ?? null, error: toErrorInfo(caught) })));
    return () => {
      current = false;
    };
  }, [client, threshold, key]);

  const load = () => setRound((value) => value + 1);
  const loading = answer?.key !== key;
  const result = answer?.result ?? null;
  const error = answer?.error ?? deleteError;

  const keeperOf = (cluster: DuplicateCluster) => keep[cluster.keeper_id] ?? cluster.keeper_id;
  const othersOf = (cluster: DuplicateCluster) => cluster.items.map((item) => item.id).filter((id) => id !== keeperOf(cluster));

  const confirmDelete = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      const { deleted } = await client.call('assets.delete', { ids: pending.ids });
      setMessage(`Deleted ${plural(deleted, 'duplicate')}`);
      setDeleteError(null);
      setPending(null);
      load();
    } catch (caught) {
      setDeleteError(toErrorInfo(caught));
      setPending(null);
    } finally {
      setBusy(false);
    }
  };

  const clusters = result?.clusters ?? [];
  const allOthers = clusters.flatMap(othersOf).slice(0, LIBRARY_LIMITS.idsPerCall);

  return (
    <section className="gallery-duplicates" aria-labelledby="gallery-duplicates-title">
      <header className="gallery-duplicates-header">
        <h2 id="gallery-duplicates-title" className="gallery-section-title">
          Duplicates
        </h2>
        <label className="gallery-field">
          <span>Similarity</span>
          <select value={threshold} onChange={(event) => setThreshold(Number(event.target.value))}>
            <option value={0}>Identical only</option>
            <option value={4}>Very close</option>
            <option value={LIBRARY_LIMITS.defaultDuplicateThreshold}>Close (default)</option>
            <option value={LIBRARY_LIMITS.maxDuplicateThreshold}>Loose</option>
          </select>
        </label>
        <p className="gallery-duplicates-summary" aria-live="polite">
          {loading ? 'Comparing…' : result ? `${plural(result.total_clusters, 'group')} among ${plural(result.scanned, 'image')}` : ''}
        </p>
        <Button size="small" variant="danger" disabled={busy || allOthers.length === 0} onClick={() => setPending({ ids: allOthers, what: 'the chosen image of every group' })}>
          Delete all but the kept ones
        </Button>
      </header>
      <p className="gallery-bulkbar-message" role="status">
        {message}
      </p>
      {error ? <ErrorNotice title="Could not find duplicates" error={error} onRetry={load} /> : null}
      {!loading && result && clusters.length === 0 ? (
        <EmptyState icon={<GalleryIcon size={34} />} title="No duplicates found">
          <p>No two images look alike at this similarity. Choose “Loose” to catch heavier edits and re-encodes.</p>
        </EmptyState>
      ) : null}
      <ol className="gallery-clusters">
        {clusters.map((cluster, index) => {
          const keeper = keeperOf(cluster);
          const others = othersOf(cluster);
          const name = `Group ${index + 1}`;
          return (
            <li key={cluster.keeper_id} className="gallery-cluster">
              <fieldset className="gallery-cluster-fieldset">
                <legend className="gallery-cluster-title">
                  {name}: {plural(cluster.size, 'image')}
                  {cluster.size > cluster.items.length ? ` (first ${cluster.items.length} shown)` : ''}
                </legend>
                <div className="gallery-cluster-items">
                  {cluster.items.map((item) => (
                    <label key={item.id} className={item.id === keeper ? 'gallery-cluster-item is-kept' : 'gallery-cluster-item'}>
                      <img
                        src={thumbUrl(item.id)}
                        alt=""
                        width={140}
                        height={140}
                        loading="lazy"
                        decoding="async"
                        onDoubleClick={() => onOpen(item.id, cluster.items.map((member) => member.id))}
                      />
                      <span className="gallery-cluster-facts">
                        {item.width}×{item.height} · {item.format === 'other' ? 'other' : item.format.toUpperCase()} · {formatBytes(item.bytes)}
                        {item.has_metadata ? ' · recipe' : ''}
                        {item.id === cluster.keeper_id ? ' · suggested' : ''}
                      </span>
                      <span className="gallery-cluster-choice">
                        <input type="radio" name={`keep-${cluster.keeper_id}`} checked={item.id === keeper} onChange={() => setKeep((old) => ({ ...old, [cluster.keeper_id]: item.id }))} />
                        Keep image {item.id}
                      </span>
                    </label>
                  ))}
                </div>
                <Button size="small" variant="danger" disabled={busy || others.length === 0} onClick={() => setPending({ ids: others, what: `image ${keeper}` })}>
                  Delete the other {plural(others.length, 'image')} of {name.toLowerCase()}
                </Button>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <ConfirmDialog
        open={pending !== null}
        title={`Delete ${plural(pending?.ids.length ?? 0, 'duplicate')}?`}
        confirmLabel={`Delete ${plural(pending?.ids.length ?? 0, 'image')}`}
        tone="danger"
        busy={busy}
        onCancel={() => setPending(null)}
        onConfirm={() => void confirmDelete()}
      >
        <p>Keeps {pending?.what}. The others leave the library; images imported in place stay in their folder on disk.</p>
      </ConfirmDialog>
    </section>
  );
}
