import { generateNodeKeys } from '@trm/wire';
import Ajv from 'ajv';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadNodeConfig } from '../apps/gateway/src/config/load-config';
import type { NodeConfig } from '../apps/gateway/src/config/node-config';
import { buildDefinitions, parseTopology } from '../apps/trmctl/src/topology/definitions';
import { createTlsMaterial } from '../apps/trmctl/src/tls';
import { serverCertificate } from './support/tls';

/**
 * What CI can check of the deployment as code without a cluster or Docker: deploy/kubernetes against the Kubernetes
 * API's schemas (kubernetes-models) and the operators' (deploy/kubernetes/schemas, ajv), the node configuration there
 * and in docker-compose.yml through the gateway's own loadNodeConfig, the broker objects against topology.yaml, and
 * every name one manifest gives another (Secrets, ConfigMaps, services, probe paths, mounted files).
 */
const ROOT = resolve(__dirname, '..');
const KUBE = join(ROOT, 'deploy/kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: any;
}

/** A Secret or ConfigMap of a generator: its keys, the literal values, and the files the values come from. */
interface Generated {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  type?: string;
  keys: string[];
  literals: Record<string, string>;
  files: Record<string, string>;
}

function readGenerators(kustomization: any, kind: Generated['kind']): Generated[] {
  const list = (kind === 'Secret' ? kustomization.secretGenerator : kustomization.configMapGenerator) ?? [];
  return list.map((g: any) => {
    const literals = Object.fromEntries((g.literals ?? []).map((l: string) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const files = Object.fromEntries(
      (g.files ?? []).map((f: string) => (f.includes('=') ? [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] : [basename(f), f])),
    );
    return { kind, name: g.name, type: g.type, keys: [...Object.keys(literals), ...Object.keys(files)], literals, files };
  });
}

const kustomization = parse(readFileSync(join(KUBE, 'kustomization.yaml'), 'utf8'));
const manifests: Manifest[] = (kustomization.resources as string[]).flatMap((file) =>
  parseAllDocuments(readFileSync(join(KUBE, file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS() as Manifest;
  }),
);
const secrets = readGenerators(kustomization, 'Secret');
const configMaps = readGenerators(kustomization, 'ConfigMap');
const one = (kind: string, name?: string): Manifest => {
  const found = manifests.filter((m) => m.kind === kind && (!name || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
};
const all = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);

/** Secrets an operator makes itself, by the name it gives them: CloudNativePG's CA of cluster <name> is <name>-ca. */
const operatorSecrets = (): Record<string, string[]> => Object.fromEntries(all('Cluster').map((c) => [`${c.metadata.name}-ca`, ['ca.crt', 'ca.key']]));

const CORE_KINDS: Record<string, { new (data: any): { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function operatorSchemas() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const dir = join(KUBE, 'schemas');
  const byKind = new Map<string, ReturnType<typeof ajv.compile>>();
  const schemas = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  for (const schema of schemas) ajv.addSchema(schema);
  for (const schema of schemas) {
    if (!schema.properties?.kind) continue;
    byKind.set(`${schema.properties.apiVersion.const}/${schema.properties.kind.const}`, ajv.getSchema(schema.$id)!);
  }
  return { ajv, byKind };
}

function validate(manifest: Manifest, byKind: Map<string, any>, ajv: Ajv): string[] {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const where = `${manifest.kind} ${manifest.metadata?.name ?? 'kustomization.yaml'}`;
  const Core = CORE_KINDS[key];
  if (Core) {
    try {
      new Core(manifest).validate();
      return [];
    } catch (err) {
      return [`${where}: ${(err as Error).message}`];
    }
  }
  const check = byKind.get(key);
  if (!check) return [`${where}: no schema for ${key}`];
  return check(manifest) ? [] : [`${where}: ${ajv.errorsText(check.errors, { dataVar: manifest.kind })}`];
}

/** Generated objects as kustomize makes them, with placeholder values for files that are never committed. */
function generatedManifests(): Manifest[] {
  const placeholder = (g: Generated, key: string) => g.literals[key] ?? `placeholder:${g.name}/${key}`;
  return [
    ...configMaps.map((g) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: g.name },
      data: Object.fromEntries(g.keys.map((k) => [k, placeholder(g, k)])),
    })),
    ...secrets.map((g) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: g.name },
      ...(g.type ? { type: g.type } : {}),
      data: Object.fromEntries(g.keys.map((k) => [k, Buffer.from(placeholder(g, k)).toString('base64')])),
    })),
  ];
}

