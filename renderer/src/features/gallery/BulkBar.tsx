import { useId, useState } from 'react';
import { EXPORT_FORMATS, LIBRARY_LIMITS, type ExportFormat, type Project, type TagInfo } from '../../../../shared/domain/assets';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { plural } from '../../lib/format';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

type OpenDialog = 'tag' | 'project' | 'export' | null;

export interface BulkBarProps {
  selected: readonly number[];
  /** Rows in the current result (for the line shown when nothing is selected). */
  total: number | null;
  /** A select-all or range was cut at the bulk limit. */
  truncated: boolean;
  /** True when every selected image that is loaded is a favourite (the button then removes the mark). */
  allFavourite: boolean;
  projects: readonly Project[];
  tags: readonly TagInfo[];
  deleteOpen: boolean;
  onDeleteOpenChange(open: boolean): void;
  onClear(): void;
  /** After a change: the ids that are gone (delete), so the selection can drop them. */
  onDone(result: { removed?: readonly number[] }): void;
}

const EXPORT_LABELS: Record<ExportFormat, string> = { original: 'Original files', png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };

function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * The row above the grid: the result count, or with a selection the bulk actions (tag, rate, favourite,
 * add to project, export, delete). Always the same height, so the grid never moves when it changes.
 */
export function BulkBar(props: BulkBarProps) {
  const { selected, total, truncated, allFavourite, projects, tags } = props;
  const client = useApi();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ title: string; info: ErrorInfo } | null>(null);
  const [message, setMessage] = useState('');
  const ids = [...selected];
  const n = ids.length;
  const images = plural(n, 'image');

  async function run(title: string, action: () => Promise<string>, removed?: readonly number[]): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      setMessage(await action());
      props.onDone(removed ? { removed } : {});
      return true;
    } catch (caught) {
      setError({ title, info: toErrorInfo(caught) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  const rate = (rating: number) =>
    void run('Could not set the rating', async () => {
      const { changed } = await client.call('assets.update', { ids, rating });
      return rating === 0 ? `Cleared the rating of ${plural(changed, 'image')}` : `Rated ${plural(changed, 'image')} ${rating} of 5`;
    });

  const favourite = () =>
    void run('Could not change favourites', async () => {
      const { changed } = await client.call('assets.update', { ids, favorite: !allFavourite });
      return allFavourite ? `Removed ${plural(changed, 'image')} from favourites` : `Marked ${plural(changed, 'image')} as favourite`;
    });

  return (
    <div className="gallery-bulkbar" role="region" aria-label={n > 0 ? 'Selection' : 'Result'}>
      {n === 0 ? (
        <p className="gallery-bulkbar-summary">
          {total === null ? 'Loading…' : plural(total, 'image')}
          <span className="gallery-bulkbar-hint">Click, Shift+click or Ctrl/⌘+A to select · Enter opens</span>
        </p>
      ) : (
        <div className="gallery-bulkbar-actions">
          <strong className="gallery-bulkbar-count">{n.toLocaleString('en-US')} selected</strong>
          {truncated ? <span className="gallery-bulkbar-hint">(at most {MAX_TEXT} at once)</span> : null}
          <Button size="small" onClick={() => setDialog('tag')} disabled={busy}>
            Tag…
          </Button>
          <select
            className="gallery-select"
            aria-label="Set rating"
            value=""
            disabled={busy}
            onChange={(event) => {
              if (event.target.value !== '') rate(Number(event.target.value));
            }}
          >
            <option value="">Rate…</option>
            {[5, 4, 3, 2, 1].map((stars) => (
              <option key={stars} value={stars}>
                {'★'.repeat(stars)} ({stars})
              </option>
            ))}
            <option value={0}>No rating</option>
          </select>
          <Button size="small" onClick={favourite} disabled={busy}>
            {allFavourite ? 'Unfavourite' : 'Favourite'}
          </Button>
          <Button size="small" onClick={() => setDialog('project')} disabled={busy}>
            Add to project…
          </Button>
          <Button size="small" onClick={() => setDialog('export')} disabled={busy}>
            Export…
          </Button>
          <Button size="small" variant="danger" onClick={() => props.onDeleteOpenChange(true)} disabled={busy}>
            Delete…
          </Button>
          <Button size="small" variant="ghost" onClick={props.onClear}>
            Clear selection
          </Button>
        </div>
      )}
      <p className="gallery-bulkbar-message" role="status" aria-live="polite">
        {message}
      </p>
      {error ? <ErrorNotice title={error.title} error={error.info} /> : null}

      <TagDialog
        open={dialog === 'tag'}
        count={n}
        tags={tags}
        busy={busy}
        onClose={() => setDialog(null)}
        onApply={async (names, remove) => {
          const ok = await run(remove ? 'Could not remove the tags' : 'Could not add the tags', async () => {
            if (remove) {
              const { removed } = await client.call('tags.remove', { ids, tags: names });
              return removed > 0 ? `Removed the tags from ${images}` : `None of the ${images} had those tags`;
            }
            const { added } = await client.call('tags.add', { ids, tags: names });
            return added > 0 ? `Tagged ${images}` : `${images} already had those tags`;
          });
          if (ok) setDialog(null);
        }}
      />
      <ProjectDialog
        open={dialog === 'project'}
        count={n}
        projects={projects}
        busy={busy}
        onClose={() => setDialog(null)}
        onApply={async (project) => {
          const ok = await run('Could not add to the project', async () => {
            const target = typeof project === 'number' ? project : (await client.call('projects.create', { name: project })).id;
            const { added } = await client.call('projects.addAssets', { id: target, ids });
            const name = typeof project === 'number' ? (projects.find((p) => p.id === project)?.name ?? 'the project') : project;
            return `Added ${plural(added, 'image')} to ${name}`;
          });
          if (ok) setDialog(null);
        }}
      />
      <ExportDialog
        open={dialog === 'export'}
        count={n}
        busy={busy}
        onClose={() => setDialog(null)}
        onApply={async (options) => {
          const ok = await run('Could not export', async () => {
            const result = await client.call('assets.export', { ids, ...options });
            const skipped = result.skipped > 0 ? `, ${plural(result.skipped, 'image')} skipped` : '';
            return `Exported ${plural(result.images, 'image')} to ${result.path}${skipped}`;
          });
          if (ok) setDialog(null);
        }}
      />
      <ConfirmDialog
        open={props.deleteOpen}
        title={`Delete ${images}?`}
        confirmLabel={`Delete ${images}`}
        tone="danger"
        busy={busy}
        onCancel={() => props.onDeleteOpenChange(false)}
        onConfirm={() =>
          void run(
            'Could not delete',
            async () => {
              const result = await client.call('assets.delete', { ids });
              return `Deleted ${plural(result.deleted, 'image')}`;
            },
            ids,
          ).then(() => props.onDeleteOpenChange(false))
        }
      >
        <p>
          They leave the library with their thumbnails and metadata files. Images imported in place stay in their folder on
          disk; only their library entry goes.
        </p>
      </ConfirmDialog>
    </div>
  );
}

const MAX_TEXT = LIBRARY_LIMITS.idsPerCall.toLocaleString('en-US');

function TagDialog({ open, count, tags, busy, onClose, onApply }: { open: boolean; count: number; tags: readonly TagInfo[]; busy: boolean; onClose(): void; onApply(tags: string[], remove: boolean): void }) {
  const [text, setText] = useState('');
  const listId = useId();
  const names = parseTags(text);
  const tooMany = names.length > LIBRARY_LIMITS.tagsPerCall;
  const tooLong = names.some((name) => name.length > LIBRARY_LIMITS.tagChars);
  const invalid = names.length === 0 || tooMany || tooLong;
  return (
    <Dialog
      open={open}
      title={`Tag ${plural(count, 'image')}`}
      description="Separate tags with commas. Tags are case-insensitive."
      onClose={onClose}
      size="small"
      footer={
        <>
          <Button onClick={() => onApply(names, true)} disabled={busy || invalid}>
            Remove tags
          </Button>
          <Button variant="primary" onClick={() => onApply(names, false)} disabled={busy || invalid}>
            Add tags
          </Button>
        </>
      }
    >
      <label className="gallery-form-field">
        <span>Tags</span>
        <input
          type="text"
          list={listId}
          value={text}
          autoFocus
          placeholder="e.g. portrait, keeper"
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !invalid && !busy) onApply(names, false);
          }}
        />
      </label>
      <datalist id={listId}>
        {tags.map((tag) => (
          <option key={tag.id} value={tag.name} />
        ))}
      </datalist>
      {tooMany ? <p className="gallery-form-error">At most {LIBRARY_LIMITS.tagsPerCall} tags at once.</p> : null}
      {tooLong ? <p className="gallery-form-error">A tag has at most {LIBRARY_LIMITS.tagChars} characters.</p> : null}
    </Dialog>
  );
}

