import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { BackendId, Config } from '../../../../shared/domain/config';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../../api/api-context';
import { useConfigStore, useStatusStore } from '../../app/stores';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PanelHeader } from '../../components/PanelHeader';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { plural } from '../../lib/format';
import { CascadeEditor } from './CascadeEditor';
import { CheckpointsCard } from './CheckpointsCard';
import { BudgetFields, OrchestratorFields } from './GeneralForms';
import { KeysCard } from './KeysCard';
import { LibraryCard } from './LibraryCard';
import { buildPatch, changeCount, changedElsewhere, editorReducer, initialEditorState, serverFieldError, validateDraft, type FieldPath } from './settings-draft';
import './settings.css';

const SECTIONS = [
  { id: 'settings-cascade', label: 'Backends' },
  { id: 'settings-orchestrator', label: 'Queue' },
  { id: 'settings-budget', label: 'Budget' },
  { id: 'settings-keys', label: 'API keys' },
  { id: 'settings-library', label: 'Library' },
  { id: 'settings-checkpoints', label: 'Checkpoints' },
] as const;

/**
 * The sub-nav scrolls to a section and moves focus to its heading. Not `#anchor` links: the URL hash
 * names the active panel (app/use-active-panel.ts).
 */
function goToSection(id: string): void {
  const section = document.getElementById(id);
  if (!section) return;
  section.scrollIntoView({ block: 'start' });
  const heading = section.querySelector<HTMLElement>('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/** The price table's per-image price of each backend's model, shown where `cost_per_image` is left empty. */
function useTablePrices(config: Config | null): Partial<Record<BackendId, number>> {
  const api = useApi();
  const [prices, setPrices] = useState<Partial<Record<BackendId, number>>>({});
  useEffect(() => {
    if (!config) return;
    let live = true;
    api
      .call('estimate.prices')
      .then((table) => {
        if (!live) return;
        const out: Partial<Record<BackendId, number>> = {};
        for (const row of table.rows) {
          if (!row.in_use) continue;
          const tier = row.tiers.find((entry) => entry.tier === '1K') ?? row.tiers[0];
          if (tier) out[row.backend as BackendId] = tier.usd_per_image;
        }
        setPrices(out);
      })
      .catch(() => {
        // The placeholder then just says "Price table": prices are a hint here, not the setting.
      });
    return () => {
      live = false;
    };
  }, [api, config]);
  return prices;
}

/** The editor over one loaded config: the draft, its checks, Save and Revert. */
function ConfigEditor({ config }: { config: Config }) {
  const api = useApi();
  const [state, dispatch] = useReducer(editorReducer, config, initialEditorState);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState(false);
  const tablePrices = useTablePrices(config);

  // The core's config moved (our save, the CLI, another window): follow it, keeping unsaved edits.
  useEffect(() => dispatch({ type: 'remote', config }), [config]);

  const localErrors = useMemo(() => validateDraft(state.draft), [state.draft]);
  const errors = useMemo(() => ({ ...state.serverErrors, ...localErrors }), [state.serverErrors, localErrors]);
  const changes = changeCount(state);
  const dirty = changes > 0;
  const problems = Object.keys(localErrors).length;
  const set = useCallback((path: FieldPath, value: unknown) => {
    setSaved(false);
    dispatch({ type: 'set', path, value });
  }, []);
  const editorDispatch = useCallback((action: Parameters<typeof dispatch>[0]) => {
    setSaved(false);
    dispatch(action);
  }, []);

  const save = async () => {
    if (problems > 0 || !dirty) return;
    setSaving(true);
    setSaveError(null);
    try {
      const next = await api.call('config.update', buildPatch(state.base, state.draft));
      dispatch({ type: 'saved', config: next });
      setSaved(true);
    } catch (caught) {
      const field = serverFieldError(caught);
      if (field) dispatch({ type: 'save-failed', field: field.field, reason: field.reason });
      setSaveError(toErrorInfo(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="settings-editor"
      aria-label="Engine settings"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className={dirty ? 'settings-savebar is-dirty' : 'settings-savebar'} role="region" aria-label="Save settings">
        <span className="settings-savebar-text" role="status">
          {dirty ? `${plural(changes, 'unsaved change')}${problems > 0 ? ` · ${plural(problems, 'field')} to fix` : ''}` : saved ? 'Saved.' : 'No unsaved changes.'}
          {changedElsewhere(state) ? ' Settings were changed elsewhere meanwhile; saving applies only your changes on top.' : ''}
        </span>
        <Button disabled={!dirty || saving} onClick={() => dispatch({ type: 'revert' })}>
          Revert
        </Button>
        <Button type="submit" variant="primary" disabled={!dirty || saving || problems > 0}>
          {saving ? 'Saving…' : 'Save settings'}
        </Button>
      </div>
      {saveError ? <ErrorNotice title="The settings were not saved" error={saveError} /> : null}

      <section className="card settings-section" id="settings-cascade" aria-labelledby="settings-cascade-title">
        <header className="card-header">
          <h2 id="settings-cascade-title" className="card-title">
            Backend cascade
          </h2>
          <p className="card-subtitle">Each job goes to the first ready backend; when one fails or is rate-limited, the next takes over. Drag a row, or use its arrows, to change the order.</p>
        </header>
        <CascadeEditor draft={state.draft} errors={errors} dispatch={editorDispatch} tablePrices={tablePrices} />
      </section>

      <section className="card settings-section" id="settings-orchestrator" aria-labelledby="settings-orchestrator-title">
        <header className="card-header">
          <h2 id="settings-orchestrator-title" className="card-title">
            Queue
          </h2>
          <p className="card-subtitle">How the orchestrator works the queue.</p>
        </header>
        <div className="settings-section-body">
          <OrchestratorFields draft={state.draft} errors={errors} set={set} />
        </div>
      </section>

      <section className="card settings-section" id="settings-budget" aria-labelledby="settings-budget-title">
        <header className="card-header">
          <h2 id="settings-budget-title" className="card-title">
            Budget
          </h2>
          <p className="card-subtitle">When the next paid call would pass a cap, paid backends stop taking jobs until the cap resets or you raise it; free ones keep working.</p>
        </header>
        <div className="settings-section-body">
          <BudgetFields draft={state.draft} errors={errors} set={set} />
        </div>
      </section>
    </form>
  );
}

export function SettingsPanel() {
  const { config, phase, error, load } = useConfigStore(useShallow((s) => ({ config: s.config, phase: s.phase, error: s.error, load: s.load })));
  const libraryPath = useStatusStore((s) => s.status?.library.path ?? null);

  return (
    <>
      <PanelHeader title="Settings" subtitle="Which services are tried, in what order and within what limits; keys, budget, the library and its checkpoints." />
      <div className="panel-body settings-body">
        <nav className="settings-nav" aria-label="Settings sections">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.id}>
                <button type="button" className="settings-nav-link" onClick={() => goToSection(section.id)}>
                  {section.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-sections">
          {error ? <ErrorNotice title="Could not read the settings" error={error} onRetry={() => void load()} /> : null}
          {phase === 'loading' && !config ? <p className="muted">Reading settings…</p> : null}
          {config ? <ConfigEditor config={config} /> : null}
          <KeysCard />
          <LibraryCard />
          <CheckpointsCard />
          <p className="muted small">
            Engine settings live in <code>{libraryPath ? `${libraryPath}/apex_config.json` : 'apex_config.json'}</code>, shared with the command line. API keys are never written there.
          </p>
        </div>
      </div>
    </>
  );
}
