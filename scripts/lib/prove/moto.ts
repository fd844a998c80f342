/**
 * moto_server for the proof: scripts/lib/prove/moto_prove_ext.py (scripts/lib/moto_server_ext.py plus the
 * lifecycle emulations listed in its docstring), one per worker, on a free loopback port. Process handling
 * (own process group, killed on stop() and on exit, start-up retries) is scripts/lib/moto.ts's.
 */
import { join } from 'path';
import { startMoto, type StartedMoto } from '../moto';

/** PROVE_MOTO_LAUNCHER overrides it (e.g. a wrapper that prints moto's tracebacks while debugging). */
export const PROVE_LAUNCHER = process.env.PROVE_MOTO_LAUNCHER ?? join(__dirname, 'moto_prove_ext.py');

export function startProveMoto(): Promise<StartedMoto> {
  return startMoto({ launcher: PROVE_LAUNCHER, env: { PYTHONWARNINGS: 'ignore' }, logTail: 20_000 });
}
