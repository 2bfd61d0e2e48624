import { BACKEND_IDS } from '../../../../shared/domain/config';
import { BACKEND_LABELS } from '../../lib/format';
import { PRIORITY_LABELS, SIZE_PRESETS, type DefaultsForm } from './defaults-form';

/**
 * The option lists of the backend, size and priority selects that the batch preview's defaults and the
 * prompt bar both show; each select keeps its own id, value and change handler.
 */

/** '' is the cascade. */
export function BackendOptions() {
  return (
    <>
      <option value="">Auto (cascade)</option>
      {BACKEND_IDS.map((backend) => (
        <option key={backend} value={backend}>
          {BACKEND_LABELS[backend]}
        </option>
      ))}
    </>
  );
}

/** `unsetLabel` names what '' (no preset) means where the select stands. */
export function SizeOptions({ unsetLabel }: { unsetLabel: string }) {
  return (
    <>
      <option value="">{unsetLabel}</option>
      {SIZE_PRESETS.map((preset) => (
        <option key={preset.id} value={preset.id}>
          {preset.label}
        </option>
      ))}
    </>
  );
}

export function PriorityOptions({ values }: { values: readonly DefaultsForm['priority'][] }) {
  return (
    <>
      {values.map((p) => (
        <option key={p} value={p}>
          {PRIORITY_LABELS[p]}
        </option>
      ))}
    </>
  );
}
