import { useCallback, useId, useState } from 'react';
import { KEY_BACKEND_IDS, type KeyBackendId, type KeyStatusItem, type KeysStatus, type KeyTestResult } from '../../../../shared/domain/backends';
import { useApi } from '../../api/api-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { BACKEND_LABELS } from '../../lib/format';
import { useRemote } from './use-remote';

/** Where a key comes from, in words; the key itself never reaches the renderer. */
export function keySourceLabel(item: KeyStatusItem): string {
  if (!item.set) return item.required ? 'Not set' : 'Not set (optional)';
  switch (item.source) {
    case 'env':
      return `Set by environment variable ${item.env_var ?? ''}`.trim();
    case 'keychain':
      return 'Set in keychain';
    case 'session':
      return 'Set for this session only';
    default:
      return 'Set';
  }
}

const SECRET_NAMES: Record<KeyBackendId, string> = {
  nano_banana: 'API key',
  imagen: 'API key or service-account JSON',
  minimax: 'API key',
  sdxl: 'user:password',
};

type RowNote = { tone: 'ok' | 'warn' | 'danger'; text: string } | null;

function KeyRow({ item, onChanged }: { item: KeyStatusItem; onChanged(): Promise<void> }) {
  const api = useApi();
  const id = useId();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState<'save' | 'test' | 'delete' | null>(null);
  const [note, setNote] = useState<RowNote>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const name = BACKEND_LABELS[item.backend];

  const run = async (kind: 'save' | 'test' | 'delete', work: () => Promise<RowNote>) => {
    setBusy(kind);
    setError(null);
    setNote(null);
    try {
      setNote(await work());
    } catch (caught) {
      setError(toErrorInfo(caught));
    } finally {
      setBusy(null);
    }
  };

  const save = () =>
    run('save', async () => {
      const result = await api.call('keys.set', { backend: item.backend, value });
      setValue('');
      await onChanged();
      return { tone: result.overridden_by ? 'warn' : 'ok', text: result.message };
    });
  const test = () =>
    run('test', async () => {
      const result: KeyTestResult = await api.call('keys.test', value.trim() === '' ? { backend: item.backend } : { backend: item.backend, value });
      const verdict = result.outcome === 'ok' ? 'Connection works' : result.outcome === 'failed' ? 'Connection failed' : 'Cannot be tested';
      return { tone: result.outcome === 'ok' ? 'ok' : result.outcome === 'failed' ? 'danger' : 'warn', text: `${verdict}: ${result.message}` };
    });
  const remove = () =>
    run('delete', async () => {
      const result = await api.call('keys.delete', { backend: item.backend });
      await onChanged();
      if (result.still_set_by) return { tone: 'warn', text: `Removed from storage; ${result.still_set_by} still supplies a key.` };
      return { tone: 'ok', text: result.deleted ? 'Key removed.' : 'There was no stored key.' };
    });

  return (
    <li className="keys-row" aria-label={`${name} key`}>
      <div className="keys-row-head">
        <strong>{name}</strong>
        <span className={item.set ? 'chip tone-ok' : item.required ? 'chip tone-warn' : 'chip tone-idle'} data-testid={`key-status-${item.backend}`}>
          {keySourceLabel(item)}
        </span>
      </div>
      <form
        className="keys-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim() !== '') void save();
        }}
      >
        <label className="visually-hidden" htmlFor={id}>
          {`${name} ${SECRET_NAMES[item.backend]}`}
        </label>
        <input
          id={id}
          className="input settings-input is-mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={item.set ? `Replace the ${SECRET_NAMES[item.backend]}` : `Paste the ${SECRET_NAMES[item.backend]}`}
          value={value}
          maxLength={32_768}
          onChange={(event) => setValue(event.target.value)}
        />
        <Button type="submit" variant="primary" size="small" disabled={busy !== null || value.trim() === ''} aria-label={`Save ${name} key`}>
          {busy === 'save' ? 'Saving…' : 'Save key'}
        </Button>
        <Button size="small" disabled={busy !== null || (!item.set && value.trim() === '')} onClick={() => void test()} aria-label={`Test ${name} connection`}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </Button>
        <Button size="small" variant="ghost" disabled={busy !== null || !item.set || item.source === 'env'} onClick={() => void remove()} aria-label={`Remove ${name} key`}>
          Remove
        </Button>
      </form>
      <p className={note ? `keys-note tone-${note.tone}` : 'keys-note'} role="status">
        {note?.text ?? ''}
      </p>
      {error ? <ErrorNotice title={`${name}: that did not work`} error={error} /> : null}
    </li>
  );
}

/** API keys, write-only: typed in, stored in the OS keychain (or for the session), never shown again. */
export function KeysCard() {
  const api = useApi();
  const { value: status, error, reload: load } = useRemote<KeysStatus>(useCallback(() => api.call('keys.status'), [api]));

  return (
    <section className="card settings-section" id="settings-keys" aria-labelledby="settings-keys-title">
      <header className="card-header">
        <h2 id="settings-keys-title" className="card-title">
          API keys
        </h2>
        <p className="card-subtitle">Keys are written, never read back: this page only says whether one is set and where it comes from. An environment variable wins over a stored key.</p>
      </header>
      <div className="settings-section-body">
        {error ? <ErrorNotice title="Could not read which keys are set" error={error} onRetry={() => void load()} /> : null}
        {status && !status.keychain.available ? (
          <p className="settings-banner tone-warn" role="note">
            No system keychain here{status.keychain.reason ? ` (${status.keychain.reason})` : ''}: keys you save last until the app closes.
          </p>
        ) : null}
        {status ? (
          <ul className="keys-list">
            {KEY_BACKEND_IDS.map((backend) => {
              const item = status.items.find((entry) => entry.backend === backend);
              return item ? <KeyRow key={backend} item={item} onChanged={load} /> : null;
            })}
          </ul>
        ) : error ? null : (
          <p className="muted">Reading key status…</p>
        )}
      </div>
    </section>
  );
}
