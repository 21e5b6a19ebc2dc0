import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MessageLogModule } from '../message-log/message-log.module';
import { AttentionJob } from './attention-job';
import { DirectoryController } from './directory.controller';
import { DirectoryPublisher } from './directory-publisher';
import { DirectoryService } from './directory.service';
import { LookupService } from './lookup.service';
import { PartnerDirectories } from './partner-directories';
import { NotificationsModule } from '../notifications/notifications.module';
import { RegistryModule } from '../registry/registry.module';

/** The contact-point registry's life: the REST API, publishing to partners, applying what partners publish. */
@Module({
  imports: [RegistryModule, MessageLogModule, AuditModule, NotificationsModule],
  controllers: [DirectoryController],
  providers: [DirectoryService, DirectoryPublisher, PartnerDirectories, LookupService, AttentionJob],
  exports: [PartnerDirectories],
})
export class DirectoryModule {}
