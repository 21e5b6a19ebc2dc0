import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RegistryUpdateBody } from '@trm/wire';
import { DataSource, EntityManager } from 'typeorm';
import { PartnerDirectory, PartnerKey, RegistryPublication } from './entities';

/** What partners published to us, and what we published to them. */
@Injectable()
export class PartnerDirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  all(): Promise<PartnerDirectory[]> {
    return this.dataSource.getRepository(PartnerDirectory).find({ order: { node: 'ASC' } });
  }

  /** Which version of each partner's directory this node holds, without the directories. */
  versions(): Promise<Array<Pick<PartnerDirectory, 'node' | 'version' | 'issuedAt' | 'receivedAt'>>> {
    return this.dataSource.getRepository(PartnerDirectory).find({ select: { node: true, version: true, issuedAt: true, receivedAt: true } });
  }

  keys(): Promise<PartnerKey[]> {
    return this.dataSource.getRepository(PartnerKey).find();
  }

  /** The partner's directory row, locked for the rest of the transaction (updates of one partner apply one at a time). */
  async lockedVersion(node: string, tx: EntityManager): Promise<number | null> {
    const rows: Array<{ version: number }> = await tx.query(`SELECT version FROM partner_directory WHERE node = $1 FOR UPDATE`, [node]);
    return rows[0]?.version ?? null;
  }

  async store(body: RegistryUpdateBody, messageId: string, receivedAt: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO partner_directory (node, version, issued_at, received_at, message_id, body) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (node) DO UPDATE SET version = $2, issued_at = $3, received_at = $4, message_id = $5, body = $6`,
      [body.node, body.version, new Date(body.issuedAt), receivedAt, messageId, JSON.stringify(body)],
    );
    for (const jwk of body.keys.keys) {
      await tx.query(
        `INSERT INTO partner_key (kid, node, jwk, version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kid) DO UPDATE SET jwk = $3, version = $4 WHERE partner_key.node = $2`,
        [jwk.kid, body.node, JSON.stringify(jwk), body.version],
      );
    }
  }

  latestPublication(tx?: EntityManager): Promise<RegistryPublication | null> {
    return (tx ?? this.dataSource.manager).getRepository(RegistryPublication).findOne({ where: {}, order: { version: 'DESC' } });
  }

  /** Version and date of the latest publication, without its body. */
  async latestVersion(): Promise<{ version: number; issuedAt: Date } | null> {
    const latest = await this.dataSource
      .getRepository(RegistryPublication)
      .findOne({ select: { version: true, issuedAt: true }, where: {}, order: { version: 'DESC' } });
    return latest ? { version: latest.version, issuedAt: latest.issuedAt } : null;
  }

  async publish(publication: RegistryPublication, tx: EntityManager): Promise<void> {
    await tx.query(`INSERT INTO registry_publication (version, issued_at, digest, body) VALUES ($1, $2, $3, $4)`, [
      publication.version,
      publication.issuedAt,
      publication.digest,
      JSON.stringify(publication.body),
    ]);
  }

  /** The highest registry version sent (or being sent) to each partner. */
  async versionsSent(tx: EntityManager): Promise<Map<string, number>> {
    const rows: Array<{ to_node: string; version: number }> = await tx.query(
      `SELECT to_node, max((envelope->'body'->>'version')::int) AS version FROM outbound_message
       WHERE type = 'registry.update' AND state <> 'undeliverable' GROUP BY to_node`,
    );
    return new Map(rows.map((r) => [r.to_node, r.version]));
  }
}
