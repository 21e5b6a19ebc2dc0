import { Injectable } from '@nestjs/common';

/** Tells the relay that new messages wait in the outbox, so it does not have to wait for its next poll. */
@Injectable()
export class OutboxSignal {
  private listener: (() => void) | null = null;

  notify(): void {
    this.listener?.();
  }

  listen(listener: () => void): void {
    this.listener = listener;
  }
}
