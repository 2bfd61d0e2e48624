import type { BackendId, Config } from '../../../../shared/domain/config';
import { usd } from '../../lib/format';
import { NumberField, SelectField, TextField } from './fields';
import type { FieldPath } from './settings-draft';

export interface FieldProps {
  draft: Config;
  errors: Record<string, string>;
  set(path: FieldPath, value: unknown): void;
}

/** Every setting of one backend (the cascade order and on/off live on its row). */
export function BackendFields({ id, draft, errors, set, tablePrice }: FieldProps & { id: BackendId; tablePrice: number | null }) {
  const err = (field: string) => errors[`backends.${id}.${field}`];
  const at = (field: string): FieldPath => ['backends', id, field];

  if (id === 'demo') {
    const demo = draft.backends.demo;
    return (
      <div className="settings-grid">
        <NumberField label="Jobs at once" value={demo.max_concurrency} min={1} max={64} error={err('max_concurrency')} onChange={(v) => set(at('max_concurrency'), v)} />
        <NumberField label="Simulated time per image" unit="ms" value={demo.latency_ms} min={0} max={60_000} error={err('latency_ms')} onChange={(v) => set(at('latency_ms'), v)} />
      </div>
    );
  }

  const backend = draft.backends[id];
  return (
    <div className="settings-grid">
      {id !== 'sdxl' ? <TextField label="Model" mono value={draft.backends[id].model} error={err('model')} onChange={(v) => set(at('model'), v ?? '')} /> : null}
      <TextField label="Base URL" mono value={backend.base_url} error={err('base_url')} onChange={(v) => set(at('base_url'), v ?? '')} />
      <NumberField label="Jobs at once" value={backend.max_concurrency} min={1} max={64} error={err('max_concurrency')} onChange={(v) => set(at('max_concurrency'), v)} />
      <NumberField
        label="Requests per minute"
        nullable
        placeholder="No limit"
        hint="Empty: no per-minute limit."
        value={backend.requests_per_minute}
        min={1}
        max={10_000}
        error={err('requests_per_minute')}
        onChange={(v) => set(at('requests_per_minute'), v)}
      />
      <NumberField
        label="Cost per image"
        unit="USD"
        nullable
        step="any"
        placeholder={tablePrice === null ? 'Price table' : `Price table: ${usd(tablePrice)}`}
        hint={tablePrice === null ? 'Empty: the price table’s price is used.' : `Empty: the price table’s ${usd(tablePrice)} is used.`}
        value={backend.cost_per_image}
        min={0}
        max={100}
        error={err('cost_per_image')}
        onChange={(v) => set(at('cost_per_image'), v)}
      />
      <NumberField
        label="Quality level"
        hint="1–5: jobs that ask for a higher level skip this backend."
        value={backend.quality_level}
        min={1}
        max={5}
        error={err('quality_level')}
        onChange={(v) => set(at('quality_level'), v)}
      />
      <NumberField label="Timeout" unit="ms" value={backend.timeout_ms} min={1_000} max={3_600_000} error={err('timeout_ms')} onChange={(v) => set(at('timeout_ms'), v)} />
      {id === 'imagen' ? (
        <>
          <SelectField
            label="Sign-in"
            value={draft.backends.imagen.auth}
            options={[
              { value: 'api_key', label: 'Gemini API key' },
              { value: 'vertex', label: 'Vertex AI service account' },
            ]}
            error={err('auth')}
            onChange={(v) => set(at('auth'), v)}
          />
          <TextField label="Vertex project" nullable mono placeholder="Only for Vertex AI" value={draft.backends.imagen.vertex_project} error={err('vertex_project')} onChange={(v) => set(at('vertex_project'), v)} />
          <TextField label="Vertex location" mono value={draft.backends.imagen.vertex_location} error={err('vertex_location')} onChange={(v) => set(at('vertex_location'), v ?? '')} />
        </>
      ) : null}
      {id === 'sdxl' ? (
        <>
          <SelectField
            label="Server"
            value={draft.backends.sdxl.flavor}
            options={[
              { value: 'a1111', label: 'AUTOMATIC1111 / Forge' },
              { value: 'comfyui', label: 'ComfyUI' },
            ]}
            error={err('flavor')}
            onChange={(v) => set(at('flavor'), v)}
          />
          <TextField label="Checkpoint" nullable mono placeholder="Whatever the server has loaded" value={draft.backends.sdxl.checkpoint} error={err('checkpoint')} onChange={(v) => set(at('checkpoint'), v)} />
          <TextField label="Sampler" value={draft.backends.sdxl.sampler} error={err('sampler')} onChange={(v) => set(at('sampler'), v ?? '')} />
          <NumberField label="Steps" value={draft.backends.sdxl.steps} min={1} max={150} error={err('steps')} onChange={(v) => set(at('steps'), v)} />
          <NumberField label="CFG scale" step="any" value={draft.backends.sdxl.cfg_scale} min={1} max={30} error={err('cfg_scale')} onChange={(v) => set(at('cfg_scale'), v)} />
        </>
      ) : null}
    </div>
  );
}
