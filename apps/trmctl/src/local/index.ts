/**
 * Local networks of throw-away nodes on this machine's broker and database, as the demo, the bench and the tests
 * (test/) run them: scratch nodes, gateways as processes, a proxy that can cut a link, free ports, the sample handover
 * they exchange, applying a node's broker topology, an SMTP server that keeps what it receives, webhook secrets. The
 * tests use trmctl only through this file.
 */
export { DEFAULT_AMQP_HOST, DEFAULT_DATABASE_URL, DEFAULT_MANAGEMENT_URL, ScratchNetwork } from './scratch-network';
export type { ScratchNode, ScratchOptions } from './scratch-network';
export { GatewayProcesses } from './gateway-processes';
export type { GatewayProcess } from './gateway-processes';
export { freePort } from './preflight';
export { TcpProxy } from './tcp-proxy';
export { SmtpCatcher } from './mail-catcher';
export type { ReceivedMail } from './mail-catcher';
export { webhookSecret } from '../webhook-secret';
export { sampleReturnHandover } from '../demo/sample-handover';
export { applyTopology } from '../topology/apply';
