import { useEffect, useState } from 'react';
import type { ImportProgress, ImportSummary } from '../../../../shared/domain/import';
import { IMPORT_LIMITS } from '../../../../shared/domain/import';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { plural } from '../../lib/format';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

/** Failures listed under a finished import; the count says how many more there were. */
const FAILURES_SHOWN = 20;
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * Folder import with live progress. The path is typed: in browser mode the page cannot read paths from a
 * folder picker, and the folder must be on the machine running the core anyway. Images dropped on the
 * window are another feature's job (intake).
 */
export function ImportView({ onShowImages }: { onShowImages(): void }) {
  const client = useApi();
  const [path, setPath] = useState('');
  const [copy, setCopy] = useState(false);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  // The desktop app has a native folder picker; browser mode does not (the page cannot see paths).
  const [canChoose, setCanChoose] = useState(false);

  useEffect(() => {
    let live = true;
    client
      .call('library.recent')
      .then((recent) => live && setCanChoose(recent.can_choose_folder))
      .catch(() => undefined); // no picker then: the typed path still works
    return () => {
      live = false;
    };
  }, [client]);

  const choose = async () => {
    try {
      const chosen = await client.call('library.choose_folder', { purpose: 'import' });
      if (chosen.path) setPath(chosen.path);
    } catch (caught) {
      setError(toErrorInfo(caught));
    }
  };

  // Progress events carry the import id, which the call returns only at the end: while ours runs, show the running one.
  useEffect(() => {
    if (!running) return;
    return client.on('import.progress', setProgress);
  }, [client, running]);

  const trimmed = path.trim();
  const valid = ABSOLUTE_PATH.test(trimmed) && trimmed.length <= IMPORT_LIMITS.pathChars;

  const start = async () => {
    if (!valid || running) return;
    setRunning(true);
    setProgress(null);
    setSummary(null);
    setError(null);
    try {
      setSummary(await client.call('library.import', { paths: [trimmed], copy }));
    } catch (caught) {
      setError(toErrorInfo(caught));
    } finally {
      setRunning(false);
    }
  };

  const failed = summary ? summary.failed.length + summary.failed_unlisted : 0;

  return (
    <section className="gallery-import" aria-labelledby="gallery-import-title">
      <h2 id="gallery-import-title" className="gallery-section-title">
        Import a folder
      </h2>
      <p className="gallery-import-intro">
        PNG, JPEG and WebP images are indexed with the prompts and settings that AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus
        and other tools embedded. Sub-folders are included.
      </p>
      <form
        className="gallery-import-form"
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <label className="gallery-form-field">
          <span>Folder path</span>
          <input type="text" value={path} placeholder="/home/me/Pictures/stable-diffusion" maxLength={IMPORT_LIMITS.pathChars} onChange={(event) => setPath(event.target.value)} disabled={running} />
          <small>An absolute path on the computer running APEX Director.</small>
        </label>
        {canChoose ? (
          <div>
            <Button onClick={() => void choose()} disabled={running}>
              Choose folder…
            </Button>
          </div>
        ) : null}
        <label className="gallery-check">
          <input type="checkbox" checked={copy} onChange={(event) => setCopy(event.target.checked)} disabled={running} />
          <span>Copy into the library (otherwise the images stay where they are and are indexed in place)</span>
        </label>
        <div>
          <Button type="submit" variant="primary" disabled={!valid || running}>
            {running ? 'Importing…' : 'Import'}
          </Button>
        </div>
        {trimmed !== '' && !ABSOLUTE_PATH.test(trimmed) ? <p className="gallery-form-error">Give an absolute path (starting with / or a drive letter).</p> : null}
      </form>

      <div className="gallery-import-progress" aria-live="polite">
        {running ? (
          <>
            <progress max={progress?.total || 1} value={progress?.done ?? 0} aria-label="Import progress" />
            <p className="gallery-import-counts">
              {progress
                ? `${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} files · ${progress.imported.toLocaleString('en-US')} imported · ${progress.skipped.toLocaleString('en-US')} skipped · ${progress.failed.toLocaleString('en-US')} failed`
                : 'Looking for images…'}
            </p>
          </>
        ) : null}
        {summary ? (
          <div className="gallery-import-summary" role="status">
            <p>
              <strong>Import finished:</strong> {plural(summary.imported, 'image')} imported, {summary.already_present.toLocaleString('en-US')} already in the library,{' '}
              {summary.skipped_non_images.toLocaleString('en-US')} other files skipped, {failed.toLocaleString('en-US')} failed ({(summary.duration_ms / 1000).toFixed(1)} s).
            </p>
            {summary.failed.length > 0 ? (
              <details>
                <summary>{plural(failed, 'file')} could not be imported</summary>
                <ul className="gallery-import-failures">
                  {summary.failed.slice(0, FAILURES_SHOWN).map((failure) => (
                    <li key={failure.path}>
                      <code>{failure.path}</code>: {failure.reason}
                    </li>
                  ))}
                </ul>
                {failed > FAILURES_SHOWN ? <p>…and {(failed - FAILURES_SHOWN).toLocaleString('en-US')} more.</p> : null}
              </details>
            ) : null}
            <Button onClick={onShowImages}>Show the images</Button>
          </div>
        ) : null}
      </div>
      {error ? <ErrorNotice title="The import failed" error={error} onRetry={() => void start()} /> : null}
    </section>
  );
}
