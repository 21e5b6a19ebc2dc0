import { parseDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  it('gives each listed host a URL of its own, with every query parameter but target_session_attrs', () => {
    expect(parseDatabaseUrl('postgresql://trm:s%40cret@db1:5461,[::1]:5462,db3/trm?sslmode=require&target_session_attrs=read-write')).toEqual({
      targetSessionAttrs: 'read-write',
      hosts: [
        { host: 'db1', port: 5461, url: 'postgresql://trm:s%40cret@db1:5461/trm?sslmode=require' },
        { host: '::1', port: 5462, url: 'postgresql://trm:s%40cret@[::1]:5462/trm?sslmode=require' },
        { host: 'db3', port: 5432, url: 'postgresql://trm:s%40cret@db3:5432/trm?sslmode=require' },
      ],
    });
  });

  it('reads a URL of one host, or of none (a socket named by ?host=), as any', () => {
    expect(parseDatabaseUrl('postgres://127.0.0.1/db')).toEqual({
      targetSessionAttrs: 'any',
      hosts: [{ host: '127.0.0.1', port: 5432, url: 'postgres://127.0.0.1:5432/db' }],
    });
    expect(parseDatabaseUrl('postgres:///db?host=/run/postgresql').hosts).toEqual([{ host: '', port: 5432, url: 'postgres:///db?host=%2Frun%2Fpostgresql' }]);
  });

  it('names what is wrong', () => {
    const problem = (url: string) => {
      try {
        parseDatabaseUrl(url);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problem('http://db1/trm')).toBe('must be a postgres:// or postgresql:// URL');
    expect(problem('postgres://db1,,db2/trm')).toBe('lists an empty host');
    expect(problem('postgres://db1:99999/trm')).toBe('has a host "db1:99999" that is not host or host:port');
    expect(problem('postgres://db1/trm?target_session_attrs=prefer-standby')).toBe(
      'target_session_attrs must be one of any, read-write, primary (the gateway writes), not "prefer-standby"',
    );
  });
});
