import { Envelope } from './envelope';
import { CONTENT_TYPE, HEADER_FROM, HEADER_PROFILE, HEADER_TO, HEADER_TRACEPARENT, HEADER_TRACESTATE, PROFILE } from './profile';

/** The AMQP basic properties of section 3, in the shape amqplib and most clients use. */
export interface MessageProperties {
  contentType?: string;
  messageId?: string;
  type?: string;
  correlationId?: string;
  timestamp?: number;
  deliveryMode?: number;
  headers?: Record<string, unknown>;
}

/** W3C Trace Context of a message (decision `trace-context`): ids and vendor state only, nothing of the message. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

/**
 * Properties to publish an envelope with; `persistent` and `mandatory` are what amqplib calls delivery mode 2 and the
 * mandatory flag. With `trace`, its `traceparent` and `tracestate` go along as headers.
 */
export function publishProperties(envelope: Envelope, trace?: TraceHeaders | null): MessageProperties & { persistent: true; mandatory: true } {
  const traceHeaders = trace ? { [HEADER_TRACEPARENT]: trace.traceparent, ...(trace.tracestate ? { [HEADER_TRACESTATE]: trace.tracestate } : {}) } : {};
  return {
    contentType: CONTENT_TYPE,
    messageId: envelope.id,
    type: envelope.type,
    ...(envelope.inReplyTo ? { correlationId: envelope.inReplyTo } : {}),
    timestamp: Math.floor(Date.parse(envelope.createdAt) / 1000),
    deliveryMode: 2,
    persistent: true,
    mandatory: true,
    headers: { [HEADER_PROFILE]: PROFILE, [HEADER_FROM]: envelope.from, [HEADER_TO]: envelope.to, ...traceHeaders },
  };
}

/**
 * Rule 5: the properties are routing hints and must not contradict the signed envelope. The properties the profile
 * requires must be present; optional ones, when present, must agree. Other headers — `traceparent` and `tracestate`
 * among them — say nothing about the envelope and are not looked at. Returns what disagrees, or null.
 */
export function propertyMismatch(properties: MessageProperties, routingKey: string, envelope: Envelope): string | null {
  const headers = properties.headers ?? {};
  const header = (name: string) => {
    const v = headers[name];
    return Buffer.isBuffer(v) ? v.toString('utf8') : v;
  };
  if (properties.contentType !== CONTENT_TYPE) return `content_type is not ${CONTENT_TYPE}`;
  if (properties.messageId !== envelope.id) return 'message_id differs from id';
  if (properties.type !== envelope.type) return 'type property differs from type';
  if (routingKey !== envelope.type) return 'routing key differs from type';
  if ((properties.correlationId ?? null) !== (envelope.inReplyTo ?? null)) return 'correlation_id differs from inReplyTo';
  if (properties.timestamp !== undefined && properties.timestamp !== Math.floor(Date.parse(envelope.createdAt) / 1000)) {
    return 'timestamp differs from createdAt';
  }
  if (header(HEADER_PROFILE) !== PROFILE) return `${HEADER_PROFILE} header is not ${PROFILE}`;
  if (header(HEADER_FROM) !== envelope.from) return `${HEADER_FROM} header differs from from`;
  if (header(HEADER_TO) !== envelope.to) return `${HEADER_TO} header differs from to`;
  return null;
}
