/**
 * The macro's pure core: a template fragment in, the processed fragment out. It replaces every
 * `Formidable::Serverless::Access` resource in place with what it expands into, rewrites Ref, Fn::GetAtt,
 * Fn::Sub and DependsOn that point at it, and leaves everything else as it was.
 */
import { SUBMODULES } from '../submodules';
import { AggregateInvalid, isSubmoduleOn, parseAccess, type AccessConfig } from './config';
import { InvalidDocumentError, InvalidResourceError } from './errors';
import { expandAccess, type EnabledSubmodule, type Expansion } from './expand-access';
import { DEFAULT_MACRO_NAME, type TransformContext } from './intrinsics';
import { checkLimits, sizeOf, utf8Bytes, TEMPLATE_LIMITS } from './limits';

export const ACCESS_TYPE = 'Formidable::Serverless::Access';

type Template = Record<string, unknown> & { Resources?: Record<string, unknown>; Outputs?: Record<string, unknown> };

export function transformTemplate(fragment: unknown, ctx: TransformContext): Template {
  if (!fragment || typeof fragment !== 'object' || Array.isArray(fragment)) {
    throw new InvalidDocumentError([new Error('The template fragment is not a JSON object.')]);
  }
  const template = fragment as Template;
  const resources = template.Resources;
  if (!resources || typeof resources !== 'object') return template;

  const errors: Error[] = [];
  const expansions = new Map<string, Expansion>();
  const configs: AccessConfig[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isAccess(resource)) continue;
    try {
      const config = parseAccess(
        logicalId,
        resource,
        ctx,
        SUBMODULES.map((s) => s.property),
      );
      const enabled = enableSubmodules(config);
      configs.push(config);
      expansions.set(logicalId, expandAccess(config, enabled, resource, ctx.macroName ?? DEFAULT_MACRO_NAME));
    } catch (e) {
      if (e instanceof AggregateInvalid) errors.push(...e.errors);
      else if (e instanceof InvalidResourceError) errors.push(e);
      else throw e;
    }
  }
  if (expansions.size === 0 && errors.length === 0) return template;
  errors.push(...clashes(template, expansions));
  if (errors.length) throw new InvalidDocumentError(errors);

  const newResources: Record<string, unknown> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const expansion = expansions.get(logicalId);
    if (expansion) Object.assign(newResources, expansion.resources);
    else newResources[logicalId] = rewriteReferences(resource, expansions, logicalId, errors, true);
  }
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template.Outputs ?? {}))
    outputs[key] = rewriteReferences(value, expansions, `Outputs.${key}`, errors, false);
  for (const e of expansions.values()) Object.assign(outputs, e.outputs);
  if (errors.length) throw new InvalidDocumentError(errors);

  const result: Template = {};
  for (const [key, value] of Object.entries(template)) {
    if (key === 'Resources') result.Resources = newResources;
    else if (key === 'Outputs') result.Outputs = outputs;
    else result[key] = value;
  }
  if (!('Outputs' in template) && Object.keys(outputs).length) result.Outputs = outputs;
  const size = processedSize(result, expansions);
  if (
    size.resources > TEMPLATE_LIMITS.resources ||
    size.outputs > TEMPLATE_LIMITS.outputs ||
    size.bytes > TEMPLATE_LIMITS.bytes
  ) {
    checkLimits(
      size,
      [...expansions].map(([logicalId, e]) => ({
        logicalId,
        resources: Object.keys(e.resources).length,
        outputs: Object.keys(e.outputs).length,
        // Each resource and output adds its key, quotes, colon and comma around its own JSON.
        bytes: [...Object.entries(e.resources), ...Object.entries(e.outputs)].reduce(
          (n, [k, v]) => n + utf8Bytes(JSON.stringify(v)) + k.length + 4,
          0,
        ),
      })),
    );
  }
  return result;
}

/**
 * The processed template's counts and compact-JSON bytes, without serialising the policy documents again:
 * their lengths are known from rendering (iam/render.ts), so they are swapped out for a one-character
 * placeholder while the rest is serialised, then put back. Exact (policy values are ASCII).
 */
