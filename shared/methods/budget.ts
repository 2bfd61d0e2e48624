import { BudgetSpend, SpendInput } from '../domain/estimate';
import { method } from './method';

/** Spend against the daily and monthly caps of `budget` in apex_config.json (issue 7). */
export const budgetMethods = {
  /** Spend by day, backend and project over the last `days` (default 30), with the caps' state now. */
  'budget.spend': method(SpendInput, BudgetSpend),
} as const;
