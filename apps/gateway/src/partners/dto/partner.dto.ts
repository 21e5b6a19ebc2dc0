import { ApiProperty } from '@nestjs/swagger';
import { LINK_REASONS, LinkReason } from '../../amqp/broker-connection';

/** The link to a partner's broker: up (it takes our messages), down (unreachable or not confirming), idle (not needed yet). */
export class PartnerLinkState {
  @ApiProperty({ enum: ['up', 'down', 'idle'] })
  state!: 'up' | 'down' | 'idle';
  /** When the link became so (this process's view; null while idle). */
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  since!: string | null;
  /**
   * Why the link is down, null otherwise: a TLS problem (the partner broker's certificate not from the pinned CA,
   * expired, or not naming the host; our client certificate missing, refused or expired; another handshake failure),
   * the login refused, the broker unreachable, or publishes not confirmed. The gateway's log says it in full.
   */
  @ApiProperty({ enum: LINK_REASONS, nullable: true })
  reason!: LinkReason | null;
}

/** The partner's directory as this node holds it (from its latest registry.update). */
export class PartnerDirectoryHeld {
  version!: number;
  issuedAt!: string;
  receivedAt!: string;
}

/** One partner node as this node sees it. */
export class PartnerStatus {
  node!: string;
  @ApiProperty({ type: PartnerLinkState })
  link!: PartnerLinkState;
  /** When the latest receipt from the partner arrived; null when none did. */
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  lastReceiptAt!: string | null;
  /** Messages to the partner not yet delivered: queued, or sent and waiting for its receipt. */
  waiting!: number;
  /** Null until the partner's first registry.update arrived. */
  @ApiProperty({ type: PartnerDirectoryHeld, nullable: true })
  directory!: PartnerDirectoryHeld | null;
}

export class PartnerList {
  @ApiProperty({ type: PartnerStatus, isArray: true })
  items!: PartnerStatus[];
}
