import { Module } from '@nestjs/common';
import { AcknowledgementModule } from '../acknowledgement/acknowledgement.module';
import { AuditModule } from '../audit/audit.module';
import { EnvelopeModule } from '../envelope/envelope.module';
import { AttentionJob } from './attention-job';
import { DirectoryController } from './directory.controller';
import { DirectoryPublisher } from './directory-publisher';
import { DirectoryService } from './directory.service';
import { LookupService } from './lookup.service';
import { PartnerDirectories } from './partner-directories';
import { RegistryModule } from '../registry/registry.module';

/** The contact-point registry's life: the REST API, publishing to partners, applying what partners publish. */
@Module({
  imports: [RegistryModule, EnvelopeModule, AcknowledgementModule, AuditModule],
  controllers: [DirectoryController],
  providers: [DirectoryService, DirectoryPublisher, PartnerDirectories, LookupService, AttentionJob],
})
export class DirectoryModule {}
