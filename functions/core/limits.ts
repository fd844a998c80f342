/**
 * CloudFormation's limits on a processed template, checked after expansion so a template that cannot
 * deploy fails in the macro with the Access resources to move, not later with a bare quota error.
 *
 * Sources: "CloudFormation quotas" (500 resources and 200 outputs per template) and "Troubleshoot the
 * processed template" (a processed template may be at most 51,200 bytes when passed as TemplateBody and
 * 1 MB from S3). 1 MB is taken as 1,000,000 bytes, the value cfn-lint checks (E1002). The 51,200-byte
 * limit depends on how the template is passed, which the macro cannot see: it is reported by the CLI
 * (`serverless-access expand`) and documented in the README, never enforced here.
 */
import { InvalidDocumentError } from './errors';

export const TEMPLATE_LIMITS = {
  resources: 500,
  outputs: 200,
  /** Template body from S3 (`--s3-bucket`, TemplateURL). */
  bytes: 1_000_000,
  /** Template body passed in the request (TemplateBody; `aws cloudformation deploy` without `--s3-bucket`). */
  bodyBytes: 51_200,
} as const;

/** What one Access resource adds to the processed template. */
export interface Footprint {
  readonly logicalId: string;
  readonly resources: number;
  readonly outputs: number;
  readonly bytes: number;
}

export interface TemplateSize {
  readonly resources: number;
  readonly outputs: number;
  readonly bytes: number;
}

export function sizeOf(template: { Resources?: object; Outputs?: object }, json?: string): TemplateSize {
  const text = json ?? JSON.stringify(template);
  return {
    resources: Object.keys(template.Resources ?? {}).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    bytes: utf8Bytes(text),
  };
}

/** UTF-8 length without encoding unless the text has non-ASCII characters. */
export function utf8Bytes(text: string): number {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(text) ? Buffer.byteLength(text, 'utf8') : text.length;
}

/**
 * Fails when the processed template breaks a limit; the message names the fewest Access resources
 * (largest first) whose move to another stack brings every count under its limit.
 */
export function checkLimits(size: TemplateSize, footprints: readonly Footprint[]): void {
  const over: string[] = [];
  if (size.resources > TEMPLATE_LIMITS.resources)
    over.push(`${size.resources} resources (CloudFormation allows ${TEMPLATE_LIMITS.resources})`);
  if (size.outputs > TEMPLATE_LIMITS.outputs)
    over.push(`${size.outputs} outputs (CloudFormation allows ${TEMPLATE_LIMITS.outputs})`);
  if (size.bytes > TEMPLATE_LIMITS.bytes)
    over.push(`${size.bytes} bytes of JSON (CloudFormation allows ${TEMPLATE_LIMITS.bytes} from S3)`);
  if (!over.length) return;
  const move = toMove(size, footprints);
  const advice =
    move === undefined
      ? 'Even without any Access resource the template is over the limit; split the template itself.'
      : `Move ${move.map((f) => f.logicalId).join(', ')} to another stack (${move.length} of ${footprints.length} Access resources; ${describe(move)}).`;
  throw new InvalidDocumentError([new Error(`The processed template has ${over.join(' and ')}. ${advice}`)]);
}

function describe(list: readonly Footprint[]): string {
  const sum = (k: 'resources' | 'outputs' | 'bytes') => list.reduce((n, f) => n + f[k], 0);
  return `together ${sum('resources')} resources, ${sum('outputs')} outputs and ${sum('bytes')} bytes`;
}

/** Greedy: the largest expansions first (by the most exceeded measure), until all three fit. */
function toMove(size: TemplateSize, footprints: readonly Footprint[]): Footprint[] | undefined {
  const ratio = (f: Footprint) =>
    Math.max(
      f.resources / TEMPLATE_LIMITS.resources,
      f.outputs / TEMPLATE_LIMITS.outputs,
      f.bytes / TEMPLATE_LIMITS.bytes,
    );
  const order = [...footprints].sort((a, b) => ratio(b) - ratio(a) || (a.logicalId < b.logicalId ? -1 : 1));
  let { resources, outputs, bytes } = size;
  const fits = () =>
    resources <= TEMPLATE_LIMITS.resources && outputs <= TEMPLATE_LIMITS.outputs && bytes <= TEMPLATE_LIMITS.bytes;
  const moved: Footprint[] = [];
  for (const f of order) {
    if (fits()) break;
    moved.push(f);
    resources -= f.resources;
    outputs -= f.outputs;
    bytes -= f.bytes;
  }
  return fits() ? moved.sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1)) : undefined;
}
