import { z } from 'zod';

/** One contract entry: the input schema (with bounds) and the output schema. */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const NoInput = z.undefined();
export const Id = z.number().int().positive();
