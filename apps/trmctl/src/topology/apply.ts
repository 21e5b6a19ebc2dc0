import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../paths';
import { NodeTopology, TopologyConfig, brokerTarget, buildDefinitions, parseTopology } from './definitions';
import { ManagementClient, ManagementOptions } from './management';

export interface TopologyOptions extends ManagementOptions {
  /** deploy/rabbitmq/topology.yaml of this repository by default. */
  topologyPath?: string;
}

export interface TopologySummary {
  node: string;
  vhost: string;
  queue: string;
  exchanges: string[];
  queues: string[];
  bindings: number;
  partnerUsers: string[];
  /** `granted` when the gateway's account had no permissions on the vhost; otherwise left as they were. */
  gatewayAccess: { user: string; permissions: 'granted' | 'kept' };
  enabledPlugin: boolean;
}

/**
 * Brings the node's broker to the topology: vhost, exchanges, queues, bindings, partner users and
 * their permissions. Idempotent; fails when an existing queue or exchange differs from the file,
 * since RabbitMQ cannot change those in place.
 */
export async function applyTopology(config: TopologyConfig, options: TopologyOptions = {}): Promise<TopologySummary> {
  const topology = parseTopology(readFileSync(options.topologyPath ?? defaultTopologyPath(), 'utf8'));
  const target = buildDefinitions(topology, config);
  const { vhost, definitions, gatewayAccess } = target;
  const api = new ManagementClient(config.broker.managementUrl, options);

  const { enabledPlugin } = await api.ensureAvailable();
  await api.putVhost(vhost, `TRM-AMQP/1 node ${config.node}`);
  await api.importDefinitions(vhost, definitions);
  await verify(api, target);
  for (const user of definitions.users) await api.putUser(user);
  for (const permission of definitions.permissions) await api.putPermissions(permission);
  const granted = !(await api.getPermissions(vhost, gatewayAccess.user));
  if (granted) await api.putPermissions(gatewayAccess);

  return {
    node: config.node,
    vhost,
    queue: config.broker.queue,
    exchanges: definitions.exchanges.map((e) => e.name),
    queues: definitions.queues.map((q) => q.name),
    bindings: definitions.bindings.length,
    partnerUsers: definitions.users.map((u) => u.name),
    gatewayAccess: { user: gatewayAccess.user, permissions: granted ? 'granted' : 'kept' },
    enabledPlugin,
  };
}

/** One line for a terminal. */
export function formatSummary(s: TopologySummary): string {
  return (
    `node ${s.node}: vhost "${s.vhost}", exchanges ${s.exchanges.join(', ')}, queues ${s.queues.join(', ')}, ` +
    `${s.bindings} bindings, partner users ${s.partnerUsers.join(', ') || '(none)'}, ` +
    `gateway account "${s.gatewayAccess.user}" permissions ${s.gatewayAccess.permissions}`
  );
}

/** Deletes the node's vhost (with everything in it) and the partner users. For tests; refuses the default vhost. */
export async function removeTopology(config: TopologyConfig, options: ManagementOptions = {}): Promise<void> {
  const { vhost } = brokerTarget(config.broker.urls[0]);
  if (vhost === '/') throw new Error('removeTopology refuses to delete the default vhost "/"');
  const api = new ManagementClient(config.broker.managementUrl, options);
  await api.deleteVhost(vhost);
  for (const { inbound } of config.partners) await api.deleteUser(inbound.username);
}

/** RabbitMQ keeps an existing queue or exchange as it is on import; say so instead of pretending it matches. */
async function verify(api: ManagementClient, { vhost, definitions }: NodeTopology): Promise<void> {
  for (const exchange of definitions.exchanges) {
    const found = await api.getExchange(vhost, exchange.name);
    if (!found) throw new Error(`exchange "${exchange.name}" is missing in vhost "${vhost}" after import`);
    if (found.type !== exchange.type || found.durable !== exchange.durable) {
      throw new Error(
        `exchange "${exchange.name}" in vhost "${vhost}" exists as ${found.type}${found.durable ? '' : ', transient'}; the topology wants ${exchange.type}, durable`,
      );
    }
  }
  for (const queue of definitions.queues) {
    const found = await api.getQueue(vhost, queue.name);
    if (!found) throw new Error(`queue "${queue.name}" is missing in vhost "${vhost}" after import`);
    const differing = Object.keys({ ...queue.arguments, ...found.arguments }).filter((k) => found.arguments[k] !== queue.arguments[k]);
    if (differing.length || found.durable !== queue.durable) {
      throw new Error(
        `queue "${queue.name}" in vhost "${vhost}" exists with other settings (${differing.join(', ') || 'durable'}); ` +
          'queue arguments cannot change in place: move its messages to a new queue first',
      );
    }
  }
  // A quorum queue gets a replica on every member of the cluster when it is declared (RabbitMQ's default, no
  // x-quorum-initial-group-size): one declared before the cluster was formed, or before a member joined, has fewer and
  // would not survive the loss of the member it lives on.
  const cluster = await api.clusterMembers();
  for (const queue of definitions.queues) {
    const members = (await api.getQueue(vhost, queue.name))?.members;
    const missing = members ? cluster.filter((node) => !members.includes(node)) : [];
    if (missing.length) {
      throw new Error(
        `quorum queue "${queue.name}" in vhost "${vhost}" has no replica on ${missing.join(', ')}: ` +
          `add them with rabbitmq-queues grow <member> all (or rabbitmq-queues add_member --vhost ${vhost} ${queue.name} <member>)`,
      );
    }
  }
}

const defaultTopologyPath = (): string => join(repoRoot(), 'deploy', 'rabbitmq', 'topology.yaml');
