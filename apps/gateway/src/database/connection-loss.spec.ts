import { QueryFailedError } from 'typeorm';
import { isConnectionLoss, isTransactionConflict } from './connection-loss';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isConnectionLoss', () => {
  it('recognises a database that cannot be reached', () => {
    const lost = [
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      pgError('08006'),
      pgError('08P01'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('53300', 'sorry, too many clients already'),
      pgError('25006', 'cannot execute INSERT in a read-only transaction'),
      pgError('08001', 'no database host serves a read-write session: 127.0.0.1:5461 ECONNREFUSED'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new QueryFailedError('INSERT INTO person VALUES ($1)', ['a name'], pgError('57P01')),
      Object.assign(new Error('wrapped'), { cause: pgError('ECONNRESET') }),
    ];
    expect(lost.filter((e) => !isConnectionLoss(e))).toEqual([]);
  });

  it('leaves every other error to be a 500', () => {
    const others = [
      pgError('23505'),
      pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
      new QueryFailedError('SELECT 1', [], pgError('22007')),
      new TypeError('x is undefined'),
      'Connection terminated',
      null,
    ];
    expect(others.filter((e) => isConnectionLoss(e))).toEqual([]);
  });
});

describe('isTransactionConflict', () => {
  it('recognises a transaction the server undid for another one, and nothing else', () => {
    const undone = [pgError('40001'), new QueryFailedError('UPDATE x', [], pgError('40P01'))];
    expect(undone.filter((e) => !isTransactionConflict(e))).toEqual([]);
    expect([pgError('23505'), pgError('57P01'), new Error('40001')].filter((e) => isTransactionConflict(e))).toEqual([]);
  });
});
