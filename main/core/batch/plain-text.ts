import { JobInput, LIMITS } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';

/** Batch files larger than this are refused before reading them whole. */
export const MAX_BATCH_FILE_BYTES = 20 * 1024 * 1024;

export interface LineError {
  file: string;
  line: number;
  field: string;
  reason: string;
}

/**
 * A plain text batch: one prompt per line, `#` starts a comment line, blank lines are skipped.
 * UTF-8 with or without BOM, LF or CRLF. Every bad line is reported with its number; nothing is returned
 * when any line is bad (the caller queues all or nothing).
 */
export function parsePlainTextBatch(text: string, file: string): JobInput[] {
  const jobs: JobInput[] = [];
  const errors: LineError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parsed = JobInput.safeParse({ prompt: line });
    if (parsed.success) jobs.push(parsed.data);
    else errors.push({ file, line: index + 1, field: 'prompt', reason: line.length > LIMITS.promptChars ? `longer than ${LIMITS.promptChars} characters` : (parsed.error.issues[0]?.message ?? 'invalid') });
  });
  if (errors.length > 0) {
    const first = errors[0]!;
    const listed = errors.slice(0, 10).map((e) => `${e.file}:${e.line}: ${e.field}: ${e.reason}`).join('\n');
    throw new AppError('INVALID_INPUT', `${errors.length} bad line(s), nothing was queued:\n${listed}${errors.length > 10 ? `\n…and ${errors.length - 10} more` : ''}`, {
      file: first.file,
      line: first.line,
      field: first.field,
      errors: errors.length,
    });
  }
  if (jobs.length === 0) throw new AppError('INVALID_INPUT', `${file} has no prompts (blank lines and # comments are skipped).`, { file, line: null, field: 'prompt' });
  if (jobs.length > LIMITS.jobsPerBatch) throw new AppError('INVALID_INPUT', `${file} has ${jobs.length} prompts; one batch takes at most ${LIMITS.jobsPerBatch}.`, { file, field: 'prompt' });
  return jobs;
}
