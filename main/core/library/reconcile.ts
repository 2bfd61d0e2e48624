import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection';
import type { AttemptLedger } from '../queue/attempt-ledger';
import type { Logger } from '../log';
import type { AssetIndex } from './asset-index';
import type { AssetFiles } from './asset-files';
import { recordFromSidecar, sidecarFromRecord, sidecarRelPath } from './asset-records';
import { writeSidecarFile, type AssetSidecar } from './sidecar';
import type { ReconcileReport } from '../../../shared/domain/checkpoints';

/**
 * indexed_from_sidecars: complete sidecars without a row, indexed again; attempts_completed: attempts cut
 * off between writing their files and committing; incomplete_files: images with neither sidecar nor row
 * (an interrupted write); missing_files: rows whose image is gone; missing_sidecars: rows whose sidecar is
 * gone (rewritten from the row on repair); bad_sidecars: sidecars that do not parse.
 */
export type { ReconcileReport };

export interface ReconcileDeps {
  db: Db;
  files: AssetFiles;
  assets: AssetIndex;
  ledger: AttemptLedger;
  log: Logger;
  now: () => number;
}

interface OpenAttempt {
  id: number;
  job_id: number;
  latency_ms: number;
}

/**
 * Brings rows and files back into agreement. Files are the truth for what exists (a complete sidecar
 * means a complete image); rows are the truth for what the artist organised. With `repair` false it
 * only reports.
 *
 * A store interrupted after its sidecar was written but before the row was committed is completed:
 * when every image of an open attempt has its sidecar, the attempt and its job are closed as succeeded
 * with those images, so a crash at that moment neither loses the (possibly paid) images nor runs the
 * job again.
 */
export async function reconcileLibrary(deps: ReconcileDeps, options: { repair: boolean; checkRows?: boolean }): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    indexed_from_sidecars: 0,
    attempts_completed: 0,
    incomplete_files: 0,
    missing_files: 0,
    missing_sidecars: 0,
    bad_sidecars: 0,
    temp_files_removed: 0,
    repaired: options.repair,
  };
  if (options.repair) report.temp_files_removed = await deps.files.cleanTempFiles(0);

  const indexed = deps.assets.shas();
  const sidecarShas = new Set(await deps.files.listSidecarShas());
  const unindexed: AssetSidecar[] = [];
  for (const sha of sidecarShas) {
    if (indexed.has(sha)) continue;
    try {
      const sidecar = await deps.files.readSidecar(sha);
      if (sidecar && existsSync(deps.files.absolutePath(sidecar.file))) unindexed.push(sidecar);
    } catch (error) {
      report.bad_sidecars += 1;
      deps.log.warn('unreadable sidecar', { sha, error: String(error) });
    }
  }

  if (options.repair) {
    const { completed, remaining } = completeOpenAttempts(deps, unindexed);
    report.attempts_completed = completed.attempts;
    report.indexed_from_sidecars += completed.images;
    const existingJob = deps.db.prepare<[number], { id: number }>('SELECT id FROM jobs WHERE id = ?');
    const existingAttempt = deps.db.prepare<[number], { id: number }>('SELECT id FROM attempts WHERE id = ?');
    deps.db.transaction(() => {
      for (const sidecar of remaining) {
        const record = recordFromSidecar(sidecar);
        // The row may predate a restored checkpoint: keep the provenance text, drop links that no longer resolve.
        if (record.job_id !== null && !existingJob.get(record.job_id)) record.job_id = null;
        if (record.attempt_id !== null && !existingAttempt.get(record.attempt_id)) record.attempt_id = null;
        deps.assets.upsert(record);
        report.indexed_from_sidecars += 1;
      }
    })();
  } else {
    report.indexed_from_sidecars = unindexed.length;
  }

  for (const image of await deps.files.listImageFiles()) {
    if (indexed.has(image.sha) || sidecarShas.has(image.sha)) continue;
    report.incomplete_files += 1;
    if (options.repair) await deps.files.removeAssetFiles(image.sha);
  }

  // After a crash only the files written around the crash need attention; a full check also walks every row.
  if (options.checkRows === false) return report;
  // Images indexed in place by import live under their import root, not the library.
  const rows = deps.db
    .prepare<[], { id: number; sha256: string; rel_path: string; root: string | null }>(
      'SELECT a.id, a.sha256, a.rel_path, r.path AS root FROM assets a LEFT JOIN import_roots r ON r.id = a.root_id',
    )
    .all();
  for (const row of rows) {
    // A root that is gone as a whole is an unplugged drive or an unmounted share, not deleted images: leave its rows.
    if (row.root !== null && !existsSync(row.root)) continue;
    if (!existsSync(row.root !== null ? join(row.root, ...row.rel_path.split('/')) : deps.files.absolutePath(row.rel_path))) {
      report.missing_files += 1;
      if (options.repair) deps.db.prepare('DELETE FROM assets WHERE id = ?').run(row.id);
      continue;
    }
    if (!sidecarShas.has(row.sha256)) {
      report.missing_sidecars += 1;
      const record = options.repair ? deps.assets.record(row.id) : null;
      if (record) writeSidecarFile(deps.files.absolutePath(sidecarRelPath(record.sha256)), sidecarFromRecord(record));
    }
  }
  return report;
}

/** Open attempts whose every image has a sidecar are closed as succeeded with those images. */
function completeOpenAttempts(deps: ReconcileDeps, sidecars: AssetSidecar[]): { completed: { attempts: number; images: number }; remaining: AssetSidecar[] } {
  const byAttempt = new Map<number, AssetSidecar[]>();
  const remaining: AssetSidecar[] = [];
  for (const sidecar of sidecars) {
    const attemptId = sidecar.provenance.attempt_id;
    if (attemptId === null) remaining.push(sidecar);
    else byAttempt.set(attemptId, [...(byAttempt.get(attemptId) ?? []), sidecar]);
  }
  const openAttempt = deps.db.prepare<[number], OpenAttempt>(
    "SELECT a.id, a.job_id, 0 AS latency_ms FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE a.id = ? AND a.ended_at IS NULL AND j.status = 'running'",
  );
  let attempts = 0;
  let images = 0;
  for (const [attemptId, group] of byAttempt) {
    const attempt = openAttempt.get(attemptId);
    const count = group[0]?.provenance.image_count ?? 0;
    const indexes = new Set(group.map((s) => s.provenance.image_index));
    const complete = attempt !== undefined && count > 0 && group.length === count && [...Array(count).keys()].every((i) => indexes.has(i));
    if (!attempt || !complete) {
      remaining.push(...group);
      continue;
    }
    const cost = group.reduce((sum, s) => sum + s.provenance.cost_usd, 0);
    const latency = group[0]?.provenance.generation_ms ?? 0;
    const first = group[0]!.provenance;
    deps.ledger.succeed(
      attempt.id,
      attempt.job_id,
      group.map((s) => ({ image_index: s.provenance.image_index ?? 0, record: recordFromSidecar(s) })),
      {
        cost_usd: cost,
        latency_ms: latency,
        record: {
          backend: first.backend ?? 'unknown',
          model: first.model,
          megapixels: (group[0]!.width * group[0]!.height) / 1_000_000,
          steps: typeof first.params.steps === 'number' ? first.params.steps : null,
          images: count,
          prompt_chars: first.prompt?.length ?? 0,
          latency_ms: latency,
          cost_usd: cost,
          success: true,
        },
      },
      deps.now(),
    );
    attempts += 1;
    images += group.length;
  }
  return { completed: { attempts, images }, remaining };
}
