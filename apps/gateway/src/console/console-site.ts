import fastifyStatic from '@fastify/static';
import { Inject, Injectable } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { IMMUTABLE_CACHE, SiteFallback } from '../http/secure-http';

/** Paths of the API and of the node's own documents: never the console's, whatever they name (they keep their 404). */
const API_PATHS = ['/v1', '/health', '/docs', '/openapi.json', '/metrics'];
const isApiPath = (path: string): boolean => API_PATHS.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}-`));

/** Vite puts the files it names by their content hash here: they never change, so browsers may keep them. */
const ASSETS = '/assets/';

/**
 * The web console, served at `/` from its build (`console.root`): a file of the build when the path names one,
 * else its page (index.html) for the routes the console handles itself (/cases/AT-2026-X). Its answers carry a
 * policy of their own: scripts and styles from this origin only, and the identity provider for sign-in.
 */
@Injectable()
export class ConsoleSite implements SiteFallback {
  private readonly root: string;
  readonly contentSecurityPolicy: string;

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    this.root = resolve(config.console.root);
    const authority = originOf(config.console.authority);
    const withAuthority = authority ? `'self' ${authority}` : "'self'";
    this.contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      `connect-src ${withAuthority}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      `form-action ${withAuthority}`,
      "object-src 'none'",
    ].join('; ');
  }

  /** Lets replies send files of the build; routes stay the API's (the console answers only what no route took). */
  async install(app: NestFastifyApplication): Promise<void> {
    await app.register(fastifyStatic, { root: this.root, serve: false, suppressWarning: true });
  }

  serves(path: string): boolean {
    return !isApiPath(path);
  }

  async answer(path: string, _request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const file = await this.fileOf(path);
    const last = path.slice(path.lastIndexOf('/') + 1);
    // A missing file (a script, an image) is a 404, not the page: only routes without an extension are the console's.
    const page = file === null && !last.includes('.') ? await this.fileOf('/index.html') : null;
    if (file === null && page === null) {
      const built = (await this.fileOf('/index.html')) !== null;
      return reply
        .code(404)
        .header('content-type', 'text/plain; charset=utf-8')
        .send(built ? 'no such file\n' : 'the web console is not built: run npm run build\n');
    }
    const name = (file ?? page)!;
    reply.header('content-security-policy', this.contentSecurityPolicy);
    if (file !== null && path.startsWith(ASSETS)) reply.header('cache-control', IMMUTABLE_CACHE);
    return reply.sendFile(name, { cacheControl: false, dotfiles: 'deny' });
  }

  /** The file of the build that `path` names, relative to the root; null when it names none (or leaves the root). */
  private async fileOf(path: string): Promise<string | null> {
    if (path.split('/').some((segment) => segment.startsWith('.'))) return null;
    const full = resolve(this.root, `.${path}`);
    if (!full.startsWith(this.root + sep)) return null;
    try {
      return (await stat(full)).isFile() ? full.slice(this.root.length + 1) : null;
    } catch {
      return null;
    }
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
