/**
 * Resolution of the few intrinsics a macro can resolve at transform time: `Ref` to a template parameter
 * or a pseudo parameter known to the macro, and `Fn::Sub` over those. Anything else must be a literal,
 * because names and ARNs are computed before CloudFormation resolves the template.
 */
export interface TransformContext {
  readonly region: string;
  readonly accountId: string;
  readonly templateParameterValues: Readonly<Record<string, unknown>>;
  /** The macro's name (from the event's transformId); names the resolver's export. */
  readonly macroName?: string;
}

export const DEFAULT_MACRO_NAME = 'FormidableServerless';

export class UnresolvableError extends Error {
  override name = 'UnresolvableError';
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

function pseudo(name: string, ctx: TransformContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Partition':
      return partitionOf(ctx.region);
    case 'AWS::URLSuffix':
      return partitionOf(ctx.region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return undefined;
  }
}

function lookup(name: string, ctx: TransformContext): unknown {
  const p = pseudo(name, ctx);
  if (p !== undefined) return p;
  if (Object.prototype.hasOwnProperty.call(ctx.templateParameterValues, name)) {
    return ctx.templateParameterValues[name];
  }
  if (name.startsWith('AWS::')) {
    throw new UnresolvableError(
      `refers to ${name}, which is not known when the macro runs; use a literal or a template parameter`,
    );
  }
  throw new UnresolvableError(
    `refers to '${name}', which is not a template parameter; only parameters and AWS::Region, AWS::AccountId, AWS::Partition resolve at transform time`,
  );
}

/** Resolve a property value: literals pass through; Ref and Fn::Sub over parameters resolve; others throw. */
export function resolveValue(value: unknown, ctx: TransformContext): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const name = (value as { Ref: unknown }).Ref;
    if (typeof name !== 'string') throw new UnresolvableError('has a Ref whose target is not a string');
    return lookup(name, ctx);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    return resolveSub((value as { 'Fn::Sub': unknown })['Fn::Sub'], ctx);
  }
  if (keys.length === 1 && keys[0].startsWith('Fn::')) {
    throw new UnresolvableError(
      `uses ${keys[0]}, which the macro cannot resolve at transform time; use a literal, a Ref to a parameter, or Fn::Sub over parameters`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = resolveValue((value as Record<string, unknown>)[k], ctx);
  return out;
}

function resolveSub(arg: unknown, ctx: TransformContext): string {
  let text: unknown = arg;
  let vars: Record<string, unknown> = {};
  if (Array.isArray(arg)) {
    [text, vars] = [arg[0], (arg[1] ?? {}) as Record<string, unknown>];
  }
  if (typeof text !== 'string') throw new UnresolvableError('has an Fn::Sub whose template is not a string');
  return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name.includes('.'))
      throw new UnresolvableError(`uses \${${name}} in Fn::Sub, an attribute the macro cannot know at transform time`);
    const v = Object.prototype.hasOwnProperty.call(vars, name) ? resolveValue(vars[name], ctx) : lookup(name, ctx);
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new UnresolvableError(`substitutes \${${name}} with a value that is not a string`);
    return String(v);
  });
}
