import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Turns } from '../clock/periodic';

/**
 * Whose turn it is to run a timed job, among the replicas of the node (table job_turn). Times are the database's: one
 * clock for every replica, whatever the machines' clocks say.
 */
@Injectable()
export class JobTurnRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The turns of `job`, for Periodic.start. */
  turnsOf(job: string): Turns {
    return { take: (everyMs) => this.take(job, everyMs), done: (everyMs) => this.done(job, everyMs), giveBack: () => this.giveBack(job) };
  }

  /**
   * Takes this interval's run of `job` when it is due (or has never run): true for exactly one of the replicas asking
   * at once. The run holds it for at most LEASE_MS: a replica killed in the middle of a run leaves the job to the others
   * that long, not a whole interval.
   */
  async take(job: string, everyMs: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO job_turn (job, next_run_at, last_run_at) VALUES ($1, now() + make_interval(secs => $2), now())
       ON CONFLICT (job) DO UPDATE SET next_run_at = EXCLUDED.next_run_at, last_run_at = EXCLUDED.last_run_at
       WHERE job_turn.next_run_at <= now()
       RETURNING job`,
      [job, Math.min(reserve(everyMs), LEASE_MS) / 1000],
    );
    return rows.length === 1;
  }

  /**
   * The run that took the turn ended: the job is next due `everyMs` after it began, less a tenth (at most a second), so
   * a timer firing a little early still finds it due.
   */
  async done(job: string, everyMs: number): Promise<void> {
    await this.dataSource.query(`UPDATE job_turn SET next_run_at = last_run_at + make_interval(secs => $2) WHERE job = $1`, [job, reserve(everyMs) / 1000]);
  }

  /** Makes `job` due again at once: the run that took its turn failed, so the next replica to look tries again. */
  async giveBack(job: string): Promise<void> {
    await this.dataSource.query(`UPDATE job_turn SET next_run_at = now() WHERE job = $1`, [job]);
  }
}

/** How long a run holds its turn before another replica may take the job up (the jobs tolerate overlapping runs). */
const LEASE_MS = 10 * 60_000;

const reserve = (everyMs: number) => everyMs - Math.min(everyMs / 10, 1_000);
