import { Jwks } from '@trm/wire';
import { Directory } from './directory';

/** A partner node: where we publish to it, how we recognise its signatures, and how it publishes to us. */
export interface PartnerConfig {
  node: string;
  /**
   * AMQP URLs of the partner's broker or virtual host, with the credentials the partner gave us: one per member of the
   * partner's broker cluster (the same vhost and account on each), tried in turn.
   */
  endpoints: string[];
  /** How the link to the partner's broker is protected (`amqps://`); absent for a plain link on this machine. */
  tls?: TlsConfig;
  /** The partner's public JWKS, configured out of band (trust anchor); never learned from the network. */
  trustAnchor: Jwks;
  /**
   * The broker account the partner publishes with on our broker (write to `trm.inbound` only). With `externalAuth` the
   * partner logs in with its client certificate (SASL EXTERNAL, the certificate's CN is the account): no password.
   */
  inbound: { username: string; password: string; externalAuth?: boolean };
  /** Deadlines agreed with this partner (profile section 9 defaults unless a bilateral agreement says otherwise). */
  agreement: Agreement;
  /** The partner's IANA time zone: a return date of a case referred to it is a day there. */
  timeZone: string;
}

/**
 * TLS of a link to a broker (profile section 2: AMQPS between nodes, mutual TLS, the partner broker's CA pinned), the
 * PEM material read from its files at start.
 */
export interface TlsConfig {
  /** The only CA trusted for the broker's certificate: pinned, the system's CA store is not used. */
  ca: string;
  /** Our client certificate and its private key (mutual TLS); null when the broker takes no client certificate. */
  cert: string | null;
  key: string | null;
  /** The name the broker's certificate must carry, when it is not the URL's host. */
  serverName: string | null;
  /** Log in with SASL EXTERNAL: the broker takes the client certificate's subject as the account, no password. */
  externalAuth: boolean;
}

export interface Agreement {
  /** handover.accepted or handover.declined is due this long after the handover.request. */
  acceptanceMs: number;
  /** arrival.confirmed or arrival.missed is due this long after the return date begins (receiving node's time zone). */
  arrivalGraceMs: number;
  /** A followup.report is due this often until the case is closed. */
  followupEveryMs: number;
  /**
   * The referring side, waiting for a follow-up, alerts its own coordinator this long after it was due; the receiving
   * side, which owes it, at once. Reports are often a few days late: the side that can send one hears first.
   */
  followupSenderGraceMs: number;
}

export const DEFAULT_AGREEMENT: Agreement = {
  acceptanceMs: 48 * 3_600_000,
  arrivalGraceMs: 2 * 86_400_000,
  followupEveryMs: 90 * 86_400_000,
  followupSenderGraceMs: 14 * 86_400_000,
};

export interface NodeConfig {
  node: string;
  /** This node's IANA time zone: a return date of a case it receives is a day here. */
  timeZone: string;
  http: {
    host: string;
    port: number;
    /** PEM files (paths) of the certificate chain and private key the API and console are served with; none: plain HTTP. */
    tls?: { cert: string; key: string };
    /**
     * Addresses and CIDRs of the reverse proxies in front of the node: only from them are X-Forwarded-For (the client
     * address of the failed-authentication limit) and X-Forwarded-Proto (HSTS) believed. None by default.
     */
    trustProxy?: string[];
  };
  database: { url: string; schema: string; poolSize: number };
  broker: {
    /**
     * This node's own broker / virtual host, with the credentials of the gateway itself: one URL per member of the
     * node's broker cluster (the same vhost and account on each), tried in turn.
     */
    urls: string[];
    /** How the connection to the node's own broker is protected (`amqps://`); absent for a plain one on this machine. */
    tls?: TlsConfig;
    /** Plain `amqp://` to a broker or partner off this machine, which the profile forbids; for a closed network only. */
    allowPlainAmqp?: boolean;
    /** RabbitMQ management API, used only by the topology command. */
    managementUrl: string;
    /** The node's quorum queue bound to `trm.inbound`. */
    queue: string;
    prefetch: number;
    /** Failed processings of one delivery before it is dead-lettered and answered `internal-error`. */
    maxDeliveryAttempts: number;
    /** Readiness is down when deliveries are waiting on the consumer and none was settled for this long. */
    stallTimeoutMs: number;
  };
  /** This node's private JWKS (signing and encryption keys). */
  privateJwks: Jwks;
  /** The contact points this node publishes. */
  directory: Directory;
  partners: PartnerConfig[];
  timers: {
    /** Resend with the same id when no receipt came within this time; the wait doubles with every resend. */
    receiptTimeoutMs: number;
    /** Longest wait between two resends for a missing receipt. */
    resendMaxIntervalMs: number;
    /** Longest wait between two attempts while a partner broker is unreachable or does not confirm. */
    publishRetryMaxMs: number;
    /** Stop resending and mark the message undeliverable this long after it was created. */
    giveUpAfterMs: number;
  };
  relay: { batchSize: number; pollIntervalMs: number; concurrency: number };
  /** Bearer tokens of the HTTP API: the identity provider that issues them and its public keys. */
  auth: {
    issuer: string;
    audience: string;
    jwks?: { keys: Array<Record<string, unknown>> };
    jwksUrl?: string;
    /** Longest `exp - iat` of a token this node accepts. */
    maxTokenLifetimeMs: number;
    /** Failed authentications (401) one client address may have within `failureWindowMs` before it gets 429. */
    maxFailures: number;
    failureWindowMs: number;
  };
  /**
   * The web console this node serves at `/`: the OpenID client it signs in as, at which authority (the identity
   * provider's issuer), with which scopes, and the folder holding its build.
   */
  console: { clientId: string; authority: string; scope: string; root: string };
  /** How often due deadlines are looked for. */
  deadlines: { checkIntervalMs: number };
  registry: {
    /** The node's AMQP(S) endpoint as partners reach it, published in `registry.update` (no credentials). */
    endpoint: string;
    /** A role nobody has confirmed for this long is flagged `unconfirmed`. */
    unconfirmedAfterMs: number;
  };
  /**
   * How long data is kept (RetentionJob). Case periods count from when the case ended (closed, withdrawn, declined);
   * the message log counts from when a message was stored here.
   */
  retention: {
    /** Sealed personal data (sealed parts, the JWS carrying them, this node's own copy) this long after the case ended. */
    sealedAfterEndMs: number;
    /** Coded case data (message bodies, JWS, receipts, consent, purpose, deadlines) this long after the case ended. */
    caseDataAfterEndMs: number;
    /** Any message (receipts and registry updates too) this long after it was stored, unless its case is still open. */
    messageLogMs: number;
    /** How often the retention job looks for what is due. */
    checkIntervalMs: number;
  };
  /** Who hears of what waits for this node's roles: e-mail to their functional mailboxes, webhooks for systems. */
  notifications: NotificationsConfig;
}

