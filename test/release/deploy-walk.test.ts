import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { selfSignedCertificate } from '../support/self-signed.js';
import { blocks, fileBlock, parseEnvFile, section } from './support/deploy-doc.js';
import { startNginx, type Nginx } from './support/nginx.js';
import { INSTALL_COMMANDS, releaseInstall, type ReleaseInstall } from './support/release-install.js';

/**
 * docs/deploy.md#one-host walked as a newcomer would, from the release tarball to two replicas on
 * PostgreSQL behind nginx over HTTPS, with their metrics scraped. What the page shows is used as
 * written: its configuration files are read from the page's fenced blocks (```ini /etc/prenatal-cds/env
 * …), the replicas started as its systemd unit says (WorkingDirectory, both EnvironmentFiles,
 * ExecStart), its SQL creates the role and the database, its nginx shell lines install and edit
 * deploy/nginx/prenatal-cds.conf. What the test changes, and only that: `/etc`, `/opt`, `/var` live
 * in a temporary directory; ports are free loopback ports instead of 8081/8082/9464/9465/80/443;
 * the database is a throwaway cluster on a unix socket (test/support/postgres-server.ts); the
 * issuer's keys are inline (`jwks`, the alternative the page names) instead of a `jwksUrl`; the
 * certificate is made here with openssl for cds.example.org; nginx runs as a foreground child with
 * a main file of the test's (Debian's includes conf.d/*.conf the same way); and
 * AUTH_FAILURE_LIMIT_PER_MINUTE is 1 so that the client address the replicas see is observable.
 * The release is built and installed once and shared (test/release/support/release-install.ts).
 * Outside CI a missing nginx, openssl or PostgreSQL skips this file with the reason; in CI it fails.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = readFileSync(join(ROOT, 'cds-hooks', 'examples', 'prenatal-diagnosis-referral.json'), 'utf8');
const EXAMPLE_PATIENT = 'p-zhang-li-1989';
/** Ids of the example woman's own record: each woman of the test gets hers (FHIR ids are unique per server). */
const HER_RECORD = /\b(cond-pregnancy-1|dr-us-20261120|eoc-pregnancy-1|fmh-brother-thal-1|ms-folic-1|obs-[a-z]+-1|MRN-20260914-0387)\b/g;
const NAME = 'cds.example.org';
const SERVICE = 'prenatal-diagnosis-referral';
const CALLS = 4;

function missingTool(): string | undefined {
  for (const tool of ['nginx', 'openssl']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0)
      return `${tool} is not installed (Debian package "${tool}")`;
  }
  return undefined;
}

const toolReason = missingTool();
if (toolReason && !process.env.CI) console.warn(`[test/release/deploy-walk] SKIPPED: ${toolReason}`);
const skipReason = (process.env.CI ? undefined : toolReason) ?? postgresSkipReason('test/release/deploy-walk');

/** The file's text once `predicate` holds for it (nginx writes a request's access log line as it ends the request). */
async function fileHolds(path: string, predicate: (text: string) => boolean): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (predicate(text) || attempt >= 100) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body's bytes as they came (compressed when nginx compressed them). */
  readonly raw: Buffer;
  readonly tls?: string | null;
}

interface Replica {
  readonly child: ChildProcess;
  readonly port: number;
  readonly metricsPort: number;
  output: string;
  readonly waiters: (() => void)[];
}

