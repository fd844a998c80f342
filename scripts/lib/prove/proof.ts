/**
 * The whole proof: services × framework versions, each unit on its worker's own moto, then evaluated.
 * Used by scripts/prove.ts (npm run prove) and test/integration/prove.test.ts.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { evaluateUnit, evaluateV4, type EvaluateOptions, type UnitEvaluation } from './evaluate';
import type { Framework } from './frameworks';
import { startProveMoto } from './moto';
import { cleanup, runUnit, type ServiceSpec, type UnitRun } from './runner';

export interface ProofOptions extends EvaluateOptions {
  readonly specs: readonly ServiceSpec[];
  readonly frameworks: readonly Framework[];
  /** Parallel units, one moto each. */
  readonly workers: number;
  /** How many stages of each service get the whole lifecycle (the others are created as neighbours). */
  readonly fullStages: number;
  /** Also evaluate the calls Serverless Framework v4 adds (v4-catalog.json), with the osls 4 run's names. */
  readonly v4: boolean;
  readonly keepWork?: boolean;
  readonly log?: (line: string) => void;
}

export interface ProofResult {
  readonly units: UnitEvaluation[];
  readonly v4: UnitEvaluation[];
  readonly durationMs: number;
  readonly motoVersion: string;
  readonly workDirs: string[];
}

export function motoVersion(): string {
  const r = spawnSync('python3', ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

export async function runProof(opts: ProofOptions): Promise<ProofResult> {
  const started = Date.now();
  const queue = opts.frameworks.flatMap((framework) => opts.specs.map((spec) => ({ spec, framework })));
  const units: UnitEvaluation[] = [];
  const v4: UnitEvaluation[] = [];
  const workDirs: string[] = [];
  const worker = async () => {
    if (!queue.length) return;
    const moto = await startProveMoto();
    const homes = new Map<string, string>();
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const workRoot = mkdtempSync(join(tmpdir(), `prove-${job.spec.id}-${job.framework.id}-`));
        workDirs.push(workRoot);
        try {
          if (!homes.has(job.framework.id))
            homes.set(job.framework.id, mkdtempSync(join(tmpdir(), `prove-home-${job.framework.id}-`)));
          const home = homes.get(job.framework.id) as string;
          // One service's failure (a folder the framework cannot read, policies the macro refuses, a moto
          // crash) is reported as that unit's failure, with its message; the other services still run.
          let run: UnitRun | undefined;
          try {
            run = await runUnit(job.spec, {
              framework: job.framework,
              moto,
              workRoot,
              fullStages: opts.fullStages,
              home,
              log: opts.log,
              ...(opts.deploymentRoles ? { deploymentRoles: true } : {}),
            });
            units.push(await evaluateUnit(run, opts));
            if (opts.v4 && job.framework.sdk === 3) v4.push(await evaluateV4(run));
          } catch (e) {
            const failed: UnitRun = run ?? {
              spec: job.spec,
              framework: job.framework,
              stages: [],
              world: [],
              errors: [],
              notRun: [],
              durationMs: 0,
            };
            failed.errors.push(`the proof of this service stopped: ${e instanceof Error ? e.message : String(e)}`);
            if (!units.some((u) => u.run === failed))
              units.push({ run: failed, steps: [], mismatches: [], exceptionsUsed: new Map(), requestCount: 0 });
          }
          opts.log?.(`[${job.framework.id} ${job.spec.id}] done in ${((run?.durationMs ?? 0) / 1000).toFixed(0)} s`);
        } finally {
          if (!opts.keepWork) cleanup(workRoot);
        }
      }
    } finally {
      await moto.stop();
      for (const home of homes.values()) cleanup(home);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
  const order = (u: UnitEvaluation) =>
    `${opts.specs.findIndex((s) => s.id === u.run.spec.id)}`.padStart(4, '0') +
    opts.frameworks.findIndex((f) => f.id === u.run.framework.id);
  units.sort((a, b) => order(a).localeCompare(order(b)));
  v4.sort((a, b) => order(a).localeCompare(order(b)));
  return {
    units,
    v4,
    durationMs: Date.now() - started,
    motoVersion: motoVersion(),
    workDirs: opts.keepWork ? workDirs : [],
  };
}

/** Everything that makes the proof fail: mismatches and lifecycle steps that did not complete. */
export function failures(result: ProofResult): number {
  return (
    [...result.units, ...result.v4].reduce((n, u) => n + u.mismatches.length, 0) +
    result.units.reduce((n, u) => n + u.run.errors.length, 0)
  );
}
