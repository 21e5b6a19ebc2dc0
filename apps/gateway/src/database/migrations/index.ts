import { MessageLog1763800000000 } from './1763800000000-message-log';
import { Directory1763900000000 } from './1763900000000-directory';

/** In order of creation. Schema changes only ever go through a new migration. */
export const MIGRATIONS = [MessageLog1763800000000, Directory1763900000000];
