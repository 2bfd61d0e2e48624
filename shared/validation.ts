import type { z } from 'zod';

/** `['backends','sdxl','steps']` → `backends.sdxl.steps`; array indexes as `jobs[3].prompt`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export interface IssueSummary {
  path: string;
  reason: string;
}

export function summarizeIssues(error: z.ZodError): IssueSummary[] {
  return error.issues.flatMap((issue) =>
    // An unknown key is reported at its own path, so `orchestrator.max_concurent_jobs` is named, not `orchestrator`.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatIssuePath([...issue.path, key]), reason: 'unknown key (a typo?)' }))
      : [{ path: formatIssuePath(issue.path), reason: issue.message }],
  );
}

/** One line naming every bad field: `backends.sdxl.steps: Too big...; orchestrator.recovery: Invalid option...` */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const issues = summarizeIssues(error);
  const shown = issues.slice(0, limit).map((issue) => `${issue.path}: ${issue.reason}`);
  if (issues.length > limit) shown.push(`and ${issues.length - limit} more`);
  return shown.join('; ');
}
