import type { JobStatus } from '../../shared/domain/jobs';

export interface ProgressCounts {
  total: number;
  counts: Record<JobStatus, number>;
  cost_usd: number;
  started: number;
}

/**
 * One self-rewriting line on stderr while a batch runs (only on a TTY; nothing when piped), e.g.
 * `[██████░░░░░░] 120/200  ✓118 ✗2 ⊘0  ETA 0:42  $1.23`.
 */
export function createProgressLine(stream: NodeJS.WriteStream = process.stderr) {
  const enabled = stream.isTTY === true;
  let last = '';
  return {
    update(progress: ProgressCounts): void {
      if (!enabled) return;
      const { counts, total } = progress;
      const done = counts.succeeded + counts.failed + counts.canceled;
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const elapsed = (Date.now() - progress.started) / 1000;
      const eta = done === 0 || done >= total ? null : (elapsed / done) * (total - done);
      const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}  ✓${counts.succeeded} ✗${counts.failed} ⊘${counts.canceled}  ${counts.running} running  ETA ${eta === null ? '—' : clock(eta)}  $${progress.cost_usd.toFixed(2)}`;
      if (line === last) return;
      last = line;
      stream.write(`\r\x1b[2K${line}`);
    },
    finish(): void {
      if (enabled && last !== '') stream.write('\n');
    },
  };
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