function processedSize(result: Template, expansions: Map<string, Expansion>): ReturnType<typeof sizeOf> {
  const docs = [...expansions.values()].flatMap((e) => e.policyDocuments);
  const saved = docs.map((d) => d.properties.PolicyDocument);
  for (const d of docs) d.properties.PolicyDocument = 0;
  try {
    const rest = sizeOf(result);
    return { ...rest, bytes: rest.bytes + docs.reduce((n, d) => n + d.jsonSize - 1, 0) };
  } finally {
    docs.forEach((d, i) => {
      d.properties.PolicyDocument = saved[i];
    });
  }
}

function isAccess(resource: unknown): resource is Record<string, unknown> {
  return !!resource && typeof resource === 'object' && (resource as { Type?: unknown }).Type === ACCESS_TYPE;
}

/** The submodules an Access resource turns on, with their parsed options (throws naming the property on bad options). */
export function enableSubmodules(config: AccessConfig): EnabledSubmodule[] {
  const errors: InvalidResourceError[] = [];
  const enabled: EnabledSubmodule[] = [];
  for (const module of SUBMODULES) {
    const value = config.submoduleProperties[module.property];
    if (!isSubmoduleOn(value)) continue;
    const options = module.parse(
      value,
      (keyPath, detail) => errors.push(new InvalidResourceError(config.logicalId, keyPath, detail)),
      config,
    );
    if (options !== undefined) enabled.push({ module, options });
  }
  if (errors.length) throw new AggregateInvalid(errors);
  return enabled;
}

/** Logical ids, outputs and IAM names that two expansions, or an expansion and the template, would share. */
function clashes(template: Template, expansions: Map<string, Expansion>): Error[] {
  const errors: Error[] = [];
  const taken = new Map<string, string>();
  for (const id of Object.keys(template.Resources ?? {}))
    if (!expansions.has(id)) taken.set(id, `the template's own resource ${id}`);
  const outputsTaken = new Map<string, string>(
    Object.keys(template.Outputs ?? {}).map((k) => [k, `the template's own output ${k}`]),
  );
  const namesTaken = new Map<string, string>();
  for (const [accessId, e] of expansions) {
    for (const id of Object.keys(e.resources)) {
      const other = taken.get(id);
      if (other)
        errors.push(
          new InvalidResourceError(
            accessId,
            undefined,
            `expands into the logical id ${id}, which ${other} already uses; rename one of them.`,
          ),
        );
      taken.set(id, `the expansion of ${accessId}`);
    }
    for (const id of Object.keys(e.outputs)) {
      const other = outputsTaken.get(id);
      if (other)
        errors.push(
          new InvalidResourceError(
            accessId,
            undefined,
            `adds the output ${id}, which ${other} already uses; rename one of them.`,
          ),
        );
      outputsTaken.set(id, `the expansion of ${accessId}`);
    }
    const shared = new Map<string, string[]>();
    for (const { kind, name } of e.iamNames) {
      const key = `${kind}:${name}`;
      const other = namesTaken.get(key);
      if (other && other !== accessId) shared.set(other, [...(shared.get(other) ?? []), `${kind} ${name}`]);
      namesTaken.set(key, accessId);
    }
    for (const [other, names] of shared) {
      const providers = names.filter((n) => n.startsWith('oidc-provider '));
      if (providers.length)
        errors.push(
          new InvalidResourceError(
            accessId,
            undefined,
            `creates the same OIDC provider as ${other} (${providers.join(', ')}); an account holds one provider per URL: set CreateProvider on one resource only.`,
          ),
        );
      if (providers.length < names.length)
        errors.push(
          new InvalidResourceError(
            accessId,
            undefined,
            `creates the same IAM names as ${other} (${names.filter((n) => !providers.includes(n)).join(', ')}); give the two resources a different Stage or ResourcePrefix.`,
          ),
        );
    }
  }
  return errors;
}

