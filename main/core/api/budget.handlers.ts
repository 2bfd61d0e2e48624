import { ESTIMATE_LIMITS } from '../../../shared/domain/estimate';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/** Spend against the caps of `budget` (issue 7), by day, backend and project. */
export function budgetHandlers(services: CoreServices) {
  const { budget } = services.pipeline;
  return {
    'budget.spend': (input) => budget.spend(input?.days ?? ESTIMATE_LIMITS.spendDaysDefault, Date.now()),
  } satisfies Pick<Handlers, 'budget.spend'>;
}
