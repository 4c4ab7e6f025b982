/**
 * QC at province scale: a year of audited hook calls generated in SQL into the migrated schema
 * (test/bench/lib/qc-scale-data.ts), then the report code paths the routes run — the store read and
 * the pure computation — timed for a month and a year, for the province, the largest and the
 * smallest institution: notification compliance (readCompliancePeriod + computeCompliance), the
 * same report from the per-pregnancy summary (`compliance-summary`: complianceReport, after the
 * summary was built once — the build's women, facts and seconds are reported too), the
 * follow-up funnel (readFollowUpPeriod + computeFollowUp), the same funnel from the summary
 * (`follow-up-summary`: followUpReport) and data quality (readDataQualityPeriod +
 * computeDataQuality). Each case: `--reps` timed runs after one warm-up → p50/p95 of the whole, of
 * the read and of the computation, rows read per statement, heap used; the 1-minute load average
 * beside every figure. Writes test-results/bench/qc-scale.json and prints a table.
 *
 *   node --expose-gc --import tsx test/bench/qc-scale.ts --engine pg|pglite --calls 1000000 [--institutions 90]
 *     [--reps 20] [--province-reps N (default --reps)] [--explain] [--keep] [--data-dir DIR (pglite)] [--only compliance,compliance-summary,follow-up,follow-up-summary,data-quality]
 *     [--summary-batch 1000]
 *     [--periods month,year] [--scopes province,large,small] [--statement-timeout-ms 5000] [--qc-statement-timeout-ms 120000]
 *
 * PostgreSQL: `DATABASE_URL` (kept: a second run on the same database skips the generation and
 * applies any new migration first), else a throwaway server of test/support/postgres-server.ts.
 * PGlite: `--data-dir` (kept likewise), else a temp directory. `--explain` prints EXPLAIN (ANALYZE,
 * BUFFERS) of every statement of the year reports (province and largest institution).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY } from '../../src/clinical/policy.js';
import { ART25_NOTICE_RULE_IDS } from '../../src/engine/rule-ids.js';
import { computeCompliance } from '../../src/qc/compliance.js';
import { computeDataQuality } from '../../src/qc/data-quality.js';
import { computeFollowUp } from '../../src/qc/follow-up.js';
import { createAuditStore } from '../../src/store/audit-store.js';
import { readCompliancePeriod } from '../../src/store/compliance-period.js';
import { complianceReport } from '../../src/store/compliance-report.js';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { readDataQualityPeriod } from '../../src/store/data-quality-period.js';
import { readFollowUpPeriod } from '../../src/store/follow-up-period.js';
import { followUpReport } from '../../src/store/follow-up-report.js';
import type { Sql } from '../../src/store/sql.js';
import { createDatabase } from '../store/postgres-target.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { countRows, generateProvince } from './lib/qc-scale-data.js';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pg' },
    calls: { type: 'string', default: '1000000' },
    institutions: { type: 'string', default: '90' },
    reps: { type: 'string', default: '20' },
    'province-reps': { type: 'string' },
    explain: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    only: { type: 'string', default: 'compliance,compliance-summary,follow-up,follow-up-summary,data-quality' },
    // Women per transaction of the summary's build (the server folds 200 per transaction in the background).
    'summary-batch': { type: 'string', default: '1000' },
    periods: { type: 'string', default: 'month,year' },
    scopes: { type: 'string', default: 'province,large,small' },
    // The service's defaults: the reports read on their own connections (QC_STATEMENT_TIMEOUT_MS), not
    // bounded by a hook call's DB_STATEMENT_TIMEOUT_MS (docs/design.md#qc-scale).
    'statement-timeout-ms': { type: 'string', default: '5000' },
    'qc-statement-timeout-ms': { type: 'string', default: '120000' },
  },
});
const engine = args.engine === 'pglite' ? 'pglite' : 'pg';
const YEAR = 2026;
const TODAY = `${YEAR + 1}-01-10`;
const TIME_ZONE = 'Asia/Shanghai';
const reps = Number(args.reps);
const reports = args.only!.split(',') as ('compliance' | 'compliance-summary' | 'follow-up' | 'follow-up-summary' | 'data-quality')[];
const load = () => Number(loadavg()[0]!.toFixed(2));
const log = (line: string) => console.log(line);

interface Statement {
  readonly text: string;
  readonly params: readonly unknown[];
  readonly ms: number;
  readonly rows: number;
}

/** The Sql with every statement recorded (text, parameters, client-side ms, rows). */
function recording(sql: Sql, into: Statement[]): Sql {
  return {
    async query(text, params, options) {
      const t = performance.now();
      const rows = await sql.query(text, params, options);
      into.push({ text, params: params ?? [], ms: performance.now() - t, rows: rows.length });
      return rows as never;
    },
    transaction: (fn) => sql.transaction(fn),
    close: () => sql.close(),
  };
}

