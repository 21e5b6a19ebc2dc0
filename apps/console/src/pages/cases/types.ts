import type { Schemas } from '../../api/client';

// Names for unions the schema only has inline (as the element type of `CaseView.actions` and `SendCaseMessageDto.type`).

/** What a caller may do on a case now (`CaseView.actions`): send one of the message types, tell another role of this node, open the sealed details. */
export type CaseAction = Schemas['CaseView']['actions'][number];

/** The message types a person sends on a case (POST /v1/cases/:caseRef/messages). */
export type SendableType = Schemas['SendCaseMessageDto']['type'];