describe.skipIf(Boolean(skipReason))(`docs/deploy.md#one-host walked${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let root = '';
  /** A path of the page (/etc/…, /opt/…, /var/…) in this test's root. */
  const at = (path: string): string => join(root, path);
  const remap = (text: string): string => text.replace(/(^|[\s=@'"])\/(etc|opt|var)\//g, `$1${root}/$2/`);
  let install: ReleaseInstall;
  let db: PostgresServer | undefined;
  let nginx: Nginx | undefined;
  const replicas: Replica[] = [];
  const ports = { https: 0, http: 0 };
  let ca = '';
  let signingKey: CryptoKey;
  let shared: Record<string, string> = {};
  let issuer: { iss: string; fhirServers: string[]; institution: string };
  let qcTokens: Record<string, { role: string; institution?: string }> = {};

  /** One request to nginx as an EHR on the network would send it: https://cds.example.org, the CA pinned. */
  function viaNginx(
    path: string,
    opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string; plain?: boolean } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const common = {
        host: '127.0.0.1',
        path,
        method: opts.method ?? 'GET',
        headers: { host: NAME, ...opts.headers },
        agent: false as const,
        ...(opts.from ? { localAddress: opts.from } : {}),
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: raw.toString('utf8'),
            raw,
            tls: opts.plain ? undefined : (res.socket as TLSSocket).getProtocol?.(),
          });
        });
      };
      const req = opts.plain
        ? httpRequest({ ...common, port: ports.http }, onResponse)
        : httpsRequest({ ...common, port: ports.https, servername: NAME, ca }, onResponse);
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  /** Runs a shell block of the page line by line as written, `sudo` dropped and its paths in the test's root. */
  function runShellLines(block: string, cwd: string): void {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) execFileSync('sh', ['-c', remap(line.replace(/^sudo /, ''))], { cwd, stdio: 'pipe' });
  }

  /** The example referral call for woman `i` of the test (her own record ids), signed by the EHR, through nginx. */
  async function hookCall(patient: string, i: number): Promise<Answer> {
    const her = EXAMPLE.replaceAll(EXAMPLE_PATIENT, patient).replace(HER_RECORD, `$1-walk-${i}`);
    const body = JSON.parse(her) as Record<string, unknown>;
    Object.assign(body, { hookInstance: randomUUID(), fhirServer: issuer.fhirServers[0] });
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'ehr-1' })
      .setIssuer(issuer.iss)
      .setSubject('ehr-client-1')
      .setAudience(`${shared.PUBLIC_BASE_URL}/cds-services/${SERVICE}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(signingKey);
    return viaNginx(`/cds-services/${SERVICE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
      body: JSON.stringify(body),
    });
  }

  async function scrape(r: Replica, token: string | undefined): Promise<Answer> {
    const res = await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const raw = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: {}, body: raw.toString('utf8'), raw };
  }

  /** Resolves once `predicate` holds for the replica's output (checked on every chunk it writes). */
  function outputHolds(r: Replica, predicate: (output: string) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (predicate(r.output)) resolve();
        else if (r.child.exitCode !== null) reject(new Error(`replica on ${r.port} exited ${r.child.exitCode}:\n${r.output}`));
        else r.waiters.push(check);
      };
      check();
    });
  }

  /** Resolves once every request id has its log line on one of the replicas (checked on every chunk either writes). */
  function logged(reqIds: readonly string[]): Promise<void> {
    const holds = (): boolean => reqIds.every((id) => replicas.some((r) => r.output.includes(`"reqId":"${id}"`)));
    return Promise.race(replicas.map((r) => outputHolds(r, holds)));
  }

  /** Starts replica `instance` as the unit of the page does: its WorkingDirectory, EnvironmentFiles and ExecStart. */
  async function startReplica(instance: string): Promise<Replica> {
    const unit = fileBlock('/etc/systemd/system/prenatal-cds@.service').replaceAll('%i', instance);
    const directive = (name: string): string[] => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: root };
    for (const file of directive('EnvironmentFile')) Object.assign(env, parseEnvFile(readFileSync(remap(file), 'utf8')));
    env.AUTH_FAILURE_LIMIT_PER_MINUTE = '1';
    const [exe, ...args] = (directive('ExecStart')[0] ?? '').split(/\s+/);
    expect(exe).toBe('/usr/bin/node');
    const child = spawn(process.execPath, args, {
      cwd: remap(directive('WorkingDirectory')[0] ?? ''),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r: Replica = { child, port: Number(env.PORT), metricsPort: Number(env.METRICS_PORT), output: '', waiters: [] };
    const seen = (b: Buffer): void => {
      r.output += b.toString();
      for (const w of r.waiters.splice(0)) w();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', () => r.waiters.splice(0).forEach((w) => w()));
    replicas.push(r);
    await outputHolds(r, (o) => o.includes('prenatal-cds listening'));
    return r;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'prenatal-cds-walk-'));
    install = await releaseInstall();
    db = await startPostgres();

    // 2. The release in /opt/prenatal-cds (the shared install, linked).
    mkdirSync(at('/opt'), { recursive: true });
    symlinkSync(install.app, at('/opt/prenatal-cds'), 'dir');

    // 3. The database: the page's SQL, as the superuser.
    const [sql = ''] = blocks(section('postgresql'), 'sql');
    const password = 'change-me';
    const admin = new pg.Client({ connectionString: db.url() });
    await admin.connect();
    for (const statement of sql
      .replaceAll('…', password)
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      await admin.query(statement);
    await admin.end();

    // 4. Configuration: the page's files, in /etc/prenatal-cds.
    const etc = at('/etc/prenatal-cds');
    mkdirSync(at('/etc'), { recursive: true });
    runShellLines(blocks(section('one-host'), 'sh').find((b) => b.includes('policy.example.jsonc')) ?? '', root);
    shared = parseEnvFile(fileBlock('/etc/prenatal-cds/env'));
    const documented = new URL(shared.DATABASE_URL ?? '');
    const socket = new URL(db.url()).searchParams.get('host') ?? '';
    const databaseUrl = `postgresql://${documented.username}:${documented.password}@localhost${documented.pathname}?host=${encodeURIComponent(socket)}&port=5432`;
    writeFileSync(join(etc, 'env'), remap(fileBlock('/etc/prenatal-cds/env')).replace(/^DATABASE_URL=.*$/m, `DATABASE_URL=${databaseUrl}`));
    for (const [instance, [port, metricsPort]] of [
      ['1', ['8081', '9464']],
      ['2', ['8082', '9465']],
    ] as const) {
      writeFileSync(
        join(etc, `replica-${instance}.env`),
        fileBlock(`/etc/prenatal-cds/replica-${instance}.env`)
          .replace(`PORT=${port}`, `PORT=${await freePort()}`)
          .replace(`METRICS_PORT=${metricsPort}`, `METRICS_PORT=${await freePort()}`),
      );
    }
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    signingKey = privateKey;
    const [documentedIssuer] = JSON.parse(fileBlock('/etc/prenatal-cds/trusted-issuers.json')) as {
      iss: string;
      jwksUrl?: string;
      fhirServers: string[];
      institution: string;
    }[];
    const { jwksUrl, ...rest } = documentedIssuer!;
    expect(jwksUrl).toMatch(/^https:\/\//);
    issuer = rest;
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'ehr-1', alg: 'ES384', use: 'sig' }] };
    writeFileSync(join(etc, 'trusted-issuers.json'), JSON.stringify([{ ...issuer, jwks }], null, 2));
    qcTokens = JSON.parse(fileBlock('/etc/prenatal-cds/qc-tokens.json')) as typeof qcTokens;
    writeFileSync(join(etc, 'qc-tokens.json'), fileBlock('/etc/prenatal-cds/qc-tokens.json'));

    // 5. The replicas: the first applies the migrations, the second joins.
    const first = await startReplica('1');
    expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
    const second = await startReplica('2');
    expect((await fetch(`http://127.0.0.1:${second.port}/readyz`)).status).toBe(200);

    // 6. nginx: the page's install and sed lines, run as written (sudo dropped), in the directory the file was copied to.
    const home = at('/home/admin');
    mkdirSync(home, { recursive: true });
    copyFileSync(join(ROOT, 'deploy', 'nginx', 'prenatal-cds.conf'), join(home, 'prenatal-cds.conf'));
    mkdirSync(at('/etc/nginx/conf.d'), { recursive: true });
    const nginxSteps = blocks(section('one-host'), 'sh').find((b) => b.includes('/etc/nginx/conf.d/prenatal-cds.conf')) ?? '';
    runShellLines(
      nginxSteps
        .replace('127.0.0.1:8081', `127.0.0.1:${first.port}`)
        .replace('127.0.0.1:8082', `127.0.0.1:${second.port}`)
        .split('\n')
        .filter((line) => !line.includes('nginx -t')) // below, on the test's own main file
        .join('\n'),
      home,
    );
    const tlsDir = at('/etc/nginx/tls');
    selfSignedCertificate({
      commonName: NAME,
      subjectAltName: `DNS:${NAME}`,
      keyFile: join(tlsDir, 'privkey.pem'),
      certFile: join(tlsDir, 'fullchain.pem'),
    });
    ca = readFileSync(join(tlsDir, 'fullchain.pem'), 'utf8');
    ports.https = await freePort();
    ports.http = await freePort();
    const confFile = at('/etc/nginx/conf.d/prenatal-cds.conf');
    const installed = readFileSync(confFile, 'utf8');
    for (const listen of ['listen 80;', 'listen 443 ssl;', 'listen [::]:80;', 'listen [::]:443 ssl;']) expect(installed).toContain(listen);
    writeFileSync(
      confFile,
      remap(installed)
        .replace('listen 80;', `listen 127.0.0.1:${ports.http};`)
        .replace('listen 443 ssl;', `listen 127.0.0.1:${ports.https} ssl;`)
        .replace(/^\s*listen \[::\].*\n/gm, ''),
    );
    mkdirSync(at('/var/log/nginx'), { recursive: true }); // as Debian's package makes it
    nginx = await startNginx({ root, prefix: at('/var/lib/nginx'), confDir: at('/etc/nginx/conf.d'), ports: [ports.https, ports.http] });
  }, 600_000);

  afterAll(async () => {
    const stopped = (c: ChildProcess): Promise<unknown> =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((resolve) => c.once('exit', resolve));
    await nginx?.stop();
    for (const r of replicas) {
      const done = stopped(r.child);
      r.child.kill('SIGTERM');
      await done;
    }
    db?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('installs as the page says: its commands are the ones the shared install ran, offline, with no devDependency', () => {
    const installSteps = blocks(section('install'), 'sh').join('\n');
    expect(installSteps).toContain(`${INSTALL_COMMANDS.unpack('prenatal-cds-0.1.0.tgz', '/opt/prenatal-cds').join(' ')}`);
    expect(installSteps).toContain(INSTALL_COMMANDS.npmCi.join(' '));
    expect(existsSync(join(install.app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(install.app, 'node_modules', 'pg'))).toBe(true);
    // With DATABASE_URL nothing is written into the application tree (the unit's ProtectSystem=strict).
    expect(existsSync(join(install.app, 'data'))).toBe(false);
  });

  it('two replicas on one PostgreSQL: the first applied the migrations, the second found them applied', async () => {
    const storeReady = (r: Replica): { engine?: string; schemaVersion?: number; applied?: number } | undefined =>
      r.output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; engine?: string; schemaVersion?: number; applied?: number })
        .filter((line) => line.msg === 'store ready')
        .map(({ engine, schemaVersion, applied }) => ({ engine, schemaVersion, applied }))[0];
    const [first, second] = replicas.map(storeReady);
    expect(first?.engine).toBe('postgres');
    expect(first?.applied).toBe(first?.schemaVersion);
    expect(first?.applied).toBeGreaterThan(0);
    expect(second).toEqual({ ...first, applied: 0 });
    const client = new pg.Client({ connectionString: db!.url('prenatal_cds') });
    await client.connect();
    try {
      const { rows } = await client.query<{ owner: string }>(
        "SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'hook_call'",
      );
      expect(rows).toEqual([{ owner: 'prenatal_cds' }]);
    } finally {
      await client.end();
    }
  });

  it('nginx ends TLS for cds.example.org: discovery and /readyz over HTTPS, HTTP redirected, /metrics not public', async () => {
    const discovery = await viaNginx('/cds-services');
    expect(discovery.status).toBe(200);
    expect(discovery.tls).toMatch(/^TLSv1\.[23]$/);
    expect(discovery.headers['strict-transport-security']).toBe('max-age=31536000');
    const ids = (JSON.parse(discovery.body) as { services: { id: string }[] }).services.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([SERVICE, 'prenatal-diagnosis-referral-encounter', 'nipt-order-check', 'special-technique-order-sign']),
    );
    expect((await viaNginx('/readyz')).status).toBe(200);
    const plain = await viaNginx('/cds-services', { plain: true });
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`https://${NAME}/cds-services`);
    expect((await viaNginx('/metrics')).status).toBe(404);
    // Compression is for the QC reports only (below): nothing else is compressed, whatever the client accepts.
    const asked = await viaNginx('/cds-services', { headers: { 'accept-encoding': 'gzip' } });
    expect(asked.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(asked.body)).toEqual(JSON.parse(discovery.body));
  });

  const served: { reqId: string; patient: string; notice?: string }[] = [];

  it('signed hook calls through nginx get cards from both replicas; X-Request-Id is nginx’s id, on the replica’s log line', async () => {
    for (let i = 1; i <= CALLS; i++) {
      const patient = `${EXAMPLE_PATIENT}-walk-${i}`;
      const res = await hookCall(patient, i);
      expect(res.status, res.body).toBe(200);
      const { cards } = JSON.parse(res.body) as { cards: { links?: { url: string }[] }[] };
      expect(cards.length).toBeGreaterThan(0);
      const notice = cards.flatMap((c) => c.links ?? []).find((l) => l.url.startsWith(`${shared.PUBLIC_BASE_URL}/notices/`))?.url;
      const reqId = String(res.headers['x-request-id']);
      expect(reqId).toMatch(/^[0-9a-f]{32}$/);
      served.push({ reqId, patient, ...(notice ? { notice } : {}) });
    }
    await logged(served.map((s) => s.reqId));
    const logs = (r: Replica, reqId: string): boolean => r.output.includes(`"reqId":"${reqId}"`);
    for (const s of served) expect(replicas.filter((r) => logs(r, s.reqId))).toHaveLength(1);
    for (const r of replicas) expect(served.filter((s) => logs(r, s.reqId)).length).toBeGreaterThan(0);
    // nginx's access log (the file's log_format): the same request id, and the replica that answered it.
    const accessLog = await fileHolds(at('/var/log/nginx/access.log'), (text) =>
      served.every((s) => text.includes(`request_id=${s.reqId}`)),
    );
    for (const s of served) {
      const line = accessLog.split('\n').find((l) => l.includes(`request_id=${s.reqId}`)) ?? '';
      expect(line).toContain(`"POST /cds-services/${SERVICE} HTTP/1.1" 200 `);
      expect(line).toContain(`upstream=127.0.0.1:${replicas.find((r) => logs(r, s.reqId))!.port} `);
    }
  });

  it('each replica’s /metrics on its METRICS_PORT, with the token, counts the calls it served; both together all of them', async () => {
    const counted: number[] = [];
    for (const r of replicas) {
      expect((await scrape(r, undefined)).status).toBe(401);
      const res = await scrape(r, shared.METRICS_TOKEN);
      expect(res.status).toBe(200);
      const m = new RegExp(`^prenatal_cds_hook_calls_total\\{service="${SERVICE}",status="200"\\} (\\d+)$`, 'm').exec(res.body);
      const n = Number(m?.[1]);
      expect(n).toBe(served.filter((s) => r.output.includes(`"reqId":"${s.reqId}"`)).length);
      counted.push(n);
    }
    // The page's scrape check uses the same token and the replicas' METRICS_PORTs.
    const check = blocks(section('one-host'), 'sh').find((b) => b.includes('/metrics')) ?? '';
    expect(check).toContain(`Authorization: Bearer ${shared.METRICS_TOKEN}`);
    for (const instance of ['1', '2'])
      expect(check).toContain(parseEnvFile(fileBlock(`/etc/prenatal-cds/replica-${instance}.env`)).METRICS_PORT);
    expect(counted.every((n) => n > 0)).toBe(true);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(CALLS);
  });

  it('the written notice a card links to (PUBLIC_BASE_URL, the policy’s institutions) opens through nginx from either replica', async () => {
    const link = served[0]?.notice;
    expect(link, 'the card links to its written notice').toBeDefined();
    const path = link!.slice(shared.PUBLIC_BASE_URL!.length);
    // Two requests in a row: nginx's round robin gives them to the two replicas, and each reads the notice from the database.
    const pages = [await viaNginx(path), await viaNginx(path)];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('浙江大学医学院附属妇产科医院'); // the policy's referralInstitution
      expect(page.body).toContain('张丽');
    }
    const reqIds = pages.map((p) => String(p.headers['x-request-id']));
    await logged(reqIds);
    const by = reqIds.map((id) => replicas.findIndex((r) => r.output.includes(`"reqId":"${id}"`)));
    expect(new Set(by).size).toBe(2);
  });

  it('a QC report through nginx reads the calls of both replicas, compressed for a client that accepts it', async () => {
    const [token] = Object.entries(qcTokens).find(([, t]) => t.role === 'institution' && t.institution === issuer.institution) ?? [];
    expect(token).toBeDefined();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const from = new Date(Date.parse(today) - 7 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.parse(today) + 7 * 86_400_000).toISOString().slice(0, 10);
    const path = `/qc/notification-compliance?from=${from}&to=${to}&groupBy=institution`;
    const res = await viaNginx(path, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
    expect(res.status, res.body).toBe(200);
    // nginx compresses the QC reports for a client that accepts it, and says so to caches.
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    const body = gunzipSync(res.raw).toString('utf8');
    const report = JSON.parse(body) as { cases: { patient: string }[] };
    expect(report.cases.map((c) => c.patient).sort(), body).toEqual(served.map((s) => s.patient).sort());
    // A client that does not accept it gets the same report uncompressed.
    const plain = await viaNginx(path, { headers: { authorization: `Bearer ${token}` } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body)).toEqual(report);
  });

  it('TRUST_PROXY=loopback: the replicas see the client’s address from nginx’s X-Forwarded-For, and count its failures across replicas', async () => {
    const stranger = await generateKeyPair('ES384');
    const failedCall = async (from: string): Promise<Answer> => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'ehr-1' })
        .setIssuer(issuer.iss)
        .setAudience(`${shared.PUBLIC_BASE_URL}/cds-services/${SERVICE}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(stranger.privateKey);
      return viaNginx(`/cds-services/${SERVICE}`, {
        method: 'POST',
        from,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
        body: JSON.stringify({
          hook: 'patient-view',
          hookInstance: randomUUID(),
          context: { userId: 'Practitioner/pr-wang-fang', patientId: 'p-李' },
        }),
      });
    };
    // AUTH_FAILURE_LIMIT_PER_MINUTE=1 in fixed one-minute windows: a pair that straddles a window
    // boundary is not refused, so a fresh pair of client addresses is tried again.
    let refused: { first: Answer; second: Answer } | undefined;
    for (let attempt = 0; attempt < 3 && !refused; attempt++) {
      const client = `127.0.0.${10 + 2 * attempt}`;
      const first = await failedCall(client);
      expect(first.status).toBe(401);
      const second = await failedCall(client);
      if (second.status === 429) refused = { first, second };
      // Another client's first failure is not refused: the replicas tell the clients apart, where without
      // TRUST_PROXY every request comes from nginx's 127.0.0.1 and this would be 429 too.
      expect((await failedCall(`127.0.0.${11 + 2 * attempt}`)).status).toBe(401);
    }
    expect(refused).toBeDefined();
    // nginx's round robin sent the two calls of the pair to different replicas: the count is shared.
    const answeredBy = (a: Answer): number[] =>
      replicas.map((r, i) => (r.output.includes(`"reqId":"${String(a.headers['x-request-id'])}"`) ? i : -1)).filter((i) => i >= 0);
    await logged([refused!.first, refused!.second].map((a) => String(a.headers['x-request-id'])));
    expect(answeredBy(refused!.first)).toHaveLength(1);
    expect(answeredBy(refused!.first)).not.toEqual(answeredBy(refused!.second));
  });

  it('a replica stopped as systemctl stops it (SIGTERM): nginx gives every call to the other, which answers all', async () => {
    const [first, second] = replicas;
    const exited = new Promise((resolve) => second!.child.once('exit', resolve));
    second!.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const before = first!.output.length;
    const answers: Answer[] = [];
    for (let i = CALLS + 1; i <= CALLS + 3; i++) answers.push(await hookCall(`${EXAMPLE_PATIENT}-walk-${i}`, i));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const reqIds = answers.map((a) => String(a.headers['x-request-id']));
    await outputHolds(first!, (o) => reqIds.every((id) => o.slice(before).includes(`"reqId":"${id}"`)));
  });
});