const common = {
  timeZone: TIME_ZONE,
  today: TODAY,
  deadlineDays: 7,
  referralRules: ART25_NOTICE_RULE_IDS,
  pregnancyToleranceDays: DEFAULT_POLICY.PREGNANCY_EDD_TOLERANCE_DAYS,
};

/** One run of a report: read, then compute; the result's size keeps the computation from being optimised away. */
async function runReport(report: string, sql: Sql, q: { from: string; to: string; institution?: string }) {
  const audit = createAuditStore(sql);
  const t0 = performance.now();
  if (report === 'compliance') {
    const input = await readCompliancePeriod(audit, q, TODAY);
    const t1 = performance.now();
    const out = computeCompliance(input, { ...common, from: q.from, to: q.to, groupBy: 'institution' });
    return { readMs: t1 - t0, computeMs: performance.now() - t1, size: out.cases.length, heap: process.memoryUsage().heapUsed };
  }
  if (report === 'compliance-summary') {
    // The route's path: fold in what is dirty (nothing, after the build), read the scope's facts, compute.
    const { report: out, source } = await complianceReport(audit, q, { ...common, from: q.from, to: q.to, groupBy: 'institution' });
    if (source !== 'summary') throw new Error(`the report was read from ${source}, not the summary`);
    return { readMs: performance.now() - t0, computeMs: 0, size: out.cases.length, heap: process.memoryUsage().heapUsed };
  }
  if (report === 'follow-up-summary') {
    const opts = {
      ...common,
      from: q.from,
      to: q.to,
      groupBy: 'institution' as const,
      diagnosisDays: DEFAULT_POLICY.FOLLOW_UP_DIAGNOSIS_DAYS,
    };
    const { report: out, source } = await followUpReport(audit, q, opts);
    if (source !== 'summary') throw new Error(`the funnel was read from ${source}, not the summary`);
    return { readMs: performance.now() - t0, computeMs: 0, size: out.total.indicated, heap: process.memoryUsage().heapUsed };
  }
  if (report === 'follow-up') {
    const input = await readFollowUpPeriod(audit, q, TODAY);
    const t1 = performance.now();
    const out = computeFollowUp(input, {
      ...common,
      from: q.from,
      to: q.to,
      groupBy: 'institution',
      diagnosisDays: DEFAULT_POLICY.FOLLOW_UP_DIAGNOSIS_DAYS,
    });
    return { readMs: t1 - t0, computeMs: performance.now() - t1, size: out.total.indicated, heap: process.memoryUsage().heapUsed };
  }
  const input = await readDataQualityPeriod(audit, q);
  const t1 = performance.now();
  const out = computeDataQuality(input, { from: q.from, to: q.to, groupBy: 'institution', timeZone: TIME_ZONE });
  return { readMs: t1 - t0, computeMs: performance.now() - t1, size: out.items.length, heap: process.memoryUsage().heapUsed };
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
};
const gc = (globalThis as { gc?: () => void }).gc;

