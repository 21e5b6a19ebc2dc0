import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryRepository } from './directory.repository';
import { Assignment, Organisation, PartnerDirectory, PartnerKey, Person, RegistryPublication, Role, RoleLink, RoleTransfer } from './entities';
import { PartnerDirectoryRepository } from './partner-directory.repository';
import { RegistryService } from './registry.service';
import { RoleWorkSources } from './role-work';

/** The registry as the message path reads it: published addresses, routing to fallbacks and successors, partner keys. */
@Module({
  imports: [TypeOrmModule.forFeature([Organisation, Role, Person, Assignment, RoleTransfer, RoleLink, RegistryPublication, PartnerDirectory, PartnerKey])],
  providers: [RegistryService, DirectoryRepository, PartnerDirectoryRepository, RoleWorkSources],
  exports: [RegistryService, DirectoryRepository, PartnerDirectoryRepository, RoleWorkSources],
})
export class RegistryModule {}
