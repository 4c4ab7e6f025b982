import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildDiscovery } from '../../src/cds-hooks/discovery.js';
import { SERVICE_HOOKS, SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import { loadServiceDefinitions } from '../../src/cds-hooks/service-definitions.js';
import { packageRoot } from '../../src/package-root.js';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { createServices } from '../../src/services.js';
import { buildHarness } from '../support/app-fixture.js';

describe('GET /cds-services (discovery)', () => {
  it('lists every service with hook, title, description, id and prefetch', async () => {
    const h = buildHarness();
    const res = await request(h.app).get('/cds-services').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const services = res.body.services as {
      id: string;
      hook: string;
      title: string;
      description: string;
      prefetch: Record<string, string>;
    }[];
    expect(services.map((s) => s.id).sort()).toEqual([...SERVICE_IDS].sort());
    for (const s of services) {
      expect(s.hook).toBe(SERVICE_HOOKS[s.id as keyof typeof SERVICE_HOOKS]);
      expect(s.title.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(0);
      expect(s.prefetch.patient).toBe('Patient/{{context.patientId}}');
    }
  });

  it('equals the document built from the definition files', async () => {
    const h = buildHarness();
    const res = await request(h.app).get('/cds-services').expect(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildDiscovery(loadServiceDefinitions()))));
  });

  it('answers HEAD like GET (no body) and refuses POST with 405 + Allow', async () => {
    const h = buildHarness();
    await request(h.app).head('/cds-services').expect(200);
    const res = await request(h.app).post('/cds-services').send({}).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.issue[0].details.coding[0].code).toBe('method-not-allowed');
  });
});

describe('discovery ⇔ definitions ⇔ code', () => {
  const dir = join(packageRoot(), 'cds-hooks', 'services');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('every ServiceId has exactly one definition file, and no file is extra', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...SERVICE_IDS].sort());
  });

  it('every ServiceId has exactly one definition and one discovery entry, with the hook of docs/design.md#services', () => {
    const defs = loadServiceDefinitions();
    const discovery = buildDiscovery(defs);
    for (const id of SERVICE_IDS) {
      expect(defs.filter((d) => d.id === id)).toHaveLength(1);
      expect(discovery.services.filter((s) => s.id === id)).toHaveLength(1);
      expect(defs.find((d) => d.id === id)?.hook).toBe(SERVICE_HOOKS[id]);
    }
  });

  it('every required prefetch key is advertised, and every definition has a handler', () => {
    const services = createServices({
      policy: DEFAULT_POLICY,
      locale: 'zh-CN',
      newId: () => crypto.randomUUID(),
      publicBaseUrl: 'http://localhost:8080',
      registry: new MemoryRegistryStore(),
    });
    for (const d of loadServiceDefinitions()) {
      expect(d.requiredPrefetch.length).toBeGreaterThan(0);
      for (const k of d.requiredPrefetch) expect(Object.keys(d.prefetch)).toContain(k);
      expect(typeof services[d.id]).toBe('function');
    }
  });
});
