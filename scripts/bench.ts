/**
 * npm run bench: measures, in one run, and prints a table with PASS/FAIL per target (exit 1 on any FAIL).
 *
 * 1. Processing: templates with 1, 10 and the most plain Access resources one template may hold (measured in
 *    the run by `mostPlainAccess`: CloudFormation's 500 resources and 200 outputs over what one expands to; the
 *    macro refuses more). The floor, measured in the same run, is
 *    what any macro pays in Lambda: JSON.parse of the event and JSON.stringify of the response (same input,
 *    same output). "total" is floor + the macro's own work; the ratio total / floor must stay <= 3x at the largest
 *    size. The sizes run interleaved round by round (rotating order), and the rounds are cut into
 *    trials (--trials, default 9): each trial gives its own ratio, the verdict takes the median of the trials
 *    and the table shows their spread (IQR, min-max). Linearity: per trial, the handler's time per resource at
 *    the largest size over that at 10 (measured in the same rounds); the median must stay within 1.5x, with a tolerance of
 *    half the trials' IQR, so noise alone cannot flip the verdict (at 1, fixed costs dominate: shown, not judged).
 * 2. Cold start: the handlers bundled by scripts/build.ts (esbuild, minified, one file per function) into a
 *    temporary directory; a fresh `node` process loads the macro bundle and answers one event, against a
 *    fresh `node -e 0`, interleaved, medians of N runs; the difference must stay <= 100 ms. The bucket
 *    resolver is measured loading only (answering needs CloudFormation/SSM and a response URL).
 * 3. Bundle sizes: each < 200 KiB.
 * 4. IAM quotas, for every examples/*.yaml (expanded with the handler): per group and role, the characters
 *    of each attached managed policy against IAM's 6,144 (whitespace excluded, values left unresolved counted
 *    at their longest) and the number of managed policies against 10; none may pass 80% of a quota.
 *
 * 5. Footprint, for every examples/*.yaml and for examples/tapir.yaml's Access resource twice: the processed
 *    template's compact JSON bytes, resources and outputs against CloudFormation's limits (51,200 bytes as a
 *    TemplateBody, 1,000,000 from S3, 500 resources, 200 outputs); one plain Access resource must fit 51,200, two 1,000,000.
 *
 * Options: --runs N (cold-start runs, default 15), --min-ms M (minimum measuring time per processing size,
 * default 400), --trials T (default 9), --sizes 1,10,N (N: the most plain Access). Node's own timer (performance.now) and spawnSync's wall time are used.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GROUP_POLICY_QUOTA, MANAGED_POLICY_QUOTA } from '../functions/core/iam/pack';
import { sizeOf, TEMPLATE_LIMITS } from '../functions/core/limits';
import { transformTemplate } from '../functions/core/transform';
import { parseTemplate } from './lib/cfn-yaml';
import { handler, type MacroEvent } from '../functions/handlers/macro';
import { buildAll, FUNCTIONS } from './build';
import { processedTemplate, type Template } from './lib/iam-diff';

export const TARGETS = {
  processingRatio: 3,
  linearity: 1.5,
  coldStartMs: 100,
  bundleBytes: 200 * 1024,
  quotaShare: 0.8,
} as const;

const CTX = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} };

// ---------------------------------------------------------------------------------------------------------
// 1. Processing

export function accessTemplate(n: number): Record<string, unknown> {
  const Resources: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    Resources[`Service${i}Access`] = {
      Type: 'Formidable::Serverless::Access',
      Properties: { ServiceName: `service${i}`, Stage: 'dev', Tags: { team: 'platform' } },
    };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Description: `${n} Access resources`, Resources };
}

/** The most plain Access resources one template may hold: CloudFormation's resource and output limits over what
 * one plain Access expands to give a first bound, then the macro's own limit check (bytes included) settles it. */
export async function mostPlainAccess(): Promise<number> {
  const one = await handler(macroEvent(1));
  if (one.status !== 'success') throw new Error(`the macro failed on one Access resource: ${one.errorMessage}`);
  const out = one.fragment as { Resources?: object; Outputs?: object };
  const resources = Object.keys(out.Resources ?? {}).length;
  const outputs = Object.keys(out.Outputs ?? {}).length;
  let n = Math.min(
    Math.floor(TEMPLATE_LIMITS.resources / resources),
    outputs ? Math.floor(TEMPLATE_LIMITS.outputs / outputs) : Infinity,
  );
  while (n > 1 && (await handler(macroEvent(n))).status !== 'success') n--;
  return n;
}

