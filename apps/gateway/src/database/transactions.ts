import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { isConnectionLoss, isTransactionConflict } from './connection-loss';

/** The pauses before a transaction is tried again (see `run`): a switchover or a conflict usually passes in this time. */
const RETRY_PAUSES_MS = [100, 500];

/** Lets a service group several repository calls into one transaction without touching the database itself. */
@Injectable()
export class Transactions implements EntitySubscriberInterface {
  private readonly afterCommits = new WeakMap<QueryRunner, Array<() => void>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  /**
   * Runs `work` in one transaction. What the server undid (serialization failure, deadlock) runs again, and so does
   * what a lost connection ended before COMMIT was sent — a primary switchover: nothing of it was committed. A
   * connection lost during COMMIT leaves unknown whether it committed, so that is not tried again. `work` touches
   * the database only through `tx` (what follows the commit goes to `afterCommit`), so running it again is safe.
   */
  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const runner = this.dataSource.createQueryRunner();
      let committing = false;
      try {
        await runner.startTransaction();
        const result = await work(runner.manager);
        committing = true;
        await runner.commitTransaction();
        return result;
      } catch (err) {
        await runner.rollbackTransaction().catch(() => undefined); // as TypeORM's own: the first error is the one
        const again = isTransactionConflict(err) || (!committing && isConnectionLoss(err));
        if (!again || attempt >= RETRY_PAUSES_MS.length) throw err;
      } finally {
        await runner.release();
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSES_MS[attempt]));
    }
  }

  /**
   * Runs `then` once the transaction of `tx` has committed (however it was started), never if it rolls back. Outside
   * a transaction what `tx` wrote is committed already: `then` runs at once.
   */
  afterCommit(tx: EntityManager, then: () => void): void {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) return then();
    this.afterCommits.set(runner, [...(this.afterCommits.get(runner) ?? []), then]);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    if (queryRunner.isTransactionActive) return; // a savepoint released; the transaction goes on
    const waiting = this.afterCommits.get(queryRunner) ?? [];
    this.afterCommits.delete(queryRunner);
    for (const then of waiting) then();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) this.afterCommits.delete(queryRunner);
  }
}
