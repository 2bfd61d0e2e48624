import { useState } from 'react';
import { LIBRARY_LIMITS, type Project, type SavedSearch } from '../../../../shared/domain/assets';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { plural } from '../../lib/format';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { toRule, type GalleryQuery } from './gallery-query';

/** Runs one call with busy and error state; resolves with its result, or null when it failed (the error is shown). */
function useCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const run = async <T,>(action: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      setError(toErrorInfo(caught));
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, reset: () => setError(null) };
}

/** One text field and one button: new project, rename, save search. */
function NameDialog(props: { open: boolean; title: string; label: string; initial: string; max: number; action: string; busy: boolean; error: ErrorInfo | null; errorTitle: string; onClose(): void; onSubmit(name: string): void; extra?: React.ReactNode }) {
  const [name, setName] = useState(props.initial);
  const trimmed = name.trim();
  const valid = trimmed !== '' && trimmed.length <= props.max;
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={props.onClose}
      size="small"
      footer={
        <>
          {props.extra}
          <Button variant="primary" disabled={!valid || props.busy} onClick={() => props.onSubmit(trimmed)}>
            {props.action}
          </Button>
        </>
      }
    >
      <label className="gallery-form-field">
        <span>{props.label}</span>
        <input
          type="text"
          value={name}
          maxLength={props.max}
          autoFocus
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && valid && !props.busy) props.onSubmit(trimmed);
          }}
        />
      </label>
      {props.error ? <ErrorNotice title={props.errorTitle} error={props.error} /> : null}
    </Dialog>
  );
}

export function NewProjectDialog({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(project: Project): void }) {
  const client = useApi();
  const call = useCall();
  if (!open) return null;
  return (
    <NameDialog
      open
      title="New project"
      label="Project name"
      initial=""
      max={LIBRARY_LIMITS.projectChars}
      action="Create project"
      busy={call.busy}
      error={call.error}
      errorTitle="Could not create the project"
      onClose={onClose}
      onSubmit={(name) =>
        void call.run(() => client.call('projects.create', { name })).then((created) => {
          if (created) onDone(created);
        })
      }
    />
  );
}

/** Rename, or delete (the project only: its images stay). */
export function EditProjectDialog({ project, onClose, onDone }: { project: Project | null; onClose(): void; onDone(): void }) {
  const client = useApi();
  const call = useCall();
  const [confirming, setConfirming] = useState(false);
  if (!project) return null;
  if (confirming) {
    return (
      <ConfirmDialog
        open
        title={`Delete the project ${project.name}?`}
        confirmLabel="Delete project"
        tone="danger"
        busy={call.busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          void call.run(() => client.call('projects.delete', { id: project.id })).then((result) => {
            if (result) {
              setConfirming(false);
              onDone();
            }
          })
        }
      >
        <p>Its {plural(project.count, 'image')} stay in the library; only the project goes.</p>
        {call.error ? <ErrorNotice title="Could not delete the project" error={call.error} /> : null}
      </ConfirmDialog>
    );
  }
  return (
    <NameDialog
      key={project.id}
      open
      title={`Project ${project.name}`}
      label="Name"
      initial={project.name}
      max={LIBRARY_LIMITS.projectChars}
      action="Rename"
      busy={call.busy}
      error={call.error}
      errorTitle="Could not rename the project"
      onClose={onClose}
      onSubmit={(name) => void call.run(() => client.call('projects.rename', { id: project.id, name })).then((renamed) => renamed && onDone())}
      extra={
        <Button variant="danger" onClick={() => setConfirming(true)} disabled={call.busy}>
          Delete project…
        </Button>
      }
    />
  );
}

export function SaveSearchDialog({ query, open, onClose, onDone }: { query: GalleryQuery; open: boolean; onClose(): void; onDone(saved: SavedSearch): void }) {
  const client = useApi();
  const call = useCall();
  if (!open) return null;
  return (
    <NameDialog
      open
      title="Save this search"
      label="Name"
      initial={query.text.trim().slice(0, 60)}
      max={LIBRARY_LIMITS.collectionNameChars}
      action="Save search"
      busy={call.busy}
      error={call.error}
      errorTitle="Could not save the search"
      onClose={onClose}
      onSubmit={(name) =>
        void call.run(() => client.call('collections.save', { name, rule: toRule(query) })).then((saved) => {
          if (saved) onDone(saved);
        })
      }
    />
  );
}

export function DeleteCollectionDialog({ collection, onClose, onDone }: { collection: SavedSearch | null; onClose(): void; onDone(): void }) {
  const client = useApi();
  const call = useCall();
  if (!collection) return null;
  return (
    <ConfirmDialog
      open
      title={`Delete the saved search ${collection.name}?`}
      confirmLabel="Delete saved search"
      tone="danger"
      busy={call.busy}
      onCancel={onClose}
      onConfirm={() => void call.run(() => client.call('collections.delete', { id: collection.id })).then((result) => result && onDone())}
    >
      <p>Only the search goes; no image is touched.</p>
      {call.error ? <ErrorNotice title="Could not delete the saved search" error={call.error} /> : null}
    </ConfirmDialog>
  );
}
