import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ImportProgress, ImportSummary } from '../../../../shared/domain/import';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { plural } from '../../lib/format';
import { importDroppedImages } from './image-import';
import type { ImageIntake, IntakeStore } from './intake.store';

/** Names listed in the dialog; the count covers the rest. */
const NAMES_LISTED = 50;

type Phase = { kind: 'ask' } | { kind: 'importing'; done: number; total: number } | { kind: 'done'; summary: ImportSummary } | { kind: 'error'; error: ErrorInfo };

/** The preload's path lookup, in the desktop app only. */
function pathLookup(): ((file: File) => string | null) | undefined {
  const bridge = window.apexBridge;
  return bridge?.pathForFile ? (file: File) => bridge.pathForFile?.(file) ?? null : undefined;
}

/**
 * Images dropped on the window: offered for import into the library. The desktop app imports them from
 * their paths (in place, or copied: the artist chooses); browser mode sends their bytes and they are copied.
 */
export function ImagesDialog({ store, blocked, onOpenGallery }: { store: IntakeStore; blocked: boolean; onOpenGallery: () => void }) {
  const images = useStore(store, (s) => s.images);
  // Keyed by drop: each drop starts with a fresh question.
  return images ? <ImagesDialogFor key={images.id} images={images} store={store} blocked={blocked} onOpenGallery={onOpenGallery} /> : null;
}

function ImagesDialogFor({ images, store, blocked, onOpenGallery }: { images: ImageIntake; store: IntakeStore; blocked: boolean; onOpenGallery: () => void }) {
  const client = useApi();
  const [phase, setPhase] = useState<Phase>({ kind: 'ask' });
  const [copy, setCopy] = useState(true);
  const hasPaths = pathLookup() !== undefined;

  useEffect(() => {
    if (phase.kind !== 'importing') return;
    return client.on('import.progress', (progress: ImportProgress) => {
      setPhase((current) => (current.kind === 'importing' && hasPaths ? { kind: 'importing', done: progress.done, total: progress.total } : current));
    });
  }, [client, phase.kind, hasPaths]);

  const files = images.files;
  const close = () => store.getState().closeImages();

  const run = async () => {
    setPhase({ kind: 'importing', done: 0, total: files.length });
    try {
      const summary = await importDroppedImages(client, files, {
        pathForFile: pathLookup(),
        copy,
        onChunk: (done, total) => setPhase({ kind: 'importing', done, total }),
      });
      setPhase({ kind: 'done', summary });
    } catch (error) {
      setPhase({ kind: 'error', error: toErrorInfo(error) });
    }
  };

  const footer =
    phase.kind === 'done' ? (
      <>
        <Button onClick={close}>Close</Button>
        <Button
          variant="primary"
          onClick={() => {
            close();
            onOpenGallery();
          }}
        >
          Open the Gallery
        </Button>
      </>
    ) : (
      <>
        <Button onClick={close} disabled={phase.kind === 'importing'}>
          Cancel
        </Button>
        <Button variant="primary" onClick={() => void run()} disabled={phase.kind === 'importing'}>
          {phase.kind === 'importing' ? 'Importing…' : phase.kind === 'error' ? 'Try again' : `Import ${plural(files.length, 'image')}`}
        </Button>
      </>
    );

  return (
    <Dialog
      open={!blocked}
      title={`Import ${plural(files.length, 'image')}`}
      description="Add these images to the library, with the prompts and settings their tools embedded in them."
      onClose={() => {
        if (phase.kind !== 'importing') close();
      }}
      footer={footer}
      className="intake-images"
    >
      <ul className="intake-image-list" aria-label="Images to import" tabIndex={0}>
        {files.slice(0, NAMES_LISTED).map((found) => (
          <li key={found.relativePath}>
            <span className="intake-mono">{found.relativePath}</span> <span className="intake-faint">{(found.file.size / 1024).toFixed(0)} KB</span>
          </li>
        ))}
        {files.length > NAMES_LISTED ? <li className="intake-faint">and {plural(files.length - NAMES_LISTED, 'more image')}</li> : null}
      </ul>
      {images.notes.length > 0 ? (
        <ul className="intake-notes" aria-label="Files left out">
          {images.notes.map((note) => (
            <li key={`${note.path}:${note.reason}`}>
              <span className="intake-mono">{note.path}</span> — {note.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {hasPaths ? (
        <label className="intake-check">
          <input type="checkbox" checked={copy} disabled={phase.kind !== 'ask' && phase.kind !== 'error'} onChange={(e) => setCopy(e.target.checked)} />
          Copy them into the library (unticked: they stay where they are and are indexed in place)
        </label>
      ) : (
        <p className="intake-muted">The images are copied into the library; the files you dropped are not changed.</p>
      )}
      <div aria-live="polite" className="intake-import-status">
        {phase.kind === 'importing' ? (
          <p>
            Importing… {phase.done.toLocaleString('en-US')} of {phase.total.toLocaleString('en-US')}
          </p>
        ) : phase.kind === 'done' ? (
          <ImportResult summary={phase.summary} />
        ) : null}
      </div>
      {phase.kind === 'error' ? <ErrorNotice title="Could not import the images" error={phase.error} /> : null}
    </Dialog>
  );
}

function ImportResult({ summary }: { summary: ImportSummary }) {
  const failed = summary.failed.length + summary.failed_unlisted;
  return (
    <div className="intake-import-result">
      <p>
        <strong>
          Imported {plural(summary.imported, 'image')}
          {summary.already_present > 0 ? `, ${summary.already_present.toLocaleString('en-US')} already in the library` : ''}
          {failed > 0 ? `, ${failed.toLocaleString('en-US')} failed` : ''}.
        </strong>
      </p>
      {summary.failed.length > 0 ? (
        <ul className="intake-notes" aria-label="Images that failed">
          {summary.failed.map((f) => (
            <li key={`${f.path}:${f.reason}`}>
              <span className="intake-mono">{f.path}</span> — {f.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
