import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { RegistryModule } from '../registry/registry.module';
import { AccessGuard } from './access.guard';
import { AuthService } from './auth.service';

/** Who is calling the HTTP API, and whether they may. */
@Module({
  imports: [RegistryModule, AuditModule],
  providers: [AuthService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService],
})
export class AuthModule {}
