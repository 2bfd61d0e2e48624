import { useId, type ReactNode } from 'react';
import { inputFromNumber, numberFromInput } from './settings-draft';

/**
 * Labelled form controls of the settings editor. Each shows its error (the draft's zod check or the core's
 * refusal) under the control, tied to it with aria-describedby and aria-invalid.
 */

interface FieldShell {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
}

function Shell({ id, label, hint, error, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={error ? 'settings-field has-error' : 'settings-field'}>
      <label className="settings-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint ? (
        <span className="settings-hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      <span className="settings-error" id={`${id}-error`} role={error ? 'alert' : undefined}>
        {error ?? ''}
      </span>
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function NumberField({
  label,
  hint,
  error,
  value,
  nullable = false,
  placeholder,
  step,
  min,
  max,
  unit,
  onChange,
}: FieldShell & {
  value: number | null;
  nullable?: boolean;
  placeholder?: string;
  step?: number | 'any';
  min?: number;
  max?: number;
  unit?: string;
  onChange(value: number | null): void;
}) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <span className="settings-input-row">
        <input
          id={id}
          className="input settings-input is-number"
          type="number"
          inputMode="decimal"
          value={inputFromNumber(value)}
          placeholder={placeholder}
          step={step}
          min={min}
          max={max}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
          onChange={(event) => onChange(numberFromInput(event.target.value, nullable))}
        />
        {unit ? <span className="settings-unit">{unit}</span> : null}
      </span>
    </Shell>
  );
}

export function TextField({
  label,
  hint,
  error,
  value,
  nullable = false,
  placeholder,
  mono = false,
  onChange,
}: FieldShell & { value: string | null; nullable?: boolean; placeholder?: string; mono?: boolean; onChange(value: string | null): void }) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        className={mono ? 'input settings-input is-mono' : 'input settings-input'}
        type="text"
        spellCheck={false}
        autoComplete="off"
        value={value ?? ''}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(event) => onChange(nullable && event.target.value.trim() === '' ? null : event.target.value)}
      />
    </Shell>
  );
}

export function SelectField<T extends string>({
  label,
  hint,
  error,
  value,
  options,
  onChange,
}: FieldShell & { value: T; options: readonly { value: T; label: string }[]; onChange(value: T): void }) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        className="input settings-input"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(event) => {
          const next = options.find((option) => option.value === event.target.value);
          if (next) onChange(next.value);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}

/** A checkbox styled as a switch: the label says what "on" means. */
export function ToggleField({ label, hint, checked, onChange }: { label: string; hint?: ReactNode; checked: boolean; onChange(checked: boolean): void }) {
  const id = useId();
  return (
    <div className="settings-field is-toggle">
      <input id={id} className="settings-switch" type="checkbox" role="switch" checked={checked} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(event) => onChange(event.target.checked)} />
      <label className="settings-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="settings-hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}
