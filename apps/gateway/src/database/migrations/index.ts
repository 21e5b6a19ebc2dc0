import { MessageLog1763800000000 } from './1763800000000-message-log';
import { Directory1763900000000 } from './1763900000000-directory';
import { Cases1764000000000 } from './1764000000000-cases';
import { OutboxOrder1764050000000 } from './1764050000000-outbox-order';
import { Audit1764100000000 } from './1764100000000-audit';
import { Privacy1764200000000 } from './1764200000000-privacy';
import { Retention1764300000000 } from './1764300000000-retention';
import { AuditedMessages1764400000000 } from './1764400000000-audited-messages';
import { MessageLogIndexes1764500000000 } from './1764500000000-message-log-indexes';
import { KeysetPaging1764620000000 } from './1764620000000-keyset-paging';
import { RoleLinks1764700000000 } from './1764700000000-role-links';
import { StaffPhone1764710000000 } from './1764710000000-staff-phone';
import { StaffOrganisation1764730000000 } from './1764730000000-staff-organisation';
import { WithdrawalEvidence1764760000000 } from './1764760000000-withdrawal-evidence';
import { Notices1764800000000 } from './1764800000000-notices';
import { JobTurns1764900000000 } from './1764900000000-job-turns';
import { TraceContext1764930000000 } from './1764930000000-trace-context';

/** In order of creation. Schema changes only ever go through a new migration. */
export const MIGRATIONS = [
  MessageLog1763800000000,
  Directory1763900000000,
  Cases1764000000000,
  OutboxOrder1764050000000,
  Audit1764100000000,
  Privacy1764200000000,
  Retention1764300000000,
  AuditedMessages1764400000000,
  MessageLogIndexes1764500000000,
  KeysetPaging1764620000000,
  RoleLinks1764700000000,
  StaffPhone1764710000000,
  StaffOrganisation1764730000000,
  WithdrawalEvidence1764760000000,
  Notices1764800000000,
  JobTurns1764900000000,
  TraceContext1764930000000,
];
