import type { GeneratedImage } from '../backends/types';
import type { OutputProvenance, OutputSink } from '../queue/orchestrator';
import type { AssetRecordInput } from './asset-index';
import type { AssetFiles, StoredAssetFile } from './asset-files';
import type { AssetProvenance, AssetSidecar } from './sidecar';

/** The `assets` row of a sidecar: the index can always be rebuilt from files alone. */
export function recordFromSidecar(sidecar: AssetSidecar): AssetRecordInput {
  return {
    sha256: sidecar.sha256,
    rel_path: sidecar.file,
    thumb_rel_path: sidecar.thumbnail,
    mime: sidecar.mime,
    width: sidecar.width,
    height: sidecar.height,
    bytes: sidecar.bytes,
    phash: sidecar.phash,
    source: sidecar.source,
    created_at: sidecar.created_at,
    ...provenanceColumns(sidecar.provenance),
  };
}

type ProvenanceColumnKeys = 'job_id' | 'attempt_id' | 'batch_id' | 'image_index' | 'backend' | 'model' | 'prompt' | 'negative_prompt' | 'seed' | 'params' | 'cost_usd' | 'generation_ms' | 'project' | 'tags';

/** The columns of an `assets` row that come from the job that made the image (a sidecar's or the orchestrator's provenance). */
export function provenanceColumns(p: Pick<AssetRecordInput, ProvenanceColumnKeys>): Pick<AssetRecordInput, ProvenanceColumnKeys> {
  return {
    job_id: p.job_id,
    attempt_id: p.attempt_id,
    batch_id: p.batch_id,
    image_index: p.image_index,
    backend: p.backend,
    model: p.model,
    prompt: p.prompt,
    negative_prompt: p.negative_prompt,
    seed: p.seed,
    params: p.params,
    cost_usd: p.cost_usd,
    generation_ms: p.generation_ms,
    project: p.project,
    tags: p.tags,
  };
}

/** The sidecar a row would have had: used to rewrite a lost sidecar during repair. */
export function sidecarFromRecord(record: AssetRecordInput): AssetSidecar {
  return {
    version: 1,
    sha256: record.sha256,
    file: record.rel_path,
    thumbnail: record.thumb_rel_path,
    mime: record.mime as AssetSidecar['mime'],
    width: record.width,
    height: record.height,
    bytes: record.bytes,
    phash: record.phash,
    source: record.source,
    created_at: record.created_at,
    provenance: {
      job_id: record.job_id,
      attempt_id: record.attempt_id,
      batch_id: record.batch_id,
      image_index: record.image_index,
      image_count: null,
      backend: record.backend,
      model: record.model,
      prompt: record.prompt,
      negative_prompt: record.negative_prompt,
      seed: record.seed,
      params: JSON.parse(JSON.stringify(record.params ?? {})) as AssetProvenance['params'],
      cost_usd: record.cost_usd,
      generation_ms: record.generation_ms,
      project: record.project,
      tags: record.tags,
    },
  };
}

export function sidecarRelPath(sha256: string): string {
  return `assets/metadata/${sha256.slice(0, 2)}/${sha256}.json`;
}

function toAssetProvenance(p: OutputProvenance): AssetProvenance {
  return {
    job_id: p.job_id,
    attempt_id: p.attempt_id,
    batch_id: p.batch_id,
    image_index: p.image_index,
    image_count: p.image_count,
    backend: p.backend,
    model: p.model,
    prompt: p.prompt,
    negative_prompt: p.negative_prompt,
    seed: p.seed,
    params: JSON.parse(JSON.stringify(p.params)) as AssetProvenance['params'],
    cost_usd: p.cost_usd,
    generation_ms: p.generation_ms,
    project: p.project,
    tags: p.tags,
  };
}

function recordFromStored(stored: StoredAssetFile, provenance: AssetProvenance): AssetRecordInput {
  return recordFromSidecar({
    version: 1,
    sha256: stored.sha256,
    file: stored.relPath,
    thumbnail: stored.thumbRelPath,
    mime: stored.mime as AssetSidecar['mime'],
    width: stored.width,
    height: stored.height,
    bytes: stored.bytes,
    phash: stored.phash === '' ? null : stored.phash,
    source: 'generated',
    created_at: stored.created_at,
    provenance,
  });
}

/** The orchestrator's output sink: files first (image, thumbnail, sidecar), then the row to index. */
export function assetSink(files: AssetFiles): OutputSink {
  return {
    async store(image: GeneratedImage, provenance: OutputProvenance): Promise<AssetRecordInput> {
      const assetProvenance = toAssetProvenance(provenance);
      const stored = await files.store(image, assetProvenance);
      return recordFromStored(stored, assetProvenance);
    },
  };
}
