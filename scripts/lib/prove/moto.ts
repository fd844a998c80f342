/**
 * moto_server for the proof: scripts/lib/prove/moto_prove_ext.py (test/support/moto_server_ext.py plus the
 * lifecycle emulations listed in its docstring), one per worker, on a free loopback port.
 *
 * Process handling follows test/support/moto.ts (which always starts moto_server_ext.py itself): own process
 * group, killed on stop() and on exit, and the launcher exits by itself once this process is gone.
 */
import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkMotoAvailable, type MotoServer } from '../../../test/support/moto';

/** PROVE_MOTO_LAUNCHER overrides it (e.g. a wrapper that prints moto's tracebacks while debugging). */
export const PROVE_LAUNCHER = process.env.PROVE_MOTO_LAUNCHER ?? join(__dirname, 'moto_prove_ext.py');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const live = new Set<ChildProcess>();
process.on('exit', () => live.forEach((c) => kill(c, 'SIGKILL')));

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    /* gone */
  }
}

export async function startProveMoto(): Promise<MotoServer & { log(): string }> {
  checkMotoAvailable();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const cwd = mkdtempSync(join(tmpdir(), 'prove-moto-'));
  const child = spawn('python3', [PROVE_LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_EXT_PARENT_PID: String(process.pid), PYTHONUNBUFFERED: '1', PYTHONWARNINGS: 'ignore' },
  });
  live.add(child);
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exit code ${code}, signal ${signal}`;
      live.delete(child);
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      kill(child, 'SIGTERM');
      await Promise.race([exitedPromise, sleep(3000)]);
      if (!exited) kill(child, 'SIGKILL');
      await Promise.race([exitedPromise, sleep(2000)]);
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`moto_prove_ext.py died during start-up (${exited}):\n${log}`);
    }
    try {
      if ((await fetch(`${endpoint}/moto-api/`, { headers: { connection: 'close' } })).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_prove_ext.py did not answer on ${endpoint} within 30 s:\n${log}`);
    }
    await sleep(100);
  }
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', headers: { connection: 'close' } });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop,
    log: () => log,
  };
}