/** Rewrites Ref/GetAtt/Sub/DependsOn that point at an Access resource; everything else is returned as is. */
function rewriteReferences(
  value: unknown,
  expansions: Map<string, Expansion>,
  where: string,
  errors: Error[],
  isResource: boolean,
): unknown {
  if (isResource && value && typeof value === 'object' && !Array.isArray(value)) {
    const r = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      out[k] =
        k === 'DependsOn' ? rewriteDependsOn(v, expansions) : rewriteReferences(v, expansions, where, errors, false);
    }
    return changed(r, out) ? out : r;
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => rewriteReferences(v, expansions, where, errors, false));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof obj.Ref === 'string' && expansions.has(obj.Ref)) {
    const ref = expansions.get(obj.Ref)?.refs.ref;
    if (ref === undefined)
      errors.push(
        new InvalidResourceError(
          obj.Ref,
          undefined,
          `is referenced with Ref in ${where}, but DisableGroups leaves no group to return; use Fn::GetAtt ${obj.Ref}.LambdaRoleArn or a policy output instead.`,
        ),
      );
    return ref ?? obj;
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const target = getAttTarget(obj['Fn::GetAtt']);
    if (target && expansions.has(target[0])) {
      const value2 = expansions.get(target[0])?.refs.attributes[target[1]];
      if (value2 === undefined) {
        const known = Object.keys(expansions.get(target[0])?.refs.attributes ?? {}).join(', ');
        errors.push(
          new InvalidResourceError(
            target[0],
            undefined,
            `has no attribute ${target[1]} (used in ${where}); its attributes are ${known}.`,
          ),
        );
        return obj;
      }
      return value2;
    }
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') return rewriteSub(obj, expansions, where, errors);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = rewriteReferences(obj[k], expansions, where, errors, false);
  return changed(obj, out) ? out : obj;
}

function changed(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.keys(a).some((k) => a[k] !== b[k]);
}

function getAttTarget(arg: unknown): [string, string] | undefined {
  if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') return [arg[0], arg[1]];
  if (typeof arg === 'string' && arg.includes('.')) {
    const i = arg.indexOf('.');
    return [arg.slice(0, i), arg.slice(i + 1)];
  }
  return undefined;
}

function rewriteDependsOn(v: unknown, expansions: Map<string, Expansion>): unknown {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
  if (!list || !list.some((d) => typeof d === 'string' && expansions.has(d))) return v;
  return [
    ...new Set(
      list.flatMap((d) =>
        typeof d === 'string' && expansions.has(d) ? Object.keys(expansions.get(d)?.resources ?? {}) : [d],
      ),
    ),
  ];
}

/** `${Access}` and `${Access.Attribute}` inside Fn::Sub become the expanded resource's Ref or GetAtt. */
function rewriteSub(
  obj: Record<string, unknown>,
  expansions: Map<string, Expansion>,
  where: string,
  errors: Error[],
): unknown {
  const arg = obj['Fn::Sub'];
  const text = Array.isArray(arg) ? arg[0] : arg;
  if (typeof text !== 'string') return obj;
  let touched = false;
  const rewritten = text.replace(/\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}/g, (whole, id: string, attr?: string) => {
    const e = expansions.get(id);
    if (!e) return whole;
    const target = attr ? e.refs.attributes[attr] : e.refs.ref;
    const asSub = toSubReference(target);
    if (!asSub) {
      errors.push(
        new InvalidResourceError(
          id,
          undefined,
          `is referenced as ${whole} in ${where}, which it cannot provide there; use one of ${Object.keys(e.refs.attributes).join(', ')}.`,
        ),
      );
      return whole;
    }
    touched = true;
    return asSub;
  });
  if (!touched)
    return Array.isArray(arg)
      ? { 'Fn::Sub': [text, rewriteReferences(arg[1], expansions, where, errors, false)] }
      : obj;
  return {
    'Fn::Sub': Array.isArray(arg)
      ? [rewritten, rewriteReferences(arg[1], expansions, where, errors, false)]
      : rewritten,
  };
}

function toSubReference(v: unknown): string | undefined {
  if (typeof v === 'string') return v.replace(/\$\{/g, '${!');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return `\${${o.Ref}}`;
    // A one-string Fn::Sub (LambdaRoleArn of a custom LambdaRoleName) is valid Sub text as it stands.
    if (typeof o['Fn::Sub'] === 'string') return o['Fn::Sub'];
    const att = o['Fn::GetAtt'];
    if (Array.isArray(att)) return `\${${att[0]}.${att[1]}}`;
  }
  return undefined;
}