export function macroEvent(n: number): MacroEvent {
  return {
    ...CTX,
    fragment: accessTemplate(n),
    transformId: `${CTX.accountId}::FormidableServerless`,
    params: {},
    requestId: `bench-${n}`,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median and spread of one figure over the trials. */
export interface Spread {
  readonly median: number;
  /** Interquartile range (p75 - p25) over the trials. */
  readonly iqr: number;
  readonly min: number;
  readonly max: number;
  readonly trials: number;
}

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
  };
  return { median: median(s), iqr: q(0.75) - q(0.25), min: s[0], max: s[s.length - 1], trials: s.length };
}

export interface ProcessingRow {
  readonly resources: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** JSON.parse(event) + JSON.stringify(response), ms (median over all rounds) */
  readonly floorMs: number;
  /** transformTemplate alone, ms */
  readonly transformMs: number;
  /** await handler(event) alone, ms */
  readonly handlerMs: number;
  /** (floor + transform) / floor */
  readonly transformRatio: number;
  /** (floor + handler) / floor: the median over the trials */
  readonly handlerRatio: number;
  /** handler ms per Access resource */
  readonly perResourceMs: number;
  /** The handler ratio of each trial, summarised. */
  readonly handlerRatioTrials?: Spread;
  /** Handler ms per resource of each trial (for the linearity check, trial by trial). */
  readonly perResourceTrials?: readonly number[];
}

/**
 * Sizes are measured interleaved, round by round (floor, transform and handler of every size in each round,
 * the order of the sizes rotating), so drift and other load on the machine hit every size and every figure
 * alike. The rounds are cut into `trials` consecutive blocks; each trial gives its own medians, hence its
 * own ratio and per-resource time. The reported figure is the median over the trials, with its spread
 * (garbage collection stays in: a Lambda pays it too).
 */
