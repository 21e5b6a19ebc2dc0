import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller } from '../http/access.decorator';
import { uuidParam } from '../http/params';
import { Principal } from '../http/principal';
import {
  MailNoticePage,
  MailNoticeQueryDto,
  MailNoticeView,
  NotificationSettings,
  WebhookDeliveryPage,
  WebhookDeliveryQueryDto,
  WebhookDeliveryView,
} from './dto/notice-views.dto';
import { NotificationsService } from './notifications.service';

/** What the node told roles' mailboxes and webhook endpoints, and how sending went. */
@ApiTags('notifications')
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Allow('coordinator', 'auditor', 'administrator')
  @ApiOkResponse({ type: NotificationSettings })
  settings(@Caller() caller: Principal): Promise<NotificationSettings> {
    return this.notifications.settings(caller);
  }

  /** E-mail notices, newest first: pending, sent or failed. */
  @Get('mail')
  @Allow('coordinator', 'auditor', 'administrator', 'caseworker')
  @ApiOkResponse({ type: MailNoticePage })
  mail(@Query() query: MailNoticeQueryDto, @Caller() caller: Principal): Promise<MailNoticePage> {
    return this.notifications.notices(query, caller);
  }

  /** A failed notice, sent again to its role's mailbox as the directory has it now. */
  @Post('mail/:id/retry')
  @HttpCode(200)
  @Allow('administrator')
  @ApiOkResponse({ type: MailNoticeView })
  retryMail(@Param('id', uuidParam('id')) id: string, @Caller() caller: Principal): Promise<MailNoticeView> {
    return this.notifications.retryNotice(id, caller);
  }

  /** Webhook calls, newest first: pending, delivered or failed. */
  @Get('webhooks')
  @Allow('coordinator', 'auditor', 'administrator')
  @ApiOkResponse({ type: WebhookDeliveryPage })
  webhooks(@Query() query: WebhookDeliveryQueryDto, @Caller() caller: Principal): Promise<WebhookDeliveryPage> {
    return this.notifications.deliveries(query, caller);
  }

  /** A failed webhook call made again, with the same webhook-id. */
  @Post('webhooks/:id/retry')
  @HttpCode(200)
  @Allow('administrator')
  @ApiOkResponse({ type: WebhookDeliveryView })
  retryWebhook(@Param('id', uuidParam('id')) id: string, @Caller() caller: Principal): Promise<WebhookDeliveryView> {
    return this.notifications.retryDelivery(id, caller);
  }
}
