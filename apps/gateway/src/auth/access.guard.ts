import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS } from '../http/access.decorator';
import { AuthService } from './auth.service';
import { AppRole } from '../http/principal';

/**
 * Every HTTP endpoint states who may call it (`@Allow(...)` or `@Public()`); one without a rule is closed to all.
 * AMQP deliveries do not pass here: they are checked by the receiving rules.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AppRole[] | 'public' | undefined>(ACCESS, [ctx.getHandler(), ctx.getClass()]);
    if (rule === 'public') return true;
    if (!rule) {
      this.logger.error(`${ctx.getClass().name}.${ctx.getHandler().name} has no access rule`);
      throw new ForbiddenException('this endpoint has no access rule');
    }
    const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: unknown }>();
    const principal = await this.auth.authenticate(request.headers.authorization);
    // The caller acts here in the roles the endpoint admits only: a role it does not admit grants nothing here.
    const roles = principal.roles.filter((r) => rule.includes(r));
    if (!roles.length) throw new ForbiddenException(`this needs one of the roles ${rule.join(', ')}`);
    request.principal = { ...principal, roles };
    return true;
  }
}