async function explain(sql: Sql, statements: readonly Statement[]): Promise<{ text: string; plan: string[] }[]> {
  const out = [];
  for (const st of statements) {
    const rows = await sql.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${st.text}`, st.params);
    const plan = rows.map((r) => Object.values(r)[0]!);
    out.push({ text: st.text.replace(/\s+/g, ' ').slice(0, 160), plan });
    log(`\n--- ${st.text.replace(/\s+/g, ' ').slice(0, 160)}\n${plan.join('\n')}`);
  }
  return out;
}

async function open(): Promise<{ store: OpenedStore; genSql: () => Promise<Sql>; url?: string; cleanup: () => void }> {
  if (engine === 'pg') {
    let server: PostgresServer | undefined;
    let url = process.env.DATABASE_URL;
    if (!url) {
      server = await startPostgres();
      url = await createDatabase(server);
    }
    const store = await createStore(
      { databaseUrl: url, dataDir: './unused' },
      { statementTimeoutMs: Number(args['statement-timeout-ms']), reportTimeoutMs: Number(args['qc-statement-timeout-ms']) },
    );
    const { createPgSql } = await import('../../src/store/pg-sql.js');
    return {
      store,
      url,
      genSql: async () => createPgSql(url, { statementTimeoutMs: 3_600_000, max: 1 }),
      cleanup: () => (args.keep ? log(`kept: ${url}`) : server?.stop()),
    };
  }
  const dir = args['data-dir'] ?? mkdtempSync(join(tmpdir(), 'qc-scale-'));
  const store = await createStore({ databaseUrl: undefined, dataDir: args['data-dir'] ?? join(dir, 'data') });
  return {
    store,
    genSql: async () => store.sql,
    cleanup: () => (args['data-dir'] || args.keep ? log(`kept: ${dir}`) : rmSync(dir, { recursive: true, force: true })),
  };
}

const { store, genSql, cleanup } = await open();
const summary: Record<string, unknown> = { engine, year: YEAR, today: TODAY, clinicTimeZone: TIME_ZONE, node: process.version };
try {
  log(`engine ${engine}, schema version ${store.migration.version} (applied now: ${store.migration.applied.join(',') || 'none'})`);
  const [existing] = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM hook_call');
  if ((existing?.n ?? 0) === 0) {
    const shape = {
      calls: Number(args.calls),
      institutions: Number(args.institutions),
      year: YEAR,
      indicatedRate: 0.17,
      noticeBytes: 9000,
    };
    log(`generating ${shape.calls} calls, ${shape.institutions} institutions (load ${load()})`);
    const t = performance.now();
    const sql = await genSql();
    const steps = await generateProvince(sql, shape, log);
    if (sql !== store.sql) await sql.close();
    summary.generation = { shape, seconds: Math.round((performance.now() - t) / 1000), steps, loadAvg1: load() };
  } else log(`reusing ${existing!.n} calls`);
  const rows = await countRows(store.sql);
  summary.rows = rows;
  log(`rows: ${JSON.stringify(rows)}`);
  const sizes = await store.sql.query<{ inst: string; n: number }>(
    'SELECT institution_id AS inst, count(*)::int AS n FROM hook_call GROUP BY institution_id ORDER BY n DESC, inst',
  );
  const large = sizes[0]!;
  const small = sizes.at(-1)!;
  summary.institutions = { count: sizes.length, largest: large, smallest: small };
  if (reports.includes('compliance-summary') || reports.includes('follow-up-summary')) {
    // The summary's build: every woman of the audit folded in (what the server's background refresh does after the migration).
    const status = await store.audit.summaryStatus(common);
    const t = performance.now();
    let women = 0;
    for (;;) {
      const round = await store.audit.refreshSummary(common, { batch: Number(args['summary-batch']), maxWomen: 50_000 });
      women += round;
      log(`  summary: ${women} women folded in, ${Math.round((performance.now() - t) / 1000)} s (load ${load()})`);
      if (round < 50_000) break;
    }
    const [facts] = await store.sql.query<{ n: number; f: number }>(
      'SELECT (SELECT count(*)::int FROM qc_case_facts) AS n, (SELECT count(*)::int FROM qc_follow_up_facts) AS f',
    );
    summary.summaryBuild = {
      before: status,
      women,
      facts: facts?.n,
      followUpFacts: facts?.f,
      seconds: Math.round((performance.now() - t) / 100) / 10,
      loadAvg1: load(),
    };
    log(`summary build: ${JSON.stringify(summary.summaryBuild)}`);
  }
  const periods = { month: { from: `${YEAR}-11-01`, to: `${YEAR}-11-30` }, year: { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` } };
  const scopes = { province: undefined, large: large.inst, small: small.inst };
  const results = [];
  const explained: Record<string, unknown> = {};
  for (const report of reports) {
    for (const [period, range] of Object.entries(periods).filter(([p]) => args.periods!.split(',').includes(p))) {
      for (const [scope, institution] of Object.entries(scopes).filter(([s]) => args.scopes!.split(',').includes(s))) {
        const q = institution === undefined ? range : { ...range, institution };
        const loadAtStart = load();
        const totals: number[] = [];
        const readMs: number[] = [];
        const computeMs: number[] = [];
        let heapMb = 0;
        let statements: Statement[] = [];
        let size = 0;
        const n = scope === 'province' ? Number(args['province-reps'] ?? reps) : reps;
        for (let i = 0; i <= n; i += 1) {
          gc?.();
          const base = process.memoryUsage().heapUsed;
          const recorded: Statement[] = [];
          const r = await runReport(report, recording(store.sql, recorded), q);
          if (i === 0) continue; // warm-up
          totals.push(r.readMs + r.computeMs);
          readMs.push(r.readMs);
          computeMs.push(r.computeMs);
          heapMb = Math.max(heapMb, (r.heap - base) / 2 ** 20);
          statements = recorded;
          size = r.size;
        }
        const row = {
          report,
          period,
          scope,
          institution: institution ?? null,
          p50Ms: quantile(totals, 0.5),
          p95Ms: quantile(totals, 0.95),
          readP50Ms: quantile(readMs, 0.5),
          computeP50Ms: quantile(computeMs, 0.5),
          rowsRead: statements.reduce((a, s) => a + s.rows, 0),
          statements: statements.map((s) => ({ sql: s.text.replace(/\s+/g, ' ').slice(0, 90), rows: s.rows, ms: Math.round(s.ms) })),
          heapMb: Math.round(heapMb),
          resultSize: size,
          loadAvg1: loadAtStart,
          loadAvg1End: load(),
        };
        results.push(row);
        log(
          `${report.padEnd(12)} ${period.padEnd(5)} ${scope.padEnd(8)} p50 ${String(row.p50Ms).padStart(8)} p95 ${String(row.p95Ms).padStart(8)} ms` +
            ` (read ${row.readP50Ms}, compute ${row.computeP50Ms}) rows ${row.rowsRead} heap ${row.heapMb} MB load ${loadAtStart}→${row.loadAvg1End}`,
        );
        if (args.explain && period === 'year' && scope !== 'small' && report !== 'data-quality' && engine === 'pg')
          explained[`${report}/${period}/${scope}`] = await explain(store.sql, statements);
      }
    }
  }
  summary.reps = { institution: reps, province: Number(args['province-reps'] ?? reps) };
  summary.results = results;
  if (args.explain) summary.explain = explained;
  mkdirSync('test-results/bench', { recursive: true });
  writeFileSync('test-results/bench/qc-scale.json', `${JSON.stringify(summary, null, 2)}\n`);
  log('written test-results/bench/qc-scale.json');
} finally {
  await store.close();
  cleanup();
}
