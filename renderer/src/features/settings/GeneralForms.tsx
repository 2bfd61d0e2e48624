import { NumberField, SelectField, ToggleField } from './fields';
import type { FieldProps } from './BackendFields';

/** How the queue is worked: concurrency, attempts, checkpoints, crash recovery. */
export function OrchestratorFields({ draft, errors, set }: FieldProps) {
  const o = draft.orchestrator;
  const err = (field: string) => errors[`orchestrator.${field}`];
  return (
    <div className="settings-grid">
      <NumberField label="Jobs at once" hint="Across all backends." value={o.max_concurrent_jobs} min={1} max={256} error={err('max_concurrent_jobs')} onChange={(v) => set(['orchestrator', 'max_concurrent_jobs'], v)} />
      <NumberField label="Attempts per job" value={o.max_attempts} min={1} max={50} error={err('max_attempts')} onChange={(v) => set(['orchestrator', 'max_attempts'], v)} />
      <NumberField
        label="Checkpoint every"
        unit="seconds"
        hint="Automatic checkpoints, only when something changed."
        value={o.checkpoint_interval}
        min={10}
        max={86_400}
        error={err('checkpoint_interval')}
        onChange={(v) => set(['orchestrator', 'checkpoint_interval'], v)}
      />
      <NumberField
        label="Automatic checkpoints kept"
        hint="Older automatic ones are deleted; yours are kept."
        value={o.checkpoint_keep}
        min={1}
        max={1_000}
        error={err('checkpoint_keep')}
        onChange={(v) => set(['orchestrator', 'checkpoint_keep'], v)}
      />
      <SelectField
        label="After a crash, paid jobs that were running are"
        value={o.recovery}
        options={[
          { value: 'requeue', label: 'Run again' },
          { value: 'hold', label: 'Held for me to release' },
        ]}
        error={err('recovery')}
        onChange={(v) => set(['orchestrator', 'recovery'], v)}
      />
      <ToggleField label="Retry failed calls automatically" hint="Transient failures back off and try again, up to the attempts above." checked={o.auto_retry} onChange={(v) => set(['orchestrator', 'auto_retry'], v)} />
    </div>
  );
}

/** Spend caps in USD; empty means no cap. */
export function BudgetFields({ draft, errors, set }: FieldProps) {
  const b = draft.budget;
  return (
    <div className="settings-grid">
      <NumberField
        label="Daily cap"
        unit="USD"
        nullable
        step="any"
        placeholder="No cap"
        hint="Empty: no daily cap. Resets at local midnight."
        value={b.daily_usd}
        min={0}
        error={errors['budget.daily_usd']}
        onChange={(v) => set(['budget', 'daily_usd'], v)}
      />
      <NumberField
        label="Monthly cap"
        unit="USD"
        nullable
        step="any"
        placeholder="No cap"
        hint="Empty: no monthly cap. Resets on the 1st."
        value={b.monthly_usd}
        min={0}
        error={errors['budget.monthly_usd']}
        onChange={(v) => set(['budget', 'monthly_usd'], v)}
      />
    </div>
  );
}
