import { z } from 'zod';
import { Config, ConfigPatch } from '../domain/config';
import { Status } from '../domain/status';
import { NoInput, method } from './method';

/** Health of the app and its settings. */
export const systemMethods = {

  'system.ping': method(
    z.object({ echo: z.string().max(256).optional() }).optional(),
    z.object({ pong: z.literal(true), echo: z.string().max(256).nullable(), time: z.number().int() }),
  ),
  'system.status': method(NoInput, Status),
  'config.get': method(NoInput, Config),
  'config.update': method(ConfigPatch, Config),
} as const;
