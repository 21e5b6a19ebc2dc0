import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryModule } from '../registry/registry.module';
import { MailSender } from './mail-sender';
import { MailNotice, WebhookDelivery } from './notice.entity';
import { NoticeRepository } from './notice.repository';
import { Notices } from './notices';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { WebhookSender } from './webhook-sender';

/** People and systems hear of what waits for this node's roles: e-mail to functional mailboxes, signed webhooks. */
@Module({
  imports: [RegistryModule, TypeOrmModule.forFeature([MailNotice, WebhookDelivery])],
  controllers: [NotificationsController],
  providers: [Notices, NoticeRepository, MailSender, WebhookSender, NotificationsService],
  exports: [Notices, NoticeRepository, MailSender, WebhookSender],
})
export class NotificationsModule {}
