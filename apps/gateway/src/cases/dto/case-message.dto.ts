import { IsAddress } from '@trm/wire';
import { IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';
import { CASE_MESSAGE_TYPES, CaseMessageType } from '../case-states';

/**
 * What people send on a case: everything but the request that opens it (POST /v1/handovers) and purge.confirmed,
 * which the node sends by itself once it has purged.
 */
export const SENDABLE_TYPES = CASE_MESSAGE_TYPES.filter(
  (t): t is Exclude<CaseMessageType, 'handover.request' | 'purge.confirmed'> => t !== 'handover.request' && t !== 'purge.confirmed',
);

export type SendableType = (typeof SENDABLE_TYPES)[number];

/** POST /v1/cases/:caseRef/messages: a coded message of section 7 for the case's partner. */
export class SendCaseMessageDto {
  @IsIn(SENDABLE_TYPES)
  type!: (typeof SENDABLE_TYPES)[number];

  /** The body of the type, exactly as in docs/asyncapi.yaml; checked like the partner will check it. */
  @IsObject()
  body!: Record<string, unknown>;

  /**
   * The role of this node sending it, one the caller holds; default: the role responsible for the case, else the
   * caller's role in the case, else the role of theirs its work waits with (a vacant role's fallback).
   */
  @IsOptional()
  @IsAddress()
  sender?: string;

  /** The partner's role; default: the partner's role for the case. */
  @IsOptional()
  @IsAddress()
  recipient?: string;

  /**
   * A message of the case this one answers. Default: for handover.accepted/declined the request, for info.response
   * the oldest info.request still unanswered.
   */
  @IsOptional()
  @IsUUID()
  inReplyTo?: string;
}

export class AddParticipantDto {
  @IsAddress()
  role!: string;
}
