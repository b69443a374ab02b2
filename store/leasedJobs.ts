import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../core/logger';
import type { LeaseStore } from './store';

interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

export interface LeasedJobsOptions {
  /** How long a lease lasts without renewal, milliseconds: how long a dead holder's jobs wait for another instance. */
  ttlMs: number;
  log: Logger;
  /** This process's name as a holder; unique per process by default. */
  holder?: string;
}

/**
 * Periodic jobs that run once across every instance on the store (docs/adr/0006). Each instance ticks every job on
 * its own timer; a tick runs the job only when this instance holds (or can take) the job's lease, so one holder runs
 * it at a time. The holder renews its leases every third of the TTL while it lives; when it dies, the lease expires
 * and the next tick of another instance takes it over. A graceful stop releases the leases at once.
 *
 * A holder paused longer than the TTL (a stopped VM) may overlap for one run with its successor: the jobs are safe
 * to run twice (compare-and-set writes, idempotent deletions, at-least-once deliveries).
 */
export class LeasedJobs {
  readonly holder: string;
  private readonly jobs = new Map<string, Job>();
  private readonly held = new Set<string>();
  /** When each held lease was last taken or renewed (this process's clock, milliseconds). */
  private readonly renewedAt = new Map<string, number>();
  private renewTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly leases: LeaseStore,
    private readonly options: LeasedJobsOptions,
  ) {
    this.holder = options.holder ?? `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  }

  /**
   * Runs `run` every `everyMs` on whichever instance holds the lease `name`; `atStart` also ticks it at once (the
   * store's repair after a crash should not wait for the first period).
   */
  every(name: string, everyMs: number, run: () => Promise<unknown>, options?: { atStart?: boolean }): void {
    const job: Job = { name, everyMs, run };
    this.jobs.set(name, job);
    job.timer = setInterval(() => void this.tick(job), everyMs);
    job.timer.unref();
    if (options?.atStart) void this.tick(job);
    if (!this.renewTimer) {
      this.renewTimer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.options.ttlMs / 3)));
      this.renewTimer.unref();
    }
  }

  /** Runs a job now if this instance holds its lease (a webhook just queued: deliver without waiting for the tick). */
  kick(name: string): void {
    const job = this.jobs.get(name);
    if (job && this.held.has(name)) void this.tick(job);
  }

  /** Whether this instance held the lease at its last tick or renewal. */
  holds(name: string): boolean {
    return this.held.has(name);
  }

  private async tick(job: Job): Promise<void> {
    if (this.stopped || job.running) return;
    const run = (async () => {
      if (!(await this.take(job.name))) return;
      this.options.log.debug({ job: job.name, holder: this.holder }, 'job ran');
      await job.run();
    })()
      .catch((err: unknown) => this.options.log.warn({ err, job: job.name }, 'job failed'))
      .finally(() => (job.running = undefined));
    job.running = run;
    await run;
  }

  /**
   * Takes or renews the lease. A tick within a third of the TTL of the last renewal needs no write: the lease is
   * valid for two thirds of a TTL more, and the renewal timer renews it before then.
   */
  private async take(name: string, renewing = false): Promise<boolean> {
    const last = this.renewedAt.get(name);
    if (!renewing && last !== undefined && this.held.has(name) && Date.now() - last < this.options.ttlMs / 3) return true;
    const at = Date.now();
    const ok = await this.leases.acquireLease(name, this.holder, this.options.ttlMs, at);
    if (ok && !this.held.has(name)) this.options.log.info({ job: name, holder: this.holder }, 'job lease taken');
    if (ok) {
      this.held.add(name);
      this.renewedAt.set(name, at);
    } else {
      this.held.delete(name);
      this.renewedAt.delete(name);
    }
    return ok;
  }

  private async renew(): Promise<void> {
    for (const name of [...this.held]) {
      if (this.stopped) return;
      await this.take(name, true).catch((err: unknown) => {
        // The store did not answer: this instance can no longer be sure it holds the lease.
        this.held.delete(name);
        this.renewedAt.delete(name);
        this.options.log.warn({ err, job: name }, 'job lease not renewed');
      });
    }
  }

  /** Stops ticking, waits for runs under way, and releases the leases held so another instance takes them at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.renewTimer);
    for (const job of this.jobs.values()) clearInterval(job.timer);
    await Promise.allSettled([...this.jobs.values()].flatMap((j) => (j.running ? [j.running] : [])));
    await Promise.allSettled([...this.held].map((name) => this.leases.releaseLease(name, this.holder)));
    this.held.clear();
  }
}