function ProjectDialog({ open, count, projects, busy, onClose, onApply }: { open: boolean; count: number; projects: readonly Project[]; busy: boolean; onClose(): void; onApply(project: number | string): void }) {
  const [choice, setChoice] = useState<string>('new');
  const [name, setName] = useState('');
  const creating = choice === 'new' || projects.length === 0;
  const trimmed = name.trim();
  const invalid = creating ? trimmed === '' || trimmed.length > LIBRARY_LIMITS.projectChars : false;
  const apply = () => {
    if (invalid || busy) return;
    const existing = projects.find((p) => p.name.toLowerCase() === trimmed.toLowerCase());
    onApply(creating ? (existing?.id ?? trimmed) : Number(choice));
  };
  return (
    <Dialog
      open={open}
      title={`Add ${plural(count, 'image')} to a project`}
      description="An image can be in several projects; adding never moves files."
      onClose={onClose}
      size="small"
      footer={
        <Button variant="primary" onClick={apply} disabled={busy || invalid}>
          Add to project
        </Button>
      }
    >
      {projects.length > 0 ? (
        <label className="gallery-form-field">
          <span>Project</span>
          <select value={choice} onChange={(event) => setChoice(event.target.value)}>
            <option value="new">New project…</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name} ({project.count.toLocaleString('en-US')})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {creating ? (
        <label className="gallery-form-field">
          <span>New project name</span>
          <input
            type="text"
            value={name}
            maxLength={LIBRARY_LIMITS.projectChars}
            autoFocus
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') apply();
            }}
          />
        </label>
      ) : null}
    </Dialog>
  );
}

