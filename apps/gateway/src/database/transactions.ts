import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** Lets a service group several repository calls into one transaction without touching the database itself. */
@Injectable()
export class Transactions implements EntitySubscriberInterface {
  private readonly afterCommits = new WeakMap<QueryRunner, Array<() => void>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
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
