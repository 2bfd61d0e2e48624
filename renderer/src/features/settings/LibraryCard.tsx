import { useCallback, useId, useState } from 'react';
import type { LibraryRecentResult } from '../../../../shared/methods/library-host';
import { LIBRARY_PATH_MAX } from '../../../../shared/methods/library-host';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { useRemote } from './use-remote';

/** Checks the typed path before it is sent, with the same rules the core applies (it checks again). */
export function libraryPathProblem(path: string): string | null {
  const trimmed = path.trim();
  if (trimmed === '') return 'Type the full path of a folder.';
  if (trimmed.length > LIBRARY_PATH_MAX) return `The path is longer than ${LIBRARY_PATH_MAX} characters.`;
  const absolute = trimmed.startsWith('/') || trimmed === '~' || trimmed.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(trimmed) || trimmed.startsWith('\\\\');
  return absolute ? null : 'Give the full path, starting at the top of the drive (for example /home/you/Pictures/apex-library).';
}

/**
 * Which library the app works on: the current one, the recent ones, and a folder to open or create. After
 * a switch the core sends `library.changed` and every window reloads onto the new library.
 */
export function LibraryCard() {
  const api = useApi();
  const pathId = useId();
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ title: string; info: ErrorInfo } | null>(null);
  const [switchedTo, setSwitchedTo] = useState<string | null>(null);

  const remote = useRemote<LibraryRecentResult>(useCallback(() => api.call('library.recent'), [api]));
  const recent = remote.value;
  const load = remote.reload;

  const open = async (target: string, create: boolean) => {
    const local = libraryPathProblem(target);
    setProblem(local);
    if (local) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.call('library.open', { path: target.trim(), create });
      // Normally the page reloads on library.changed before this line; opening the current one changes nothing.
      setSwitchedTo(result.path);
      await load();
    } catch (caught) {
      setError({ title: create ? 'Could not create the library' : 'Could not open the library', info: toErrorInfo(caught) });
    } finally {
      setBusy(false);
    }
  };

  const choose = async (purpose: 'open' | 'create') => {
    try {
      const chosen = await api.call('library.choose_folder', { purpose });
      if (chosen.path) {
        setPath(chosen.path);
        await open(chosen.path, purpose === 'create');
      }
    } catch (caught) {
      setError({ title: 'Could not show the folder picker', info: toErrorInfo(caught) });
    }
  };

  const others = recent?.items.filter((item) => item.path !== recent.current) ?? [];

  return (
    <section className="card settings-section" id="settings-library" aria-labelledby="settings-library-title">
      <header className="card-header">
        <h2 id="settings-library-title" className="card-title">
          Library folder
        </h2>
        <p className="card-subtitle">Each library keeps its own queue, images, checkpoints and settings. Switching closes this one cleanly (running calls stop; queued jobs wait for its next opening).</p>
      </header>
      <div className="settings-section-body">
        <dl className="facts">
          <dt>Open now</dt>
          <dd>
            <code data-testid="current-library">{recent?.current ?? '…'}</code>
          </dd>
        </dl>
        {recent && !recent.can_switch ? <p className="muted">This process is bound to its library; start it with another --library to switch.</p> : null}
        {recent?.can_switch ? (
          <>
            {others.length > 0 ? (
              <ul className="library-recent" aria-label="Recent libraries">
                {others.map((item) => (
                  <li key={item.path}>
                    <code>{item.path}</code>
                    {item.exists ? (
                      <Button size="small" disabled={busy} onClick={() => void open(item.path, false)} aria-label={`Open library ${item.path}`}>
                        Open
                      </Button>
                    ) : (
                      <span className="chip tone-idle">Folder missing</span>
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
            <form
              className="library-form"
              onSubmit={(event) => {
                event.preventDefault();
                void open(path, false);
              }}
            >
              <label className="settings-label" htmlFor={pathId}>
                Library folder path
              </label>
              <input
                id={pathId}
                className="input settings-input is-mono"
                type="text"
                spellCheck={false}
                autoComplete="off"
                maxLength={LIBRARY_PATH_MAX}
                placeholder="/home/you/Pictures/apex-library"
                value={path}
                aria-invalid={problem ? true : undefined}
                aria-describedby={`${pathId}-problem`}
                onChange={(event) => {
                  setPath(event.target.value);
                  setProblem(null);
                }}
              />
              <span className="settings-error" id={`${pathId}-problem`} role={problem ? 'alert' : undefined}>
                {problem ?? ''}
              </span>
              <div className="library-actions">
                <Button type="submit" disabled={busy}>
                  Open library
                </Button>
                <Button variant="primary" disabled={busy} onClick={() => void open(path, true)}>
                  Create new library
                </Button>
                {recent.can_choose_folder ? (
                  <>
                    <Button variant="ghost" disabled={busy} onClick={() => void choose('open')}>
                      Choose folder to open…
                    </Button>
                    <Button variant="ghost" disabled={busy} onClick={() => void choose('create')}>
                      Choose folder for a new library…
                    </Button>
                  </>
                ) : (
                  <span className="muted small">The path is on the computer running APEX Director.</span>
                )}
              </div>
            </form>
            <p className="settings-done" role="status">
              {busy ? 'Switching library…' : switchedTo ? `Library at ${switchedTo} is open.` : ''}
            </p>
          </>
        ) : null}
        {error ? <ErrorNotice title={error.title} error={error.info} /> : null}
        {remote.error ? <ErrorNotice title="Could not read the library list" error={remote.error} onRetry={() => void load()} /> : null}
      </div>
    </section>
  );
}
