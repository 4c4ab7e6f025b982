import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../../scripts/release.mjs';

/**
 * STATIC checks of the container files (docs/deploy.md#image): the image cannot be built here (no
 * Docker engine), so this reads Dockerfile, .dockerignore, compose.yaml and the nginx block and
 * checks they take the release path that test/release/release-tarball.test.ts runs for real —
 * `npm ci`, `npm run release` (its `npm run build` and `npm pack`), `npm ci --omit=dev` — as a
 * non-root user, with a HEALTHCHECK on /readyz and a DATA_DIR volume. Nothing here builds or runs.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Dockerfile instructions per stage: comments dropped, `\` continuations joined. */
function stages(text: string): Instruction[][] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const out: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const instruction = { keyword: m[1]!, args: m[2]!.replace(/\s+/g, ' ').trim() };
    if (instruction.keyword === 'FROM') out.push([]);
    out.at(-1)?.push(instruction);
  }
  return out;
}

const args = (stage: Instruction[], keyword: string): string[] => stage.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile (static check: the image is not built here)', () => {
  const [build = [], runtime = []] = stages(read('Dockerfile'));
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; files: string[] };

  it('has a build stage and a runtime stage, both node:20-bookworm-slim', () => {
    expect(stages(read('Dockerfile'))).toHaveLength(2);
    expect(args(build, 'FROM')).toEqual(['node:20-bookworm-slim AS build']);
    expect(args(runtime, 'FROM')).toEqual(['node:20-bookworm-slim AS runtime']);
  });

  it('build stage: `npm ci` with the dev dependencies, then the release script on exactly its SOURCES', () => {
    const runs = args(build, 'RUN');
    expect(runs).toEqual(['npm ci --no-audit --no-fund', 'npm run release']);
    expect(pkg.scripts.release).toBe('node scripts/release.mjs');
    expect(read('scripts/release.mjs')).toContain("step('npm run build', 'npm', ['run', 'build'");
    expect(pkg.scripts.build).toBe('node scripts/build-if-stale.mjs --force');
    const copied = args(build, 'COPY').flatMap((a) => {
      const words = a.split(' ');
      return words.slice(0, -1);
    });
    expect([...copied].sort()).toEqual([...SOURCES].sort());
  });

  it('runtime stage: the release tarball installed with `npm ci --omit=dev`, started as package.json starts it', () => {
    expect(args(runtime, 'COPY')).toEqual(['--from=build /src/release/ /tmp/release/']);
    const [install] = args(runtime, 'RUN');
    expect(install).toContain('tar -xzf /tmp/release/prenatal-cds-*.tgz --strip-components=1 -C /app');
    expect(install).toContain('npm ci --omit=dev');
    expect(args(runtime, 'ENV')).toContain('NODE_ENV=production');
    expect(args(runtime, 'CMD')).toEqual(['["node", "dist/src/main.js"]']);
    expect(pkg.scripts.start).toBe('node dist/src/main.js');
  });

  it('runs as a non-root user, with nothing run as root after it', () => {
    const users = args(runtime, 'USER');
    expect(users).toEqual(['node']);
    const at = runtime.findIndex((i) => i.keyword === 'USER');
    expect(runtime.slice(at).filter((i) => i.keyword === 'RUN' || i.keyword === 'USER')).toHaveLength(1);
  });

  it('HEALTHCHECK runs scripts/healthcheck.mjs with node, which asks /readyz and ships in the tarball', () => {
    const [check] = args(runtime, 'HEALTHCHECK');
    expect(check).toMatch(/CMD \["node", "scripts\/healthcheck\.mjs"\]$/);
    expect(read('scripts/healthcheck.mjs')).toContain("path: '/readyz'");
    expect(pkg.files).toContain('scripts/healthcheck.mjs');
  });

  it('DATA_DIR is a volume, the service port is exposed', () => {
    const env = args(runtime, 'ENV').join(' ');
    expect(env).toContain('DATA_DIR=/var/lib/prenatal-cds');
    expect(env).toContain('PORT=8080');
    expect(args(runtime, 'VOLUME')).toEqual(['["/var/lib/prenatal-cds"]']);
    expect(args(runtime, 'EXPOSE')).toEqual(['8080']);
  });

  it('.dockerignore keeps local state out of the build context and every source in', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', 'data', 'release', '.env']));
    expect(ignored.filter((entry) => SOURCES.includes(entry))).toEqual([]);
  });
});

describe('compose.yaml and the nginx block (static check)', () => {
  const compose = read('compose.yaml');
  const nginx = read('deploy/nginx/prenatal-cds.conf');

  it('PostgreSQL 15 with a health check, two replicas of the image on DATABASE_URL, nginx in front', () => {
    expect(compose).toContain('image: postgres:15-bookworm');
    expect(compose).toContain('pg_isready');
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/prenatal_cds:\$\{POSTGRES_PASSWORD:\?[^}]*\}@db:5432\/prenatal_cds/);
    expect(compose).toContain('  cds-1: *cds\n  cds-2: *cds\n');
    expect(compose).toContain('condition: service_healthy');
    expect(compose).toContain('./deploy/nginx/prenatal-cds.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(nginx).toContain('server cds-1:8080;');
    expect(nginx).toContain('server cds-2:8080;');
  });

  it('nginx forwards the client address and scheme, ends TLS, stays under the service’s keep-alive', () => {
    expect(nginx).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(nginx).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(nginx).toContain('listen 443 ssl;');
    expect(nginx).toContain('client_max_body_size 5m;');
    expect(nginx).toContain('keepalive_timeout 4s;');
    expect(compose).toContain("TRUST_PROXY: '1'");
  });

  it('docs/deploy.md shows the nginx block exactly as deploy/nginx/prenatal-cds.conf', () => {
    const doc = read('docs/deploy.md');
    const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(nginx);
  });
});
