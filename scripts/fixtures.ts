/**
 * npm run fixtures [-- SERVICE ...] [--check]
 *
 * Regenerates the generated parts of test/fixtures/services: each service's
 * `<stage>/cloudformation-template-{create,update}-stack.json`, by running the pinned framework of
 * node_modules (`serverless package --stage <stage>`) on a copy of the service folder. Only the template
 * files already in a stage folder are rewritten (09 has no create-stack template by design; the others keep
 * a create-stack template only where a test deploys it).
 *
 *   SERVICE ...   service folder names (default: every folder of test/fixtures/services)
 *   --check       do not write: report which templates differ from a fresh package, ignoring what changes
 *                 at every run (the artifact directory's timestamp, the code hash, the LambdaVersion ids and
 *                 retained layers' hash suffixes)
 *
 * Packaging needs no credentials and no network, except for services with layers: the framework then asks
 * CloudFormation for the stack (`compareWithLastLayer`), so those services are packaged against a local
 * moto_server with dummy credentials (a stack that does not exist is tolerated). The framework per service
 * is FRAMEWORK_OF below (fixture 14 uses a v3-only feature; 16 needs osls 4).
 */
import { spawnSync } from 'child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startMoto, type StartedMoto } from './lib/moto';
import { frameworkById, type Framework } from './lib/prove/frameworks';
import { SERVICES_DIR } from './lib/repo-data';

/** Services the osls 3 line must package (osls 4 rejects `eventBridge.useCloudFormation: false`). */
const FRAMEWORK_OF: Readonly<Record<string, 'osls3' | 'osls4'>> = { '14-eventbridge-legacy-custom-resource': 'osls3' };
const TEMPLATES = ['cloudformation-template-create-stack.json', 'cloudformation-template-update-stack.json'] as const;
/** Source files get this modification time before packaging, so the zip (and the code hash) depends on content only. */
const FIXED_MTIME = new Date('2026-01-01T00:00:00Z');

interface Job {
  readonly service: string;
  readonly stage: string;
  readonly files: readonly string[];
}

function jobsOf(service: string): Job[] {
  const dir = join(SERVICES_DIR, service);
  if (!existsSync(join(dir, 'serverless.yml'))) throw new Error(`${service}: no serverless.yml in ${dir}`);
  return readdirSync(dir)
    .filter((s) => statSync(join(dir, s)).isDirectory() && TEMPLATES.some((t) => existsSync(join(dir, s, t))))
    .map((stage) => ({ service, stage, files: TEMPLATES.filter((t) => existsSync(join(dir, stage, t))) }));
}

/** A copy of the service folder without its stage folders (the framework only needs the sources). */
function workCopy(service: string, stages: readonly string[]): string {
  const work = mkdtempSync(join(tmpdir(), `fixture-${service}-`));
  cpSync(join(SERVICES_DIR, service), work, {
    recursive: true,
    filter: (src) => !stages.some((s) => src === join(SERVICES_DIR, service, s)),
  });
  const touch = (p: string): void => {
    utimesSync(p, FIXED_MTIME, FIXED_MTIME);
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) touch(join(p, f));
  };
  touch(work);
  return work;
}

function packageOnce(
  fw: Framework,
  work: string,
  stage: string,
  home: string,
  moto?: StartedMoto,
): { ok: boolean; log: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DEPRECATION_DISABLE: '*',
  };
  for (const k of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_ENDPOINT_URL',
  ])
    delete env[k];
  if (moto)
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'dummy',
      AWS_ENDPOINT_URL: moto.endpoint,
    });
  rmSync(join(work, '.serverless'), { recursive: true, force: true });
  const r = spawnSync(process.execPath, [fw.bin, 'package', '--stage', stage], {
    cwd: work,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { ok: r.status === 0, log: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Keys sorted at every level: the framework's key order can follow a hash. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The template with keys sorted and what changes at every package run replaced by a constant, for --check. */
function stable(json: string): string {
  return JSON.stringify(sorted(JSON.parse(json)), null, 1)
    .replace(/\/\d{13}-\d{4}-\d\d-\d\dT[\d:.]+Z\//g, '/<timestamp>/')
    .replace(/"CodeSha256": "[^"]+"/g, '"CodeSha256": "<hash>"')
    .replace(/LambdaVersion[A-Za-z0-9]{30,}/g, 'LambdaVersion<hash>')
    .replace(/[0-9a-f]{40}/g, '<layer-hash>'); // retained layers: logical ids and the LayerHash output
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--check');
  if (unknown.length)
    throw new Error(`unknown option ${unknown.join(', ')}; usage: npm run fixtures [-- SERVICE ...] [--check]`);
  const services = args.filter((a) => !a.startsWith('--'));
  const all = readdirSync(SERVICES_DIR).filter((d) => statSync(join(SERVICES_DIR, d)).isDirectory());
  for (const s of services) if (!all.includes(s)) throw new Error(`unknown service '${s}'; known: ${all.join(', ')}`);

  const home = mkdtempSync(join(tmpdir(), 'fixtures-home-'));
  let moto: StartedMoto | undefined;
  const differ: string[] = [];
  try {
    for (const service of services.length ? services : all) {
      const jobs = jobsOf(service);
      const fw = frameworkById(FRAMEWORK_OF[service] ?? 'osls4');
      const work = workCopy(
        service,
        jobs.map((j) => j.stage),
      );
      try {
        for (const job of jobs) {
          let run = packageOnce(fw, work, job.stage, home);
          let where = 'offline';
          if (!run.ok && /credentials/i.test(run.log)) {
            moto ??= await startMoto();
            run = packageOnce(fw, work, job.stage, home, moto);
            where = 'against moto_server';
          }
          if (!run.ok)
            throw new Error(`${service} --stage ${job.stage} (${fw.label}, ${where}) failed:\n${run.log.slice(-3000)}`);
          for (const file of job.files) {
            const fresh = readFileSync(join(work, '.serverless', file), 'utf8');
            const target = join(SERVICES_DIR, service, job.stage, file);
            if (check) {
              const [was, now] = [stable(readFileSync(target, 'utf8')).split('\n'), stable(fresh).split('\n')];
              const at = now.findIndex((line, i) => line !== was[i]);
              if (at >= 0 || was.length !== now.length) {
                const line = at >= 0 ? at : Math.min(was.length, now.length);
                differ.push(
                  `${service}/${job.stage}/${file}, line ${line + 1}: ${(was[line] ?? '').trim()} -> ${(now[line] ?? '').trim()}`,
                );
              }
            } else {
              writeFileSync(target, fresh);
            }
          }
          console.log(
            `${service} ${job.stage}: ${fw.label}, ${where}, ${job.files.length} template(s) ${check ? 'checked' : 'written'}`,
          );
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  } finally {
    await moto?.stop();
    rmSync(home, { recursive: true, force: true });
  }
  if (differ.length) {
    console.error(
      `These templates differ from a fresh package (run npm run fixtures and review the diff):\n  ${differ.join('\n  ')}`,
    );
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
