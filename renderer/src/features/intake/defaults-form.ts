import type { BatchDefaults } from '../../../../shared/domain/batch';
import { BACKEND_IDS, type BackendId } from '../../../../shared/domain/config';
import { LIMITS, type JobParamsInput } from '../../../../shared/domain/jobs';

/**
 * The settings a whole batch (or the prompt bar's one job) can be given, as the form holds them (strings,
 * '' for "not set"), and their translation to the contract's shape. A row's own value wins over them.
 */
export interface DefaultsForm {
  project: string;
  /** Comma- or semicolon-separated, as in a batch file's tags column. */
  tags: string;
  /** '' is the cascade (auto). */
  backend: '' | BackendId;
  /** '' leaves each row's own priority (or the default, 3). */
  priority: '' | '1' | '2' | '3' | '4' | '5';
  /** A SIZE_PRESETS id; '' keeps each backend's default size. */
  size: string;
}

export const EMPTY_DEFAULTS_FORM: DefaultsForm = { project: '', tags: '', backend: '', priority: '', size: '' };

export interface SizePreset {
  id: string;
  label: string;
  params: Pick<JobParamsInput, 'width' | 'height' | 'aspect_ratio'>;
}

/** Aspect ratios every image service here offers, and the common SDXL sizes. */
export const SIZE_PRESETS: readonly SizePreset[] = [
  { id: '1:1', label: 'Square (1:1)', params: { aspect_ratio: '1:1' } },
  { id: '16:9', label: 'Wide (16:9)', params: { aspect_ratio: '16:9' } },
  { id: '9:16', label: 'Tall (9:16)', params: { aspect_ratio: '9:16' } },
  { id: '4:3', label: 'Landscape (4:3)', params: { aspect_ratio: '4:3' } },
  { id: '3:4', label: 'Portrait (3:4)', params: { aspect_ratio: '3:4' } },
  { id: '512x512', label: '512 × 512', params: { width: 512, height: 512 } },
  { id: '768x768', label: '768 × 768', params: { width: 768, height: 768 } },
  { id: '1024x1024', label: '1024 × 1024', params: { width: 1024, height: 1024 } },
  { id: '1216x832', label: '1216 × 832', params: { width: 1216, height: 832 } },
  { id: '832x1216', label: '832 × 1216', params: { width: 832, height: 1216 } },
];

export const PRIORITY_LABELS: Record<DefaultsForm['priority'], string> = {
  '': 'As in the file',
  '1': '1 — lowest',
  '2': '2 — low',
  '3': '3 — normal',
  '4': '4 — high',
  '5': '5 — urgent',
};

export function sizeParams(id: string): SizePreset['params'] {
  return SIZE_PRESETS.find((preset) => preset.id === id)?.params ?? {};
}

export function isBackendId(value: string): value is BackendId {
  return (BACKEND_IDS as readonly string[]).includes(value);
}

/** Tags as the batch parser splits them: `;` or `,`, trimmed, empty ones dropped, duplicates once. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[;,]/)
    .map((tag) => tag.trim().slice(0, LIMITS.tagChars))
    .filter((tag) => tag !== '');
  return [...new Set(tags)].slice(0, LIMITS.tagsPerJob);
}

/** The form as batch defaults; undefined when nothing is set (the call then carries no defaults). */
export function defaultsFromForm(form: DefaultsForm): BatchDefaults | undefined {
  const defaults: BatchDefaults = {};
  const project = form.project.trim().slice(0, LIMITS.projectChars);
  if (project !== '') defaults.project = project;
  const tags = parseTags(form.tags);
  if (tags.length > 0) defaults.tags = tags;
  if (form.backend !== '') defaults.backend = form.backend;
  if (form.priority !== '') defaults.priority = Number(form.priority);
  const params = sizeParams(form.size);
  if (Object.keys(params).length > 0) defaults.params = { ...params };
  return Object.keys(defaults).length > 0 ? defaults : undefined;
}
