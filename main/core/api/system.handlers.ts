import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function systemHandlers(services: CoreServices) {
  return {
    'system.ping': (input) => ({ pong: true as const, echo: input?.echo ?? null, time: Date.now() }),
    'system.status': () => services.status(),
  } satisfies Pick<Handlers, 'system.ping' | 'system.status'>;
}
