import { createClient, type ApexClient } from '../../../shared/client';
import { pickTransport } from './pick-transport';

/**
 * Results and events are validated against the contract in every build: the cost is tiny next to an image
 * generation, and drift between core and renderer then fails loudly instead of rendering garbage.
 */
export function createApiClient(): ApexClient {
  return createClient(pickTransport(), { validate: true });
}
