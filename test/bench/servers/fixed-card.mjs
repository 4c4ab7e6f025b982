// The fixed small answer of the baseline servers: one CDS Hooks 2.0 card (~300 bytes).
import { writeFileSync } from 'node:fs';
import process from 'node:process';
export const FIXED_CARDS = JSON.stringify({
  cards: [
    {
      uuid: '6f1f6f0e-4f7b-4a57-9c1d-0d6f1b2a0c11',
      summary: 'Baseline card',
      indicator: 'info',
      source: { label: 'bench' },
      extension: { 'org.prenatal-cds.findings': [{ rule: 'bench', citation: 'none', evidence: [], params: {} }] },
    },
  ],
});

/** What every baseline does with the parsed hook request: touch it like a service would. */
export function touch(body) {
  if (!body || typeof body !== 'object' || typeof body.hook !== 'string') return false;
  return typeof body.context === 'object';
}

/** Once listening, writes the actual port to BENCH_PORT_FILE (the harness starts servers on port 0). */
export function announcePort(server) {
  server.once('listening', () => {
    if (process.env.BENCH_PORT_FILE) writeFileSync(process.env.BENCH_PORT_FILE, String(server.address().port));
  });
}

/** Clean exit on SIGTERM/SIGINT (so `--cpu-prof` and friends can write their files); announces the port. */
export function exitOnSignal(server) {
  announcePort(server);
  const bye = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', bye);
  process.once('SIGINT', bye);
}
