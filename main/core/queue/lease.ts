import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Db } from '../db/connection';

/** A lease older than this is free even if its process might still exist somewhere (another host). */
export const LEASE_TTL_MS = 15_000;
export const LEASE_HEARTBEAT_MS = 5_000;

const LeaseRow = z.object({ owner: z.string(), pid: z.number().int(), host: z.string(), heartbeat_at: z.number() });
type LeaseRow = z.infer<typeof LeaseRow>;

/**
 * One orchestrator per library (DESIGN §3): a lease row with pid and heartbeat. A second process may
 * read and submit, but only the holder dispatches. A holder that died on this machine is detected at
 * once by its pid, so a restart after a crash does not wait for the TTL.
 */
export class OrchestratorLease {
  readonly owner = randomUUID();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes the lease if it is free, expired or held by a dead local process; returns the holder otherwise. */
  acquire(): { acquired: true } | { acquired: false; holder: LeaseRow } {
    const result = this.db.transaction(() => {
      const current = this.read();
      if (current && current.owner !== this.owner && !this.isStale(current)) return { acquired: false as const, holder: current };
      this.write();
      return { acquired: true as const };
    }).immediate();
    if (result.acquired && !this.timer) {
      this.timer = setInterval(() => this.heartbeat(), LEASE_HEARTBEAT_MS);
      this.timer.unref();
    }
    return result;
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.db.open) return;
    this.db.prepare("DELETE FROM meta WHERE key = 'orchestrator_lease' AND json_extract(value, '$.owner') = ?").run(this.owner);
  }

  holder(): LeaseRow | null {
    const current = this.read();
    return current && !this.isStale(current) ? current : null;
  }

  private heartbeat(): void {
    if (!this.db.open) return;
    const current = this.read();
    if (current?.owner === this.owner) this.write();
  }

  private read(): LeaseRow | null {
    const row = this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'orchestrator_lease'").get();
    if (!row) return null;
    const parsed = LeaseRow.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : null;
  }

  private write(): void {
    const value: LeaseRow = { owner: this.owner, pid: process.pid, host: hostname(), heartbeat_at: this.clock() };
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('orchestrator_lease', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify(value));
  }

  private isStale(lease: LeaseRow): boolean {
    if (this.clock() - lease.heartbeat_at > LEASE_TTL_MS) return true;
    if (lease.host !== hostname()) return false;
    if (lease.pid === process.pid) return false;
    try {
      process.kill(lease.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
