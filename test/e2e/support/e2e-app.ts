import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { createApp } from '../../../src/app.js';
import { createAuthenticator } from '../../../src/auth/authenticator.js';
import { loadServiceDefinitions } from '../../../src/cds-hooks/service-definitions.js';
import type { ServiceId } from '../../../src/engine/rule.js';
import { fixedClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config/load.js';
import { createSnapshotLoader } from '../../../src/fhir/load-snapshot.js';
import { createLogger } from '../../../src/log.js';
import { packageRoot } from '../../../src/package-root.js';
import type { AppDeps } from '../../../src/ports.js';
import { MemoryRegistryStore } from '../../../src/registry/memory-registry-store.js';
import { createServices } from '../../../src/services.js';
import { MemoryFeedbackStore, MemoryHookCallLog, MemoryNoticeStore } from '../../../src/store/memory-stores.js';

/**
 * The production composition of src/compose.ts (real loadConfig, createServices,
 * createSnapshotLoader, createAuthenticator), with the clock fixed (clinical and JWT time alike) and
 * in-memory notice / feedback / hook-call / registry stores in place of the SQL audit store.
 */
export const PUBLIC_BASE_URL = 'https://cds.e2e.example';
/** 2026-11-23 10:00 in Asia/Shanghai. */
export const NOW = '2026-11-23T02:00:00Z';
export const NOW_SECONDS = Math.floor(Date.parse(NOW) / 1000);

export interface E2eApp {
  readonly app: ReturnType<typeof createApp>;
  readonly deps: AppDeps;
  readonly notices: MemoryNoticeStore;
  readonly feedback: MemoryFeedbackStore;
  readonly hookCalls: MemoryHookCallLog;
  readonly logLines: () => string[];
}

export interface E2eOptions {
  /** Environment on top of `PUBLIC_BASE_URL` and `AUTH_MODE=off`. */
  readonly env?: Readonly<Record<string, string>>;
}

export function buildE2eApp(opts: E2eOptions = {}): E2eApp {
  const config = loadConfig({ PUBLIC_BASE_URL, AUTH_MODE: 'off', LOG_LEVEL: 'info', FHIR_TIMEOUT_MS: '5000', ...opts.env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger(config, sink);
  const notices = new MemoryNoticeStore();
  const hookCalls = new MemoryHookCallLog(notices);
  const feedback = new MemoryFeedbackStore(hookCalls);
  const deps: AppDeps = {
    config,
    clock: fixedClock(NOW, config.clinicTimeZone),
    logger,
    definitions: loadServiceDefinitions(),
    authenticate: createAuthenticator(config, { logger, nowSeconds: () => NOW_SECONDS }),
    loadSnapshot: createSnapshotLoader({ timeoutMs: config.fhirTimeoutMs, maxPages: config.fhirMaxPages, logger }),
    services: createServices({
      policy: config.policy,
      locale: config.locale,
      newId: randomUUID,
      publicBaseUrl: config.publicBaseUrl,
      registry: new MemoryRegistryStore(),
    }),
    notices,
    feedback,
    recordHookCall: hookCalls.record,
  };
  return { app: createApp(deps), deps, notices, feedback, hookCalls, logLines: () => [...lines] };
}

/** A hook request as the EHR sends it (mutable deep copy of the shipped example). */
export interface HookBody {
  hookInstance: string;
  hook: string;
  fhirServer?: string;
  fhirAuthorization?: Record<string, unknown>;
  context: Record<string, unknown>;
  prefetch?: Record<string, unknown>;
}

export function example(id: ServiceId): HookBody {
  return JSON.parse(readFileSync(join(packageRoot(), 'cds-hooks', 'examples', `${id}.json`), 'utf8')) as HookBody;
}

/** The resources of a prefetch value (a resource, or a Bundle's entries). */
export function resourcesOf(value: unknown): Resource[] {
  if (!value || typeof value !== 'object') return [];
  const r = value as Resource;
  if (r.resourceType === 'Bundle') return (r.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  return [r];
}

/** A searchset Bundle of these resources, as an EHR returns it. */
export function searchset(resources: readonly Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((r) => ({
      fullUrl: `https://ehr.example.cn/fhir/${r.resourceType}/${r.id ?? ''}`,
      resource: r,
      search: { mode: 'match' as const },
    })),
  };
}

/** The prefetch Bundle `key` of `body` (asserting it is one). */
export function bundleOf(body: HookBody, key: string): Bundle {
  const b = body.prefetch?.[key] as Bundle | undefined;
  if (!b || b.resourceType !== 'Bundle') throw new Error(`prefetch.${key} is not a Bundle`);
  return b;
}

/** Appends a resource to the prefetch Bundle `key`. */
export function addToBundle(body: HookBody, key: string, resource: Resource): void {
  const b = bundleOf(body, key);
  b.entry = [
    ...(b.entry ?? []),
    { fullUrl: `https://ehr.example.cn/fhir/${resource.resourceType}/${resource.id ?? ''}`, resource, search: { mode: 'match' } },
  ];
  b.total = b.entry.length;
}

/** Removes the resources with these ids from the prefetch Bundle `key`. */
export function removeFromBundle(body: HookBody, key: string, ids: readonly string[]): void {
  const b = bundleOf(body, key);
  b.entry = (b.entry ?? []).filter((e) => !ids.includes(e.resource?.id ?? ''));
  b.total = b.entry.length;
}

export interface WireFinding {
  readonly rule: string;
  readonly citation: string;
  readonly evidence: string[];
  readonly params: Record<string, unknown>;
}

export interface WireCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string };
  suggestions?: {
    label: string;
    uuid: string;
    isRecommended?: boolean;
    actions?: { type: string; description: string; resource?: Resource; resourceId?: string[] }[];
  }[];
  selectionBehavior?: string;
  overrideReasons?: { system?: string; code: string; display?: string }[];
  links?: { label: string; url: string; type: string }[];
  extension?: Record<string, unknown>;
}

export function findingsOf(card: WireCard | undefined): WireFinding[] {
  return (card?.extension?.['org.prenatal-cds.findings'] ?? []) as WireFinding[];
}

export function ruleIds(card: WireCard | undefined): string[] {
  return [...new Set(findingsOf(card).map((f) => f.rule))].sort();
}

/** The path (with query) of the card's notice link, relative to PUBLIC_BASE_URL. */
export function noticePath(card: WireCard): string {
  const link = card.links?.find((l) => l.type === 'absolute');
  if (!link) throw new Error('card has no absolute link');
  const url = new URL(link.url);
  if (url.origin !== new URL(PUBLIC_BASE_URL).origin) throw new Error(`notice link ${link.url} is not under PUBLIC_BASE_URL`);
  return url.pathname + url.search;
}

/** The notice id of the card's notice link (`/notices/{id}?t=<token>`). */
export function noticeIdOf(card: WireCard): string {
  return new URL(noticePath(card), PUBLIC_BASE_URL).pathname.slice('/notices/'.length);
}