interface ExportOptions {
  to: string;
  zip: boolean;
  format: ExportFormat;
}

function ExportDialog({ open, count, busy, onClose, onApply }: { open: boolean; count: number; busy: boolean; onClose(): void; onApply(options: ExportOptions): void }) {
  const [to, setTo] = useState('');
  const [zip, setZip] = useState(false);
  const [format, setFormat] = useState<ExportFormat>('original');
  const absolute = /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(to.trim());
  return (
    <Dialog
      open={open}
      title={`Export ${plural(count, 'image')}`}
      description="Copies them with their generation metadata; a metadata file goes next to each image."
      onClose={onClose}
      size="small"
      footer={
        <Button variant="primary" onClick={() => onApply({ to: to.trim(), zip, format })} disabled={busy || !absolute}>
          {busy ? 'Exporting…' : 'Export'}
        </Button>
      }
    >
      <label className="gallery-form-field">
        <span>Destination folder</span>
        <input type="text" value={to} autoFocus placeholder="/home/me/Pictures/export" maxLength={LIBRARY_LIMITS.pathChars} onChange={(event) => setTo(event.target.value)} />
        <small>An absolute path on the computer running APEX Director; created when missing.</small>
      </label>
      {to.trim() !== '' && !absolute ? <p className="gallery-form-error">Give an absolute path (starting with / or a drive letter).</p> : null}
      <label className="gallery-form-field">
        <span>Format</span>
        <select value={format} onChange={(event) => isExportFormat(event.target.value) && setFormat(event.target.value)}>
          {EXPORT_FORMATS.map((value) => (
            <option key={value} value={value}>
              {EXPORT_LABELS[value]}
            </option>
          ))}
        </select>
      </label>
      <label className="gallery-check">
        <input type="checkbox" checked={zip} onChange={(event) => setZip(event.target.checked)} />
        <span>As one zip file</span>
      </label>
    </Dialog>
  );
}
