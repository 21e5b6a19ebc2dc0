import { APP_ROLES, AppRole } from '../../http/principal';
import { ApiProperty } from '@nestjs/swagger';

/** What the web console needs before anyone signs in: which node it is, and where and as whom to sign in. */
export class ConsoleSettings {
  /** This node's id, e.g. AT. */
  node!: string;
  /** The OpenID Connect issuer the console signs in at (its discovery document is `<authority>/.well-known/openid-configuration`). */
  authority!: string;
  /** The OpenID client the console is registered as at the identity provider. */
  clientId!: string;
  /** The scopes the console asks for (space-separated). */
  scope!: string;
}

/** The signed-in caller as this node sees them: what the console shows and offers follows from this. */
export class Me {
  /** The token's `sub`: for staff, their person id in this node's registry. */
  subject!: string;
  @ApiProperty({ enum: APP_ROLES, isArray: true })
  roles!: AppRole[];
  /** The organisation an administrator looks after; null: every organisation of the node. */
  organisation!: string | null;
  /** Contact-point roles the caller holds or deputises now. */
  holds!: string[];
  /** Roles whose work waits with one the caller holds: vacant roles whose fallback it is, retired roles whose successor it is. */
  covers!: string[];
  /** This node's id. */
  node!: string;
}
