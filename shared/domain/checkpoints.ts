import { z } from 'zod';

const Count = z.number().int().min(0);

export const Checkpoint = z.object({
  id: z.number().int().positive(),
  name: z.string().nullable(),
  reason: z.enum(['auto', 'manual', 'before_restore']),
  file: z.string(),
  size_bytes: Count,
  job_counts: z.object({ queued: Count, running: Count, succeeded: Count, failed: Count, canceled: Count, held: Count }),
  schema_version: z.number().int(),
  created_at: z.number(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const ReconcileReport = z.object({
  indexed_from_sidecars: Count,
  attempts_completed: Count,
  incomplete_files: Count,
  missing_files: Count,
  missing_sidecars: Count,
  bad_sidecars: Count,
  temp_files_removed: Count,
  repaired: z.boolean(),
});
export type ReconcileReport = z.infer<typeof ReconcileReport>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.number(),
  kind: z.string(),
  job_id: z.number().int().nullable(),
  batch_id: z.number().int().nullable(),
  data: z.record(z.string(), z.json()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