/** What a notice is about: a message for a role, a deadline near or missed, a role handed over or retired. */
export const NOTICE_TYPES = ['message.arrived', 'deadline.near', 'deadline.missed', 'role.handed-over'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/** How an SMTP connection is protected: STARTTLS on a plain port (587), TLS from the start (465), or neither (loopback only). */
export type SmtpSecurity = 'starttls' | 'tls' | 'none';

export interface NotificationsConfig {
  /** Where people open the console (links in mails): the node's public URL. */
  consoleUrl: string;
  /** A notice to the role that owes a deadline this long before it is due; 0: none. */
  deadlineWarningMs: number;
  /** How often waiting mails and webhook calls are looked for (they are also sent at once when recorded). */
  pollIntervalMs: number;
  /** Failed sends are tried again after `firstMs`, doubling to `maxMs`; a notice still unsent after `giveUpAfterMs` is failed. */
  retry: { firstMs: number; maxMs: number; giveUpAfterMs: number };
  /** Null: no e-mail notices. */
  smtp: SmtpConfig | null;
  /** Roles whose notices come as one mail per interval (ms), by address. */
  digests: Record<string, number>;
  webhooks: WebhookConfig[];
}

/** Notifications with nothing to send to: no SMTP server, no webhook (what a node without `notifications` gets, bar its defaults). */
export const quietNotifications = (consoleUrl: string): NotificationsConfig => ({
  consoleUrl,
  deadlineWarningMs: 12 * 3_600_000,
  pollIntervalMs: 5_000,
  retry: { firstMs: 30_000, maxMs: 3_600_000, giveUpAfterMs: 3 * 86_400_000 },
  smtp: null,
  digests: {},
  webhooks: [],
});

export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  /** Credentials, from the environment; none when the server takes mail without. */
  user: string | null;
  password: string | null;
  /** The From of every notice, e.g. `TRM Gateway RS <trm-noreply@example.rs>`. */
  from: string;
  /** Mails one mailbox gets within an hour at most; what comes beyond waits and goes out together. */
  maxPerMailboxPerHour: number;
}

/** A system told of events by signed HTTP POSTs (Standard Webhooks). */
export interface WebhookConfig {
  url: string;
  events: NoticeType[];
  /** `whsec_` and base64 of the shared key, from the environment. */
  secret: string;
}

export const NODE_CONFIG = Symbol('NODE_CONFIG');

/** Schema names the gateway accepts: unquoted PostgreSQL names, safe in search_path and DDL. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Why `schema` cannot be a node's schema (naming the key database.schema), or null. */
export const schemaNameProblem = (schema: string): string | null =>
  SCHEMA_NAME.test(schema) ? null : `database.schema must match ${SCHEMA_NAME} (lower-case letters, digits and _)`;
