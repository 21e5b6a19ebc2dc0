import { randomBytes } from 'node:crypto';

/** A fresh Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes (notifications.webhooks[].secret). */
export const webhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
