import type { BackendId } from '../../../shared/domain/config';
import type { BackendStatus, Status } from '../../../shared/domain/status';

/** Names artists know the services by; ids stay in the config file. */
export const BACKEND_LABELS: Record<BackendId, string> = {
  nano_banana: 'Nano Banana',
  imagen: 'Imagen',
  minimax: 'MiniMax',
  sdxl: 'SDXL (local)',
  demo: 'Demo (offline)',
};

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** A backend the cascade would try right now: enabled and nothing standing in its way. */
export function isBackendReady(backend: BackendStatus): boolean {
  return backend.enabled && backend.unavailable_reason === null;
}

export function backendsReadyLabel(status: Status): string {
  const ready = status.backends.items.filter(isBackendReady).length;
  return `${ready} of ${status.backends.items.length} backends ready`;
}

export function usd(amount: number): string {
  if (amount === 0) return 'Free';
  return amount < 0.1 ? `$${amount.toFixed(3)}` : `$${amount.toFixed(2)}`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
