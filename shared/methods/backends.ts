import { BackendsHealth } from '../domain/backends';
import { NoInput, method } from './method';

/** The backend manager: circuit breakers and health of every backend. */
export const backendsMethods = {
  'backends.health': method(NoInput, BackendsHealth),
} as const;