export async function measureProcessing(
  sizes: readonly number[] = [1, 10, 40],
  opts: { minMs?: number; minRuns?: number; warmup?: number; trials?: number } = {},
): Promise<ProcessingRow[]> {
  const { minMs = 400, minRuns = 7, warmup = 2, trials = 9 } = opts;
  const cells = [];
  for (const n of sizes) {
    const eventText = JSON.stringify(macroEvent(n));
    const response = await handler(JSON.parse(eventText) as MacroEvent);
    if (response.status !== 'success')
      throw new Error(`the macro failed on ${n} Access resources: ${response.errorMessage}`);
    cells.push({
      n,
      eventText,
      response,
      responseText: JSON.stringify(response),
      floor: [] as number[],
      transform: [] as number[],
      handler: [] as number[],
    });
  }
  let sink = 0;
  const roundsPerTrial = Math.max(minRuns, 1);
  const started = performance.now();
  const budget = minMs * sizes.length;
  let round = 0;
  // at least `trials` x `roundsPerTrial` measured rounds, and at least the time budget
  for (; round < warmup + trials * roundsPerTrial || performance.now() - started < budget; round++) {
    for (let k = 0; k < cells.length; k++) {
      const c = cells[(k + round) % cells.length];
      let t0 = performance.now();
      const parsed = JSON.parse(c.eventText) as MacroEvent;
      sink += JSON.stringify(c.response).length + (parsed.requestId ? 1 : 0);
      const f = performance.now() - t0;
      const fragment = (JSON.parse(c.eventText) as MacroEvent).fragment;
      t0 = performance.now();
      transformTemplate(fragment, CTX);
      const t = performance.now() - t0;
      const event = JSON.parse(c.eventText) as MacroEvent;
      t0 = performance.now();
      await handler(event);
      const h = performance.now() - t0;
      if (round >= warmup) {
        c.floor.push(f);
        c.transform.push(t);
        c.handler.push(h);
      }
    }
    if (round > 20_000) break;
  }
  if (sink < 0) console.log(sink); // keeps the floor's work observable
  const measured = round - warmup;
  const per = Math.max(1, Math.floor(measured / trials));
  return cells.map((c) => {
    const ratios: number[] = [];
    const perResource: number[] = [];
    for (let t = 0; t < trials && (t + 1) * per <= c.handler.length; t++) {
      const fl = median(c.floor.slice(t * per, (t + 1) * per));
      const hd = median(c.handler.slice(t * per, (t + 1) * per));
      ratios.push((fl + hd) / fl);
      perResource.push(hd / c.n);
    }
    const floorMs = median(c.floor);
    const transformMs = median(c.transform);
    const handlerMs = median(c.handler);
    const trialRatios = spread(ratios);
    return {
      resources: c.n,
      inputBytes: c.eventText.length,
      outputBytes: c.responseText.length,
      floorMs,
      transformMs,
      handlerMs,
      transformRatio: (floorMs + transformMs) / floorMs,
      handlerRatio: trialRatios.median,
      perResourceMs: handlerMs / c.n,
      handlerRatioTrials: trialRatios,
      perResourceTrials: perResource,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// 2 and 3. Cold start and bundle sizes

export interface BundleRow {
  readonly fn: string;
  readonly bytes: number;
  readonly mode: 'answers one event' | 'load only';
  readonly baselineMs: number;
  readonly coldMs: number;
  readonly overheadMs: number;
}

const RUNNER = `
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = require(bundle);
if (eventFile) {
  const event = JSON.parse(require('fs').readFileSync(eventFile, 'utf8'));
  Promise.resolve(handler(event)).then((r) => {
    if (!r || r.status !== 'success') { console.error(JSON.stringify(r)); process.exitCode = 3; }
  });
} else if (typeof handler !== 'function') { process.exitCode = 4; }
`;

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function measureBundles(runs = 15): Promise<BundleRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const built = await buildAll(dir);
    const runner = join(dir, 'runner.js');
    writeFileSync(runner, RUNNER);
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(macroEvent(1)));
    const rows: BundleRow[] = [];
    for (const fn of Object.keys(FUNCTIONS)) {
      const bundle = built[fn].file;
      // As the Lambda runtime starts it (template.yaml NODE_OPTIONS): with the bundle's source map.
      const args = ['--enable-source-maps', ...(fn === 'macro' ? [runner, bundle, eventFile] : [runner, bundle])];
      wallMs(['-e', '0']); // warm the OS file cache for both
      wallMs(args);
      const base: number[] = [];
      const cold: number[] = [];
      for (let i = 0; i < runs; i++) {
        base.push(wallMs(['-e', '0']));
        cold.push(wallMs(args));
      }
      const baselineMs = median(base);
      const coldMs = median(cold);
      rows.push({
        fn,
        bytes: statSync(bundle).size,
        mode: fn === 'macro' ? 'answers one event' : 'load only',
        baselineMs,
        coldMs,
        overheadMs: coldMs - baselineMs,
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// 4. IAM quotas

export interface PolicyRow {
  readonly example: string;
  readonly principal: string;
  readonly kind: 'group' | 'role';
  readonly policyCount: number;
  readonly policy: string;
  readonly chars: number;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws-iso-b',
  'AWS::Region': 'ap-southeast-2',
  'AWS::AccountId': '123456789012',
  'AWS::StackName': 'x'.repeat(128),
  'AWS::StackId': `arn:aws-iso-b:cloudformation:ap-southeast-2:123456789012:stack/${'x'.repeat(128)}/00000000-0000-0000-0000-000000000000`,
  'AWS::URLSuffix': 'amazonaws.com.cn',
};

/** A value with its intrinsics replaced by their longest plausible resolution (as the packer counts them). */
export function worstCase(v: unknown, params: Record<string, string>): unknown {
  const name = (ref: string): string => {
    if (ref in PSEUDO) return PSEUDO[ref];
    if (ref in params) return params[ref];
    // The subnets and security group the Vpc submodule creates, at the lengths naming.ts gives the packer.
    if (/VpcPrivateSubnet[AB]$/.test(ref)) return `subnet-${'0'.repeat(17)}`;
    if (ref.endsWith('VpcSecurityGroup')) return `sg-${'0'.repeat(17)}`;
    return ref.endsWith('Arn') ? `arn:aws-iso-b:s3:::${'b'.repeat(63)}` : 'x'.repeat(63);
  };
  if (Array.isArray(v)) return v.map((x) => worstCase(x, params));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('Ref' in o && typeof o.Ref === 'string') return name(o.Ref);
  if ('Fn::GetAtt' in o)
    return name(Array.isArray(o['Fn::GetAtt']) ? (o['Fn::GetAtt'] as string[]).join('.') : String(o['Fn::GetAtt']));
  if ('Fn::Sub' in o) {
    const arg = o['Fn::Sub'];
    const [text, vars] = Array.isArray(arg)
      ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>]
      : [String(arg), {}];
    return text
      .replace(/\$\{([^}!]+)\}/g, (_w, n: string) => (n in vars ? String(worstCase(vars[n], params)) : name(n)))
      .replace(/\$\{!/g, '${');
  }
  if ('Fn::Join' in o && Array.isArray(o['Fn::Join'])) {
    const [sep, items] = o['Fn::Join'] as [string, unknown[]];
    return (Array.isArray(items) ? items : []).map((x) => String(worstCase(x, params))).join(sep);
  }
  if ('Fn::ImportValue' in o) return 'x'.repeat(128);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, worstCase(x, params)]));
}

/** IAM counts a policy's characters without whitespace. */
export function policyChars(document: unknown, params: Record<string, string> = {}): number {
  return JSON.stringify(worstCase(document, params)).replace(/\s+/g, '').length;
}

export function quotaRowsOf(example: string, template: Template): PolicyRow[] {
  const resources = template.Resources ?? {};
  const params: Record<string, string> = {};
  for (const [k, p] of Object.entries((template.Parameters ?? {}) as Record<string, { Default?: unknown }>))
    if (p?.Default !== undefined) params[k] = String(p.Default);
  const attached = new Map<string, Set<string>>();
  const attach = (principal: string, policy: string) => {
    if (!attached.has(principal)) attached.set(principal, new Set());
    attached.get(principal)!.add(policy);
  };
  const refOf = (v: unknown) =>
    v && typeof v === 'object' && typeof (v as { Ref?: unknown }).Ref === 'string'
      ? (v as { Ref: string }).Ref
      : undefined;
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Group' || r.Type === 'AWS::IAM::Role') {
      attached.set(id, attached.get(id) ?? new Set());
      for (const arn of (r.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? []) {
        const ref = refOf(arn);
        attach(id, ref && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy' ? ref : `external ${JSON.stringify(arn)}`);
      }
    }
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    for (const prop of ['Groups', 'Roles']) {
      for (const target of (r.Properties?.[prop] as unknown[] | undefined) ?? []) {
        const ref = refOf(target);
        attach(
          ref && resources[ref]
            ? ref
            : `${prop === 'Groups' ? 'group' : 'role'} ${JSON.stringify(target)} (outside the template)`,
          id,
        );
      }
    }
  }
  const rows: PolicyRow[] = [];
  for (const [principal, policies] of attached) {
    const r = resources[principal];
    const kind = r?.Type === 'AWS::IAM::Group' || principal.startsWith('group ') ? 'group' : 'role';
    const nameProp = kind === 'group' ? 'GroupName' : 'RoleName';
    const label =
      r?.Properties?.[nameProp] !== undefined ? String(worstCase(r.Properties[nameProp], params)) : principal;
    for (const policy of policies) {
      const doc = resources[policy]?.Properties?.PolicyDocument;
      rows.push({
        example,
        principal: label,
        kind,
        policyCount: policies.size,
        policy: doc === undefined ? policy : String(resources[policy]?.Properties?.ManagedPolicyName ?? policy),
        chars: doc === undefined ? NaN : policyChars(doc, params),
      });
    }
    if (!policies.size) rows.push({ example, principal: label, kind, policyCount: 0, policy: '(none)', chars: 0 });
  }
  return rows;
}

export async function measureQuotas(dir = 'examples'): Promise<PolicyRow[]> {
  const rows: PolicyRow[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => /\.ya?ml$|\.json$/.test(x))
    .sort()) {
    const template = await processedTemplate(readFileSync(join(dir, f), 'utf8'), f);
    rows.push(...quotaRowsOf(f, template));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 5. Footprint

export interface FootprintRow {
  readonly example: string;
  readonly access: number;
  readonly resources: number;
  readonly outputs: number;
  readonly bytes: number;
}

export const TWO_PLAIN = 'tapir.yaml, its Access resource twice';

/** examples/tapir.yaml with a second copy of its Access resource (another service), as YAML text. */
export function tapirTwice(dir = 'examples'): string {
  const t = parseTemplate(readFileSync(join(dir, 'tapir.yaml'), 'utf8')) as Template & {
    Resources: Record<string, { Properties?: Record<string, unknown> }>;
  };
  const copy = JSON.parse(JSON.stringify(t.Resources.TapirAccess)) as { Properties: Record<string, unknown> };
  copy.Properties.ServiceName = 'okapi';
  t.Resources.OkapiAccess = copy;
  return JSON.stringify(t);
}

export async function measureFootprint(dir = 'examples'): Promise<FootprintRow[]> {
  const inputs: [string, string][] = readdirSync(dir)
    .filter((x) => /\.ya?ml$|\.json$/.test(x))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
  inputs.push([TWO_PLAIN, tapirTwice(dir)]);
  const rows: FootprintRow[] = [];
  for (const [name, text] of inputs) {
    const access = Object.values((parseTemplate(text) as Template).Resources ?? {}).filter(
      (r) => r.Type === 'Formidable::Serverless::Access',
    ).length;
    const size = sizeOf(await processedTemplate(text, name));
    rows.push({ example: name, access, ...size });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Verdicts and printing

export interface Check {
  readonly target: string;
  readonly value: string;
  readonly pass: boolean;
}

export function checks(
  processing: readonly ProcessingRow[],
  bundles: readonly BundleRow[],
  quotas: readonly PolicyRow[],
  footprint: readonly FootprintRow[] = [],
): Check[] {
  const out: Check[] = [];
  const two = footprint.find((f) => f.example === TWO_PLAIN);
  const one = footprint.find((f) => f.example === 'tapir.yaml');
  // Since every Access carries its permissions boundary policy and the issue-10 conditions, one plain Access
  // resource is ~33 KB: one fits a TemplateBody, two need the template from S3.
  if (one)
    out.push({
      target: `one plain Access resource <= ${TEMPLATE_LIMITS.bodyBytes} bytes (TemplateBody)`,
      value: `${one.bytes} bytes`,
      pass: one.bytes <= TEMPLATE_LIMITS.bodyBytes,
    });
  if (two)
    out.push({
      target: `two plain Access resources <= ${TEMPLATE_LIMITS.bytes} bytes (template from S3)`,
      value: `${two.bytes} bytes`,
      pass: two.bytes <= TEMPLATE_LIMITS.bytes,
    });
  for (const f of footprint) {
    const pass =
      f.resources <= TEMPLATE_LIMITS.resources &&
      f.outputs <= TEMPLATE_LIMITS.outputs &&
      f.bytes <= TEMPLATE_LIMITS.bytes;
    if (!pass)
      out.push({
        target: `${f.example} within 500 resources, 200 outputs, 1,000,000 bytes`,
        value: `${f.resources}, ${f.outputs}, ${f.bytes}`,
        pass,
      });
  }
  const largest = processing.reduce<ProcessingRow | undefined>(
    (a, r) => (!a || r.resources > a.resources ? r : a),
    undefined,
  );
  if (largest) {
    const r = largest.handlerRatioTrials;
    out.push({
      target: `processing at ${largest.resources} resources <= ${TARGETS.processingRatio}x the JSON floor (handler; median of ${r?.trials ?? 1} interleaved trials)`,
      value: `${largest.handlerRatio.toFixed(2)}x${r ? ` (IQR ${r.iqr.toFixed(2)}, ${r.min.toFixed(2)}-${r.max.toFixed(2)})` : ''}`,
      pass: largest.handlerRatio <= TARGETS.processingRatio,
    });
  }
  const ten = processing.find((r) => r.resources === 10);
  if (ten && largest && largest.resources > 10) {
    const lin = linearity(ten, largest);
    out.push({
      target: `linear: per-resource time at ${largest.resources} <= ${TARGETS.linearity}x that at 10 (median of trials; tolerance = half the trials' IQR)`,
      value: `${lin.median.toFixed(2)}x (IQR ${lin.iqr.toFixed(2)}, ${lin.min.toFixed(2)}-${lin.max.toFixed(2)}, ${lin.trials} trials)`,
      pass: lin.median - lin.iqr / 2 <= TARGETS.linearity,
    });
  }
  for (const b of bundles) {
    if (b.mode === 'answers one event')
      out.push({
        target: `${b.fn} cold start <= ${TARGETS.coldStartMs} ms above bare node`,
        value: `+${b.overheadMs.toFixed(1)} ms`,
        pass: b.overheadMs <= TARGETS.coldStartMs,
      });
    else
      out.push({
        target: `${b.fn} load <= ${TARGETS.coldStartMs} ms above bare node`,
        value: `+${b.overheadMs.toFixed(1)} ms`,
        pass: b.overheadMs <= TARGETS.coldStartMs,
      });
    out.push({
      target: `${b.fn} bundle < ${TARGETS.bundleBytes / 1024} KiB`,
      value: `${(b.bytes / 1024).toFixed(1)} KiB`,
      pass: b.bytes < TARGETS.bundleBytes,
    });
  }
  const charLimit = MANAGED_POLICY_QUOTA * TARGETS.quotaShare;
  const countLimit = GROUP_POLICY_QUOTA * TARGETS.quotaShare;
  const maxChars = quotas.filter((q) => Number.isFinite(q.chars)).reduce((m, q) => Math.max(m, q.chars), 0);
  const maxCount = quotas.reduce((m, q) => Math.max(m, q.policyCount), 0);
  if (quotas.length) {
    out.push({
      target: `every managed policy <= ${TARGETS.quotaShare * 100}% of ${MANAGED_POLICY_QUOTA} characters`,
      value: `largest ${maxChars} (${((maxChars / MANAGED_POLICY_QUOTA) * 100).toFixed(1)}%)`,
      pass: maxChars <= charLimit,
    });
    out.push({
      target: `every group/role <= ${TARGETS.quotaShare * 100}% of ${GROUP_POLICY_QUOTA} managed policies`,
      value: `largest ${maxCount}`,
      pass: maxCount <= countLimit,
    });
  }
  return out;
}

/**
 * Growth of the per-resource time from 10 to the largest size, trial by trial (the two sizes of one trial ran
 * interleaved, under the same load). The verdict compares the median with the target, less half the IQR: a
 * median that exceeds the target by less than the trials' own spread is noise, not non-linearity.
 */
export function linearity(ten: ProcessingRow, largest: ProcessingRow): Spread {
  const a = ten.perResourceTrials ?? [ten.perResourceMs];
  const b = largest.perResourceTrials ?? [largest.perResourceMs];
  const n = Math.min(a.length, b.length);
  return spread(Array.from({ length: n }, (_, i) => b[i] / a[i]));
}

export function table(head: string[], rows: (string | number)[][], align: ('l' | 'r')[] = []): string {
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]?.length ?? 0)));
  const line = (r: string[]) =>
    `| ${r.map((v, c) => (align[c] === 'r' ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

const ms = (x: number) => x.toFixed(x < 1 ? 3 : x < 10 ? 2 : 1);

export function report(
  processing: readonly ProcessingRow[],
  bundles: readonly BundleRow[],
  quotas: readonly PolicyRow[],
  all: readonly Check[],
  footprint: readonly FootprintRow[] = [],
): string {
  const out: string[] = [];
  if (footprint.length) {
    out.push(
      `## Footprint of the processed template (compact JSON; CloudFormation allows ${TEMPLATE_LIMITS.bodyBytes} bytes as a TemplateBody, ${TEMPLATE_LIMITS.bytes} from S3, ${TEMPLATE_LIMITS.resources} resources, ${TEMPLATE_LIMITS.outputs} outputs)`,
    );
    out.push(
      table(
        ['template', 'Access resources', 'bytes', 'bytes / Access', 'fits TemplateBody', 'resources', 'outputs'],
        footprint.map((f) => [
          f.example,
          f.access,
          f.bytes,
          f.access ? Math.round(f.bytes / f.access) : '-',
          f.bytes <= TEMPLATE_LIMITS.bodyBytes ? 'yes' : 'no (use --s3-bucket)',
          f.resources,
          f.outputs,
        ]),
        ['l', 'r', 'r', 'r', 'l', 'r', 'r'],
      ),
    );
    out.push('');
  }
  out.push(
    '## Processing (median ms; floor = JSON.parse(event) + JSON.stringify(response); ratio = (floor + X) / floor; sizes interleaved round by round, the handler ratio is the median of the trials, with its spread)',
  );
  out.push(
    table(
      [
        'Access resources',
        'event bytes',
        'response bytes',
        'floor ms',
        'transform ms',
        'handler ms',
        'transform ratio',
        'handler ratio (median of trials)',
        'IQR',
        'min-max',
        'handler ms/resource',
      ],
      processing.map((r) => [
        r.resources,
        r.inputBytes,
        r.outputBytes,
        ms(r.floorMs),
        ms(r.transformMs),
        ms(r.handlerMs),
        `${r.transformRatio.toFixed(2)}x`,
        `${r.handlerRatio.toFixed(2)}x`,
        r.handlerRatioTrials ? r.handlerRatioTrials.iqr.toFixed(2) : '-',
        r.handlerRatioTrials ? `${r.handlerRatioTrials.min.toFixed(2)}-${r.handlerRatioTrials.max.toFixed(2)}` : '-',
        ms(r.perResourceMs),
      ]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(`## Cold start (fresh node ${process.version}, median wall ms) and bundle size`);
  out.push(
    table(
      ['function', 'bundle', 'measured', 'node -e 0 ms', 'bundle ms', 'difference ms'],
      bundles.map((b) => [
        b.fn,
        `${(b.bytes / 1024).toFixed(1)} KiB`,
        b.mode,
        ms(b.baselineMs),
        ms(b.coldMs),
        `+${ms(b.overheadMs)}`,
      ]),
      ['l', 'r', 'l', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(
    `## IAM quotas per group and role (examples/*; characters per managed policy of ${MANAGED_POLICY_QUOTA}, whitespace excluded, unresolved values at their longest; managed policies per group or role of ${GROUP_POLICY_QUOTA})`,
  );
  const principals = new Map<string, PolicyRow[]>();
  for (const q of quotas) {
    const key = `${q.example}\u0000${q.kind}\u0000${q.principal}`;
    if (!principals.has(key)) principals.set(key, []);
    principals.get(key)!.push(q);
  }
  out.push(
    table(
      ['example', 'kind', 'group / role', 'policies', 'largest', 'characters per managed policy'],
      [...principals.values()].map((rows) => {
        const sized = rows.filter((q) => Number.isFinite(q.chars) && q.policy !== '(none)');
        const largest = sized.reduce((m, q) => Math.max(m, q.chars), 0);
        return [
          rows[0].example,
          rows[0].kind,
          rows[0].principal,
          `${rows[0].policyCount}/${GROUP_POLICY_QUOTA}`,
          sized.length ? `${((largest / MANAGED_POLICY_QUOTA) * 100).toFixed(1)}%` : '-',
          rows
            .map((q) =>
              q.policy === '(none)'
                ? '(none)'
                : Number.isFinite(q.chars)
                  ? `${q.policy} ${q.chars}`
                  : `${q.policy} (external)`,
            )
            .join(', '),
        ];
      }),
      ['l', 'l', 'l', 'r', 'r', 'l'],
    ),
  );
  out.push('');
  out.push('## Targets');
  out.push(
    table(
      ['target', 'measured', 'verdict'],
      all.map((c) => [c.target, c.value, c.pass ? 'PASS' : 'FAIL']),
    ),
  );
  return out.join('\n');
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const runs = Number(option(argv, '--runs') ?? 15);
  const minMs = Number(option(argv, '--min-ms') ?? 400);
  const trials = Number(option(argv, '--trials') ?? 9);
  const sizes = (option(argv, '--sizes') ?? `1,10,${await mostPlainAccess()}`).split(',').map(Number);
  const started = performance.now();
  process.stderr.write('measuring processing...\n');
  const processing = await measureProcessing(sizes, { minMs, trials });
  process.stderr.write('bundling and measuring cold starts...\n');
  const bundles = await measureBundles(runs);
  process.stderr.write('expanding examples...\n');
  const quotas = await measureQuotas();
  const footprint = await measureFootprint();
  const all = checks(processing, bundles, quotas, footprint);
  process.stdout.write(`${report(processing, bundles, quotas, all, footprint)}\n\n`);
  const failed = all.filter((c) => !c.pass).length;
  process.stdout.write(
    `targets: ${all.length - failed} PASS, ${failed} FAIL (bench took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return failed ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
