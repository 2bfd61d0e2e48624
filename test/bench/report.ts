import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendId } from '../../shared/domain/config';
import type { CredentialSource } from '../../main/core/ports';

/** One measured figure, printed as one row of the table. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≥ 20,000 jobs/s". */
  target: string;
  pass: boolean;
  /** Extra context printed under the table (how it was measured, secondary numbers). */
  notes?: string[];
}

export type Bench = () => Promise<BenchResult | BenchResult[]>;

/** Runs `fn` with a fresh folder under the OS temp dir, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `apex-bench-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The backend the benchmarks plug their fakes in as. */
export const BENCH_BACKEND = 'sdxl' satisfies BackendId;

/**
 * A key for the bench backend only (the loopback fakes ignore it; the pool only needs to see one). The
 * real provider clients get none, so the cascade never tries to reach the internet.
 */
export const benchCredentials: CredentialSource = {
  has: (backend: BackendId) => Promise.resolve(backend === BENCH_BACKEND),
  get: (backend: BackendId) => Promise.resolve(backend === BENCH_BACKEND ? 'bench-key' : null),
};

export function elapsedMs(startedAt: number): number {
  return performance.now() - startedAt;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `worker` over `items` with at most `concurrency` in flight. */
export async function mapConcurrent<T>(items: readonly T[], concurrency: number, worker: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await worker(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** Formats a number with thousands separators and a sensible number of decimals. */
export function formatNumber(value: number): string {
  const decimals = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function formatTable(results: readonly BenchResult[]): string {
  const header = ['#', 'Figure', 'Measured', 'Target', 'Result'];
  const rows = results.map((r, i) => [String(i + 1), r.name, `${formatNumber(r.value)} ${r.unit}`, r.target, r.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => row[col]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, col) => (col === 2 ? c.padStart(widths[col]!) : c.padEnd(widths[col]!))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const out = [line(header), rule, ...rows.map(line)];
  const notes = results.flatMap((r, i) => (r.notes ?? []).map((n) => `  [${i + 1}] ${n}`));
  if (notes.length > 0) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}
