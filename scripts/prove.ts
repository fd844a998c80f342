/**
 * npm run prove [-- PATH ...] [--stages a,b] [options]
 *
 * Drives the real Serverless Framework CLI (osls 4 and the osls 3 line) through the whole lifecycle of each
 * service against moto, records every AWS SDK call, adds what CloudFormation does with the caller's
 * credentials, and checks each request with @cloud-copilot/iam-simulate against the admin, developer and
 * ci groups the macro generates for that service and stage; then replays everything against a second stage
 * and a second service deployed beside it. Prints a table and exits 1 on any mismatch. docs/prove.md.
 *
 *   PATH ...               folders holding a serverless.yml (default: the services of test/fixtures/services)
 *   --stages a,b           stages to prove (default dev,prod; the fixtures' own stages for 10-long-names);
 *                          each stage is replayed against the next one (a single stage x gets a neighbour
 *                          stage x2, created beside it)
 *   --frameworks x,y       osls4, osls3 (default both)
 *   --workers N            parallel services, one moto each (default: CPUs, at most 4)
 *   --first-stage-only     whole lifecycle for the first stage only; the others are created as neighbours
 *   --bucket-resolution pattern|exact
 *                          policies as right after the Access stack is created (pattern, default) or after
 *                          the resolver saw the stack (exact bucket name for every step after the first deploy)
 *   --no-v4                skip the Serverless Framework v4 catalog
 *   --deployment-roles     DeploymentRoles mode: each service passes provider.iam.deploymentRole, each group is
 *                          judged with its own role, CloudFormation's calls against that role's policy (the
 *                          Serverless v4 catalog, which records no RoleARN, is then skipped as with --no-v4)
 *   --json FILE            also write the results (counts, mismatches) as JSON
 *   --keep                 keep the scratch folders (traces, copies of the services)
 *   --quiet                no progress lines
 */
import { cpus } from 'os';
import { writeFileSync } from 'fs';
import { defaultSpecs, specForPath } from './lib/prove/fixtures';
import { frameworkById, frameworks } from './lib/prove/frameworks';
import { failures, runProof } from './lib/prove/proof';
import { formatReport } from './lib/prove/report';

// The AWS SDK warns that releases after January 2027 need Node 22; the proof pins its SDK.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = `${typeof warning === 'string' ? warning : warning.name} ${JSON.stringify(rest)}`;
  if (text.includes('NodeVersionSupportWarning')) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

interface Args {
  paths: string[];
  stages?: string[];
  frameworks: string[];
  workers: number;
  firstStageOnly: boolean;
  bucketResolution: 'pattern' | 'exact';
  deploymentRoles: boolean;
  v4: boolean;
  json?: string;
  keep: boolean;
  quiet: boolean;
}

function usage(message: string): never {
  console.error(
    `npm run prove: ${message}\nusage: npm run prove [-- PATH ...] [--stages a,b] [--frameworks osls4,osls3] [--workers N] [--first-stage-only] [--bucket-resolution pattern|exact] [--no-v4] [--deployment-roles] [--json FILE] [--keep] [--quiet]`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    paths: [],
    frameworks: frameworks().map((f) => f.id),
    workers: Math.max(1, Math.min(4, cpus().length)),
    firstStageOnly: false,
    bucketResolution: 'pattern',
    deploymentRoles: false,
    v4: true,
    keep: false,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') usage(`${a} needs a value`);
      return v;
    };
    const flag = a.split('=')[0];
    switch (flag) {
      case '--stages':
        args.stages = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (!args.stages.length || args.stages.some((s) => !/^[A-Za-z0-9-]+$/.test(s)))
          usage('--stages takes stage names (letters, digits, hyphens) separated by commas');
        break;
      case '--frameworks':
        args.frameworks = value()
          .split(',')
          .map((s) => s.trim());
        break;
      case '--workers':
        args.workers = Number(value());
        if (!Number.isInteger(args.workers) || args.workers < 1) usage('--workers takes a positive number');
        break;
      case '--first-stage-only':
        args.firstStageOnly = true;
        break;
      case '--bucket-resolution': {
        const v = value();
        if (v !== 'pattern' && v !== 'exact') usage('--bucket-resolution is pattern or exact');
        args.bucketResolution = v;
        break;
      }
      case '--deployment-roles':
        args.deploymentRoles = true;
        break;
      case '--no-v4':
        args.v4 = false;
        break;
      case '--json':
        args.json = value();
        break;
      case '--keep':
        args.keep = true;
        break;
      case '--quiet':
        args.quiet = true;
        break;
      case '--help':
      case '-h':
        usage('help');
        break;
      default:
        if (a.startsWith('-')) usage(`unknown option ${a}`);
        args.paths.push(a);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let specs;
  let fws;
  try {
    specs = args.paths.length ? args.paths.map((p) => specForPath(p, args.stages)) : defaultSpecs(args.stages);
    fws = args.frameworks.map(frameworkById);
  } catch (e) {
    usage((e as Error).message);
  }
  const log = args.quiet ? undefined : (line: string) => console.error(line);
  const result = await runProof({
    specs,
    frameworks: fws,
    workers: args.workers,
    fullStages: args.firstStageOnly ? 1 : Number.MAX_SAFE_INTEGER,
    bucketResolution: args.bucketResolution,
    deploymentRoles: args.deploymentRoles,
    v4: args.v4 && !args.deploymentRoles,
    keepWork: args.keep,
    log,
  });
  console.log(formatReport(result));
  if (args.keep) console.log(`\nscratch folders kept: ${result.workDirs.join(' ')}`);
  if (args.json) {
    const units = [...result.units, ...result.v4].map((u) => ({
      service: u.run.spec.id,
      framework: u.steps[0]?.framework ?? u.run.framework.label,
      steps: u.steps.map((s) => ({
        stage: s.stage,
        step: s.step.kind,
        exitCode: s.step.exitCode,
        calls: s.step.calls.length,
        emulated: s.step.emulated,
        cells: s.cells,
        outcome: Object.fromEntries(Object.entries(s.outcome).map(([k, v]) => [k, { expected: v.expected, ok: v.ok }])),
      })),
      mismatches: u.mismatches,
      exceptions: Object.fromEntries(u.exceptionsUsed),
      errors: u.run.errors,
    }));
    writeFileSync(
      args.json,
      JSON.stringify(
        { durationMs: result.durationMs, moto: result.motoVersion, failures: failures(result), units },
        null,
        2,
      ),
    );
  }
  process.exitCode = failures(result) === 0 ? 0 : 1;
}

// Each service's failure is reported in the table (proof.ts); what lands here stopped the whole proof (moto
// would not start, say): one readable line, the stack only with PROVE_DEBUG=1.
main().catch((e) => {
  console.error(`npm run prove stopped: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.PROVE_DEBUG && e instanceof Error) console.error(e.stack);
  process.exitCode = 1;
});
