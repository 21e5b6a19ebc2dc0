import { SetMetadata, applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AppRole, Principal } from './principal';

export const ACCESS = 'trm:access';

/**
 * The application roles that may call an endpoint at all; finer limits (own roles, own organisation) are the service's.
 * The OpenAPI document says so: the endpoint needs a bearer token.
 */
export const Allow = (...roles: AppRole[]) => applyDecorators(SetMetadata(ACCESS, roles), ApiBearerAuth());

/** An endpoint anyone may call without a token (health, the OpenAPI document). */
export const Public = () => SetMetadata(ACCESS, 'public');

/** The authenticated caller, for services that limit what a role sees. */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