/** GET routes of the gateway's controllers (`@Controller(prefix)` + `@Get(path)`). */
function gatewayGetRoutes(): Set<string> {
  const routes = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.controller.ts')) {
        const source = readFileSync(path, 'utf8');
        const prefix = /@Controller\(\s*'([^']*)'/.exec(source)?.[1] ?? '';
        for (const m of source.matchAll(/@Get\(\s*(?:'([^']*)')?\s*\)/g)) routes.add(posix.join('/', prefix, m[1] ?? ''));
      }
    }
  };
  walk(join(ROOT, 'apps/gateway/src'));
  return routes;
}

/** A file tree standing for a container's: each mount's container path maps to a folder here. */
class PodFiles {
  readonly root = mkdtempSync(join(tmpdir(), 'trm-deploy-'));
  constructor(private readonly mounts: Array<[containerPath: string, hostPath: string]>) {}
  private longestFirst(): Array<[string, string]> {
    return [...this.mounts].sort((a, b) => b[0].length - a[0].length);
  }
  /** Where a container path is on this machine. */
  host(path: string): string {
    const mount = this.longestFirst().find(([at]) => path === at || path.startsWith(`${at}/`));
    if (!mount) throw new Error(`${path} is on no volume mounted in the container, nor in the image`);
    return join(mount[1], path.slice(mount[0].length));
  }
  write(path: string, content: string, mode = 0o644): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, mode);
  }
  /** The node file with its container paths turned into paths of this tree. */
  nodeFile(containerPath: string): string {
    let text = readFileSync(this.host(containerPath), 'utf8');
    const escaped = this.longestFirst().map(([at]) => at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    text = text.replace(new RegExp(`(?<![\\w/.-])(${escaped.join('|')})(?=/)`, 'g'), (at: string) => this.host(at));
    const file = join(this.root, 'node.yaml');
    writeFileSync(file, text);
    return file;
  }
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Absolute paths a node file names: values of its keys, and sslrootcert/sslcert/sslkey in the database URL. */
function pathsIn(value: unknown, at = ''): Array<[key: string, path: string]> {
  if (typeof value === 'string') {
    const found: Array<[string, string]> = value.startsWith('/') ? [[at, value]] : [];
    for (const m of value.matchAll(/[?&](sslrootcert|sslcert|sslkey)=([^&]+)/g)) found.push([`${at}.${m[1]}`, decodeURIComponent(m[2])]);
    return found;
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsIn(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => pathsIn(v, at ? `${at}.${k}` : k));
  return [];
}

describe('deploy/kubernetes', () => {
  const deployment = one('Deployment', 'trm-gateway');
  const pod = deployment.spec.template.spec;
  const gateway = pod.containers.find((c: any) => c.name === 'gateway');
  const generated = generatedManifests();

  it('lists every manifest of the folder in kustomization.yaml, and each is valid against its schema', () => {
    const yamlFiles = readdirSync(KUBE).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect(yamlFiles.sort()).toEqual([...kustomization.resources].sort());
    const { ajv, byKind } = operatorSchemas();
    const problems = [kustomization, ...manifests, ...generated].flatMap((m) => validate(m, byKind, ajv));
    expect(problems).toEqual([]);
    expect(new Set(manifests.map((m) => m.kind))).toEqual(
      new Set([
        'Namespace',
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'RabbitmqCluster',
        'Vhost',
        'Exchange',
        'Queue',
        'Binding',
        'User',
        'Permission',
        'Cluster',
        'ObjectStore',
        'ScheduledBackup',
      ]),
    );
  });

  it('refuses a manifest its schema does not allow (the check can fail)', () => {
    const { ajv, byKind } = operatorSchemas();
    const broker = structuredClone(one('RabbitmqCluster'));
    broker.spec.replicas = 'three';
    broker.spec.tls.secretname = 'typo';
    const queue = structuredClone(one('Queue', 'trm-node'));
    delete queue.spec.rabbitmqClusterReference;
    const gw = structuredClone(deployment);
    gw.spec.template.spec.containers[0].livenessProbe.httpGet.port = { name: 'https' };
    expect(validate(broker, byKind, ajv)[0]).toMatch(/replicas must be integer.*must NOT have additional properties/);
    expect(validate(queue, byKind, ajv)[0]).toMatch(/must have required property 'rabbitmqClusterReference'/);
    expect(validate(gw, byKind, ajv)[0]).toMatch(/livenessProbe\/httpGet\/port/);
  });

  it('sets the namespace once, in kustomization.yaml', () => {
    expect(one('Namespace').metadata.name).toBe(kustomization.namespace);
    expect(manifests.filter((m) => m.metadata.namespace !== undefined)).toEqual([]);
  });

  it('runs two non-root gateways with a read-only root, limits, and probes on routes the gateway serves', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect([container.name, container.securityContext]).toEqual([
        container.name,
        expect.objectContaining({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }),
      ]);
      expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
    }
    const routes = gatewayGetRoutes();
    const ports = gateway.ports.map((p: any) => p.name);
    expect(gateway.livenessProbe.httpGet.path).toBe('/health');
    expect(gateway.readinessProbe.httpGet.path).toBe('/health/ready');
    for (const probe of [gateway.startupProbe, gateway.livenessProbe, gateway.readinessProbe]) {
      expect(routes).toContain(probe.httpGet.path);
      expect(ports).toContain(probe.httpGet.port);
    }
    // The image the Deployment runs is the one deploy/docker/Dockerfile builds: its user, its config folder.
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^COPY config \.\/config$/m);
  });

  it('selects the gateway pods from its Service and PodDisruptionBudget, and the broker pods from the public Service', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(one('Service', 'trm-gateway').spec.selector);
    expect(labels).toMatchObject(one('PodDisruptionBudget').spec.selector.matchLabels);
    expect(gateway.ports.map((p: any) => p.name)).toContain(one('Service', 'trm-gateway').spec.ports[0].targetPort);
    // The RabbitMQ Cluster Operator labels its pods app.kubernetes.io/name: <cluster name>.
    expect(one('Service', 'trm-broker-public').spec.selector).toEqual({ 'app.kubernetes.io/name': one('RabbitmqCluster').metadata.name });
  });

  it('names only Secrets and ConfigMaps the kustomization makes (or the operators), with the keys it gives them', () => {
    const secretKeys: Record<string, string[]> = { ...Object.fromEntries(secrets.map((s) => [s.name, s.keys])), ...operatorSecrets() };
    const configMapKeys = Object.fromEntries(configMaps.map((c) => [c.name, c.keys]));
    const wanted: Array<[where: string, secret: string, keys: string[]]> = [];
    for (const v of pod.volumes) {
      if (v.secret) wanted.push([`volume ${v.name}`, v.secret.secretName, (v.secret.items ?? []).map((i: any) => i.key)]);
      if (v.configMap) expect([v.name, configMapKeys[v.configMap.name]]).toEqual([v.name, expect.any(Array)]);
    }
    for (const e of [...pod.containers, ...pod.initContainers].flatMap((c: any) => c.env ?? [])) {
      if (e.valueFrom?.secretKeyRef) wanted.push([`env ${e.name}`, e.valueFrom.secretKeyRef.name, [e.valueFrom.secretKeyRef.key]]);
    }
    const broker = one('RabbitmqCluster');
    wanted.push(['RabbitmqCluster tls.secretName', broker.spec.tls.secretName, ['tls.crt', 'tls.key']]);
    wanted.push(['RabbitmqCluster tls.caSecretName', broker.spec.tls.caSecretName, ['ca.crt']]);
    for (const u of all('User')) wanted.push([`User ${u.metadata.name}`, u.spec.importCredentialsSecret.name, ['username', 'password']]);
    for (const c of all('Cluster')) wanted.push([`Cluster ${c.metadata.name}`, c.spec.bootstrap.initdb.secret.name, ['username', 'password']]);
    for (const o of all('ObjectStore'))
      for (const [field, ref] of Object.entries<any>(o.spec.configuration.s3Credentials)) wanted.push([`ObjectStore ${field}`, ref.name, [ref.key]]);
    const missing = wanted.flatMap(([where, name, keys]) =>
      !secretKeys[name] ? [`${where}: no Secret ${name}`] : keys.filter((k) => !secretKeys[name].includes(k)).map((k) => `${where}: ${name} has no ${k}`),
    );
    expect(missing).toEqual([]);
    expect(secrets.find((s) => s.name === broker.spec.tls.secretName)?.type).toBe('kubernetes.io/tls');
    expect(secrets.find((s) => s.name === one('Cluster').spec.bootstrap.initdb.secret.name)?.type).toBe('kubernetes.io/basic-auth');
  });

  it('takes generated files from folders git ignores, and the node file from the repository', () => {
    for (const g of [...secrets, ...configMaps]) {
      for (const file of Object.values(g.files)) {
        if (g.name === 'trm-gateway-config') expect(existsSync(join(KUBE, file))).toBe(true);
        else expect([g.name, dirname(file)]).toEqual([g.name, expect.stringMatching(/^(secrets|files)$/)]);
      }
    }
    for (const dir of ['secrets', 'files']) expect(readFileSync(join(KUBE, dir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  describe('the node configuration in the ConfigMap', () => {
    let files: PodFiles;
    let config: NodeConfig;
    let raw: any;
    const nodeKeys = generateNodeKeys('AT');

    beforeAll(async () => {
      // The pod's files: ConfigMaps and Secrets where the gateway container mounts them, the init container's copies
      // of the Secrets in /run/trm (mode 0400), and the image's config folder. TLS files are a real certificate, key and
      // CA, since the loader reads them.
      const tlsDir = mkdtempSync(join(tmpdir(), 'trm-deploy-tls-'));
      const made = await serverCertificate(tlsDir);
      const pem: Record<string, string> = { 'tls.crt': readFileSync(made.cert, 'utf8'), 'tls.key': readFileSync(made.key, 'utf8'), 'ca.crt': made.ca };
      rmSync(tlsDir, { recursive: true });
      const mounts: Array<[string, string]> = [['/app/config', join(ROOT, 'config')]];
      const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
      files = new PodFiles(mounts);
      const content = (source: string, key: string): string => {
        if (key.endsWith('.private.jwks.json')) return JSON.stringify(nodeKeys.privateJwks);
        if (key.endsWith('.jwks.json')) return JSON.stringify(generateNodeKeys(key.split('.')[0]).publicJwks);
        if (source === 'trm-gateway-config') return readFileSync(join(KUBE, configMaps.find((c) => c.name === source)!.files[key]), 'utf8');
        return pem[key] ?? `placeholder of ${source}/${key}\n`;
      };
      const keysOf = (volume: any): string[] => {
        const ref = volume.secret ?? volume.configMap;
        const name = ref.secretName ?? ref.name;
        return ref.items?.map((i: any) => i.key) ?? [...secrets, ...configMaps].find((g) => g.name === name)?.keys ?? [];
      };
      for (const m of gateway.volumeMounts) {
        const dir = join(files.root, m.mountPath);
        mounts.push([m.mountPath, dir]);
        const v = volumes.get(m.name);
        if (v.emptyDir) continue;
        const name = v.secret?.secretName ?? v.configMap.name;
        for (const key of keysOf(v)) files.write(join(dir, key), content(name, key));
      }
      const init = pod.initContainers.find((c: any) => c.name === 'private-files');
      expect(init.command.join(' ')).toContain('install -m 0400 "$file" "/run/trm/$name/"');
      for (const m of init.volumeMounts.filter((x: any) => x.mountPath.startsWith('/secrets/'))) {
        const v = volumes.get(m.name);
        for (const key of keysOf(v)) files.write(join(files.host('/run/trm'), basename(m.mountPath), key), content(v.secret.secretName, key), 0o400);
      }
      const env = Object.fromEntries(
        gateway.env.map((e: any) => {
          const ref = e.valueFrom?.secretKeyRef;
          const literal = ref && secrets.find((s) => s.name === ref.name)?.literals[ref.key];
          return [e.name, e.value ?? literal ?? `placeholder-${ref.name}-${ref.key}`];
        }),
      );
      const containerFile = env.TRM_CONFIG;
      raw = parse(readFileSync(files.host(containerFile), 'utf8'));
      config = loadNodeConfig(files.nodeFile(containerFile), env);
    });
    afterAll(() => files?.remove());

    it("passes the gateway's own validation, and runs the node the Deployment says", () => {
      expect(config.node).toBe(raw.node);
      expect(gateway.args).toEqual(['--node', config.node]);
      expect(gateway.ports.find((p: any) => p.name === 'https').containerPort).toBe(config.http.port);
      expect(config.http.host).toBe('0.0.0.0');
    });

    it('names only files the pod has', () => {
      const missing = pathsIn(raw).filter(([, path]) => {
        try {
          return !statSync(files.host(path)).isFile();
        } catch {
          return true;
        }
      });
      expect(missing).toEqual([]);
      expect(pathsIn(raw).map(([key]) => key)).toEqual(expect.arrayContaining(['keys', 'broker.tls.key', 'partners[0].tls.key', 'http.tls.key']));
    });

    it('speaks TLS everywhere: HTTPS probes, amqps to its broker and partners, verify-full to the database', () => {
      expect(raw.http.tls).toBeDefined();
      for (const probe of [gateway.startupProbe, gateway.livenessProbe, gateway.readinessProbe]) expect(probe.httpGet.scheme).toBe('HTTPS');
      const broker = one('RabbitmqCluster');
      const url = new URL(config.broker.urls[0]);
      expect(config.broker.urls.length).toBe(1); // the operator's Service: a reconnect reaches a member that is up
      expect([url.protocol, url.hostname, url.port]).toEqual(['amqps:', broker.metadata.name, '5671']);
      expect(broker.spec.tls.disableNonTLSListeners).toBe(true);
      for (const p of config.partners) for (const e of p.endpoints) expect(new URL(e).protocol).toBe('amqps:');
      const db = new URL(config.database.url);
      const cluster = one('Cluster');
      expect([db.hostname, db.pathname, db.searchParams.get('sslmode')]).toEqual([
        `${cluster.metadata.name}-rw`,
        `/${cluster.spec.bootstrap.initdb.database}`,
        'verify-full',
      ]);
      expect(decodeURIComponent(db.username)).toBe(cluster.spec.bootstrap.initdb.owner);
    });

    it('declares on the broker what deploy/rabbitmq/topology.yaml renders for this node (definitions.ts)', () => {
      const topology = parseTopology(readFileSync(join(ROOT, 'deploy/rabbitmq/topology.yaml'), 'utf8'));
      const { vhost, definitions, gatewayAccess } = buildDefinitions(topology, config, () => Buffer.alloc(4));
      const cluster = one('RabbitmqCluster').metadata.name;
      const topologyObjects = manifests.filter((m) => ['Vhost', 'Exchange', 'Queue', 'Binding', 'User', 'Permission'].includes(m.kind));
      for (const m of topologyObjects) expect([m.metadata.name, m.spec.rabbitmqClusterReference]).toEqual([m.metadata.name, { name: cluster }]);
      for (const m of topologyObjects.filter((x) => x.kind !== 'Vhost' && x.kind !== 'User'))
        expect([m.metadata.name, m.spec.vhost]).toEqual([m.metadata.name, vhost]);
      expect(all('Vhost').map((v) => v.spec.name)).toEqual([vhost]);

      const sorted = <T>(items: T[]): T[] => [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(
        sorted(all('Exchange').map((e) => ({ name: e.spec.name, type: e.spec.type, durable: e.spec.durable, autoDelete: e.spec.autoDelete ?? false }))),
      ).toEqual(sorted(definitions.exchanges.map((e) => ({ name: e.name, type: e.type, durable: e.durable, autoDelete: e.auto_delete }))));
      expect(
        sorted(
          all('Queue').map((q) => ({
            name: q.spec.name,
            durable: q.spec.durable,
            autoDelete: q.spec.autoDelete ?? false,
            arguments: { ...q.spec.arguments, 'x-queue-type': q.spec.type },
          })),
        ),
      ).toEqual(sorted(definitions.queues.map((q) => ({ name: q.name, durable: q.durable, autoDelete: q.auto_delete, arguments: q.arguments }))));
      expect(
        sorted(all('Binding').map((b) => ({ source: b.spec.source, destination: b.spec.destination, type: b.spec.destinationType, key: b.spec.routingKey }))),
      ).toEqual(sorted(definitions.bindings.map((b) => ({ source: b.source, destination: b.destination, type: b.destination_type, key: b.routing_key }))));

      // Users come with the Secret their credentials are imported from: its username literal is the account.
      const account = (userObject: string): { username: string; secret: string } => {
        const secret = one('User', userObject).spec.importCredentialsSecret.name;
        return { username: secrets.find((s) => s.name === secret)!.literals.username, secret };
      };
      expect(sorted(all('Permission').map((p) => ({ user: account(p.spec.userReference.name).username, vhost: p.spec.vhost, ...p.spec.permissions })))).toEqual(
        sorted([...definitions.permissions, gatewayAccess]),
      );
      expect(all('User').map((u) => u.spec.tags)).toEqual(all('User').map(() => []));
      // The gateway's broker password and each partner's inbound password come from the Secret the User imports.
      const users = all('User').map((u) => account(u.metadata.name));
      const gatewayUser = users.find((u) => u.username === gatewayAccess.user)!;
      expect(decodeURIComponent(new URL(config.broker.urls[0]).password)).toBe(`placeholder-${gatewayUser.secret}-password`);
      for (const p of config.partners) {
        const user = users.find((u) => u.username === p.inbound.username);
        expect([p.node, p.inbound.password]).toEqual([p.node, `placeholder-${user?.secret}-password`]);
      }
    });
  });

  it('runs the broker on three members with TLS and EXTERNAL, and the database on three instances with backups', () => {
    const broker = one('RabbitmqCluster');
    expect(broker.spec.replicas).toBe(3);
    expect(broker.spec.rabbitmq.additionalPlugins).toContain('rabbitmq_auth_mechanism_ssl');
    expect(broker.spec.rabbitmq.additionalConfig).toMatch(/^ssl_options\.fail_if_no_peer_cert = true$/m);
    expect(broker.spec.rabbitmq.additionalConfig).toMatch(/^auth_mechanisms\.\d+ = EXTERNAL$/m);
    const cluster = one('Cluster');
    expect(cluster.spec.instances).toBe(3);
    const backup = one('ScheduledBackup');
    expect(backup.spec.cluster.name).toBe(cluster.metadata.name);
    // CloudNativePG's schedule has six fields, seconds first.
    expect(backup.spec.schedule.split(' ')).toHaveLength(6);
    const plugin = cluster.spec.plugins.find((p: any) => p.name === backup.spec.pluginConfiguration.name);
    expect(plugin).toMatchObject({ isWALArchiver: true, parameters: { barmanObjectName: one('ObjectStore').metadata.name } });
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  const rabbitmq = compose.services.rabbitmq;
  /** [host path, container path] of a service's bind mounts (named volumes left out). */
  const binds = (service: any): Array<[string, string]> =>
    (service.volumes as string[]).filter((v) => v.startsWith('./')).map((v) => v.split(':').slice(0, 2) as [string, string]);
  const rabbitConf = (): Record<string, string> => {
    const [host] = binds(rabbitmq).find(([h]) => h.endsWith('.conf'))!;
    return Object.fromEntries(
      readFileSync(join(ROOT, host), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.trim().startsWith('#'))
        .map((l) => l.split('=').map((x) => x.trim()) as [string, string]),
    );
  };

  it("gives the broker a TLS listener on loopback with trmctl's files, copied for the rabbitmq user", () => {
    const conf = rabbitConf();
    expect(rabbitmq.ports).toContain(`127.0.0.1:${conf['listeners.ssl.default']}:${conf['listeners.ssl.default']}`);
    for (const port of rabbitmq.ports) expect(port).toMatch(/^127\.0\.0\.1:/);
    const [confHost, confInContainer] = binds(rabbitmq).find(([h]) => h.endsWith('.conf'))!;
    expect(existsSync(join(ROOT, confHost))).toBe(true);
    const script = rabbitmq.entrypoint.join('\n');
    expect(script).toContain(`cp ${confInContainer} /etc/rabbitmq/conf.d/`);
    expect(script).toContain('rabbitmq-plugins enable --offline rabbitmq_auth_mechanism_ssl');
    // What the config reads from /run/trm-tls is what the entrypoint installs there from var/tls/AT (trmctl tls create).
    const [tlsHost, tlsInContainer] = binds(rabbitmq).find(([h]) => h.startsWith('./var/tls/'))!;
    expect(tlsHost).toBe('./var/tls/AT');
    const installed = /install -o rabbitmq -g rabbitmq -m 0400 (.+) \/run\/trm-tls\//.exec(script)![1].split(' ');
    expect(installed).toEqual(['ca.pem', 'broker.pem', 'broker-key.pem'].map((f) => `${tlsInContainer}/${f}`));
    for (const key of ['ssl_options.cacertfile', 'ssl_options.certfile', 'ssl_options.keyfile'])
      expect(installed.map((f) => `/run/trm-tls/${basename(f)}`)).toContain(conf[key]);
    expect(Object.entries(conf).filter(([k, v]) => k.startsWith('auth_mechanisms.') && v === 'EXTERNAL')).toHaveLength(1);
  });

  describe.each(['gateway-at', 'gateway-rs'])('%s', (name) => {
    const service = compose.services[name];
    let files: PodFiles;
    let config: NodeConfig;
    let raw: any;

    beforeAll(async () => {
      // var/ as the demo and trmctl tls create leave it, in a temporary folder; the rest of the repository as it is.
      const mounts: Array<[string, string]> = [['/app/config', join(ROOT, 'config')]];
      files = new PodFiles(mounts);
      const tmp = files.root;
      for (const [host, at] of binds(service)) mounts.push([at, host.startsWith('./var/') ? join(tmp, host) : join(ROOT, host)]);
      for (const node of ['AT', 'RS']) {
        const keys = generateNodeKeys(node);
        files.write(join(tmp, 'var/keys', `${node}.private.jwks.json`), JSON.stringify(keys.privateJwks), 0o600);
        files.write(join(tmp, 'var/trust', `${node}.jwks.json`), JSON.stringify(keys.publicJwks));
        const partner = node === 'AT' ? 'RS' : 'AT';
        await createTlsMaterial({ node, dir: join(tmp, 'var/tls', node), clients: [partner], hosts: ['127.0.0.1'], days: 30, force: false });
      }
      files.write(join(tmp, 'var/auth/issuer.jwks.json'), JSON.stringify(generateNodeKeys('AT').publicJwks));
      const env = { ...service.environment, TRM_LINK_AT_RS: 'placeholder-at-rs', TRM_LINK_RS_AT: 'placeholder-rs-at' };
      raw = parse(readFileSync(files.host(env.TRM_CONFIG), 'utf8'));
      config = loadNodeConfig(files.nodeFile(env.TRM_CONFIG), env);
    });
    afterAll(() => files?.remove());

    it('loads its mounted node file, names only mounted files, and links over amqps to the TLS listener', () => {
      expect(config.node).toBe(service.command[1]);
      const tlsPort = rabbitConf()['listeners.ssl.default'];
      for (const url of [...config.broker.urls, ...config.partners.flatMap((p) => p.endpoints)]) {
        const u = new URL(url);
        expect([u.protocol, u.hostname, u.port]).toEqual(['amqps:', '127.0.0.1', tlsPort]);
      }
      expect(pathsIn(raw).map(([key]) => key)).toContain('broker.tls.ca');
      const missing = pathsIn(raw).filter(([, path]) => !existsSync(files.host(path)));
      expect(missing).toEqual([]);
      expect(relative(ROOT, files.host(service.environment.TRM_CONFIG))).toMatch(/^deploy\/docker\/nodes\//);
    });
  });
});
