import { LIBRARY_LIMITS } from '../../../shared/domain/assets';
import type { Db } from '../db/connection';
import { withFtsHeld } from './fts-hold';

/** Control characters never make it into a tag or project name (shared/domain/assets.ts says the same). */
const CONTROL = /\p{Cc}/u;

/** A job's project or tag as a library name: trimmed, inner whitespace collapsed; null when unusable. */
export function libraryName(raw: string, max: number): string | null {
  const name = raw.trim().replace(/\s+/gu, ' ');
  return name.length >= 1 && name.length <= max && !CONTROL.test(name) ? name : null;
}

/**
 * Files a newly indexed image under the project and tags its job was submitted with (or its sidecar
 * names), creating them when new; names match case-insensitively. Its full-text row is rewritten once
 * at the end. Called by AssetIndex.upsert for every new row: generation, import, repair, rebuild.
 */
export function fileUnderJobOrganisation(db: Db, assetId: number, project: string | null, tags: readonly string[], at: number): void {
  const projectName = project === null ? null : libraryName(project, LIBRARY_LIMITS.projectChars);
  const tagNames = tags.flatMap((tag) => libraryName(tag, LIBRARY_LIMITS.tagChars) ?? []);
  if (projectName === null && tagNames.length === 0) return;
  db.transaction(() =>
    withFtsHeld(db, [assetId], () => {
      if (projectName !== null) {
        db.prepare('INSERT INTO projects (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(projectName, at);
        db.prepare('INSERT INTO asset_projects (asset_id, project_id, added_at) SELECT ?, id, ? FROM projects WHERE name = ? ON CONFLICT DO NOTHING').run(assetId, at, projectName);
      }
      const insertTag = db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
      const link = db.prepare('INSERT INTO asset_tags (asset_id, tag_id) SELECT ?, id FROM tags WHERE name = ? ON CONFLICT DO NOTHING');
      for (const name of tagNames) {
        insertTag.run(name, at);
        link.run(assetId, name);
      }
    }),
  )();
}
