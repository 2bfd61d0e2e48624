import { BACKEND_IDS, type BackendId, type Config } from '../../../../shared/domain/config';
import { BACKEND_LABELS, usd } from '../../lib/format';

export interface CascadeRow {
  id: BackendId;
  label: string;
  priority: number;
  enabled: boolean;
  /** The model (or for SDXL the checkpoint and server flavour) the backend will be asked for. */
  model: string;
  /** The `cost_per_image` override; null: priced by the estimator's price table (`estimate.prices`). */
  costPerImage: number | null;
  maxConcurrency: number;
}

function modelOf(id: BackendId, config: Config): string {
  const b = config.backends;
  switch (id) {
    case 'nano_banana':
      return b.nano_banana.model;
    case 'imagen':
      return b.imagen.model;
    case 'minimax':
      return b.minimax.model;
    case 'sdxl':
      return `${b.sdxl.checkpoint ?? 'server default checkpoint'} · ${b.sdxl.flavor === 'a1111' ? 'A1111/Forge' : 'ComfyUI'}`;
    case 'demo':
      return 'procedural placeholder (not AI)';
  }
}

/** Backends in the order the cascade tries them (lower priority number first; ties keep the documented order). */
export function cascadeRows(config: Config): CascadeRow[] {
  return BACKEND_IDS.map((id) => {
    const backend = config.backends[id];
    return {
      id,
      label: BACKEND_LABELS[id],
      priority: backend.priority,
      enabled: backend.enabled,
      model: modelOf(id, config),
      costPerImage: 'cost_per_image' in backend ? backend.cost_per_image : 0,
      maxConcurrency: backend.max_concurrency,
    };
  }).sort((a, b) => a.priority - b.priority);
}

/** What the price column shows: the artist's own price, or that the price table applies. */
export function priceLabel(row: CascadeRow): string {
  return row.costPerImage === null ? 'Price table' : usd(row.costPerImage);
}
