import { EncryptionKey, importKey, openSealed } from '@trm/wire';
import { base64Forms } from './canaries';
import { TestNetwork } from './network';

const COMPACT = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?/g;

/**
 * Looks through every column of every table of a node's schema (the audit log included) for what must be gone: a
 * canary in clear or in base64, one of the `secrets` (JWS and JWE seen before a purge), or a canary inside any JWS
 * (decoded) or JWE (decrypted with any node's keys) a row holds.
 */
export class LeakScanner {
  private readonly forbidden: string[];

  constructor(
    private readonly net: TestNetwork,
    private readonly nodes: readonly string[],
    private readonly canaries: readonly string[],
  ) {
    this.forbidden = [...new Set(canaries.flatMap((c) => [c, c.toLowerCase(), JSON.stringify(c).slice(1, -1), ...base64Forms(c)]))].filter(
      (f) => f.length >= 6,
    );
  }

  /** The tables of `node` holding anything of the canaries or secrets, with what each holds. */
  async scan(node: string, secrets: string[]): Promise<Array<{ table: string; found: string[] }>> {
    const out: Array<{ table: string; found: string[] }> = [];
    for (const row of await this.everyRow(node)) {
      const found = await this.leaks(row.text, secrets);
      if (found.length) out.push({ table: row.table, found });
    }
    return out;
  }

  /** Every row of every table of the node's schema, as JSON text. */
  private async everyRow(node: string): Promise<Array<{ table: string; text: string }>> {
    const tables = await this.net.sql<{ table_name: string }>(
      node,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['audit_entry', 'case_file', 'inbound_message', 'outbound_message', 'expectation', 'timeline_event']),
    );
    const out: Array<{ table: string; text: string }> = [];
    for (const { table_name } of tables) {
      for (const r of await this.net.sql<{ text: string }>(node, `SELECT to_jsonb(t)::text AS text FROM "${table_name}" t`))
        out.push({ table: table_name, text: r.text });
    }
    return out;
  }

  /** Every node's private encryption keys: whatever sealed part is left, one of them could open it. */
  private decryptionKeys(): EncryptionKey[] {
    return this.nodes.flatMap((n) =>
      this.net
        .node(n)
        .keys.privateJwks.keys.filter((k) => k.use === 'enc')
        .map((k) => ({ kid: k.kid, key: importKey(k) })),
    );
  }

  private async leaks(text: string, secrets: string[]): Promise<string[]> {
    const found: string[] = [];
    const lower = text.toLowerCase();
    for (const f of this.forbidden) if (text.includes(f) || (f === f.toLowerCase() && lower.includes(f))) found.push(`canary ${f}`);
    for (const s of secrets) if (text.includes(s)) found.push(`secret ${s.slice(0, 24)}…`);
    const keys = this.decryptionKeys();
    const look = async (token: string, depth: number): Promise<void> => {
      const parts = token.split('.');
      if (parts.length === 5) {
        const opened = await openSealed(token, keys);
        if (opened.ok) for (const c of this.canaries) if (JSON.stringify(opened.data).includes(c)) found.push(`canary ${c} in a JWE`);
        return;
      }
      let payload: string;
      try {
        payload = Buffer.from(parts[1], 'base64url').toString('utf8');
      } catch {
        return;
      }
      for (const c of this.canaries) if (payload.includes(c)) found.push(`canary ${c} in a JWS`);
      if (depth < 2) for (const inner of payload.match(COMPACT) ?? []) await look(inner, depth + 1);
    };
    for (const token of text.match(COMPACT) ?? []) await look(token, 0);
    return found;
  }
}
