import { z } from 'zod';
import { AuditEntry, Checkpoint, ReconcileReport } from '../domain/checkpoints';
import { LIMITS } from '../domain/jobs';
import { Id, NoInput, method } from './method';

/** Checkpoints, library maintenance and the audit log. */
export const checkpointsMethods = {
  'checkpoints.create': method(z.strictObject({ name: z.string().trim().min(1).max(200).optional() }).optional(), Checkpoint),
  'checkpoints.list': method(NoInput, z.object({ items: z.array(Checkpoint) })),
  'checkpoints.restore': method(z.strictObject({ id: Id }), z.object({ restored: Checkpoint, safety: Checkpoint })),

  'library.check': method(z.strictObject({ repair: z.boolean().optional() }).optional(), ReconcileReport),

  'audit.list': method(
    z
      .strictObject({
        kind: z.string().max(50).optional(),
        job_id: Id.optional(),
        before: Id.optional(),
        limit: z.number().int().min(1).max(LIMITS.pageSize).optional(),
      })
      .optional(),
    z.object({ items: z.array(AuditEntry), next: Id.nullable() }),
  ),
} as const;
