/**
 * A small, strict evaluator of role trust policies (the resource policy STS checks on sts:AssumeRole and
 * sts:AssumeRoleWithWebIdentity), written after the IAM User Guide's policy evaluation logic and condition
 * operator pages. iam-simulate ignores condition keys it does not know (the GitHub and GitLab token keys), and
 * an ignored key would make a correct trust policy look wrong or a wrong one look right; this evaluator knows
 * no keys at all: every key is looked up in the request context the caller builds, as STS builds it.
 *
 * Supported (anything else throws, so a policy it cannot judge never passes silently):
 * - Effect Allow/Deny (an explicit Deny wins), Action/NotAction with * and ? wildcards, Principal "*",
 *   {AWS: account id | arn:...:root | principal ARN | "*"}, {Federated: provider}, {Service: ...};
 * - condition operators String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool,
 *   Numeric*, with the ForAnyValue:/ForAllValues: set qualifiers and the IfExists suffix.
 * Semantics (IAM User Guide, "Condition operators" and "Multivalued context keys"): operators, and keys within
 * an operator, are ANDed; the values of one key are ORed; a key missing from the context fails every positive
 * operator and passes every negated one (IfExists passes it either way); ForAnyValue needs one request value to
 * match (false when missing); ForAllValues needs every request value to match (true when missing or empty).
 * Keys compare case-insensitively, values case-sensitively (except *IgnoreCase). ArnLike matches each of the six
 * colon-separated ARN components on its own.
 */

export type ContextValue = string | readonly string[];

export interface TrustRequest {
  readonly action: string;
  /**
   * Who asks: an IAM principal (the ARN of the user or of the role whose session calls STS: for an assumed-role
   * session, aws:PrincipalArn is the role's ARN) or a web identity provider (the provider ARN STS matched the
   * token's issuer to).
   */
  readonly principal: { readonly aws: string } | { readonly federated: string };
  /** The request context: global keys (aws:PrincipalArn, aws:MultiFactorAuthPresent, ...) and token claims. */
  readonly context: Readonly<Record<string, ContextValue | undefined>>;
}

export interface TrustDecision {
  readonly decision: 'Allowed' | 'Denied';
  readonly allowSids: readonly string[];
  readonly denySids: readonly string[];
}

type Json = unknown;
interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: Json;
  readonly NotPrincipal?: Json;
  readonly Action?: Json;
  readonly NotAction?: Json;
  readonly Resource?: Json;
  readonly Condition?: Record<string, Record<string, Json>>;
}

export class TrustPolicyError extends Error {
  override name = 'TrustPolicyError';
}

const asList = (v: Json): string[] => {
  const list = Array.isArray(v) ? v : [v];
  for (const x of list)
    if (typeof x !== 'string')
      throw new TrustPolicyError(`expected strings, got ${JSON.stringify(x)} (resolve intrinsics before evaluating)`);
  return list as string[];
};

/** IAM's wildcard match: `*` any run of characters (also none), `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (/\$\{/.test(pattern)) throw new TrustPolicyError(`policy variables are not supported: ${pattern}`);
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^$()|[\]\\{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** ArnLike/ArnEquals: the six components (arn:partition:service:region:account:resource) each matched alone. */
export function arnMatch(pattern: string, value: string): boolean {
  const split = (arn: string): string[] | undefined => {
    const parts = arn.split(':');
    if (parts.length < 6) return undefined;
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (!p || !v) return false;
  return p.every((component, i) => wildcardMatch(component, v[i]));
}

const OPERATORS: Record<string, { negated: boolean; test: (policyValue: string, requestValue: string) => boolean }> = {
  stringequals: { negated: false, test: (p, v) => p === v },
  stringnotequals: { negated: true, test: (p, v) => p === v },
  stringequalsignorecase: { negated: false, test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  stringnotequalsignorecase: { negated: true, test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  stringlike: { negated: false, test: (p, v) => wildcardMatch(p, v) },
  stringnotlike: { negated: true, test: (p, v) => wildcardMatch(p, v) },
  arnequals: { negated: false, test: (p, v) => arnMatch(p, v) },
  arnlike: { negated: false, test: (p, v) => arnMatch(p, v) },
  arnnotequals: { negated: true, test: (p, v) => arnMatch(p, v) },
  arnnotlike: { negated: true, test: (p, v) => arnMatch(p, v) },
  bool: { negated: false, test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  numericequals: { negated: false, test: (p, v) => Number(p) === Number(v) },
  numericnotequals: { negated: true, test: (p, v) => Number(p) === Number(v) },
  numericlessthan: { negated: false, test: (p, v) => Number(v) < Number(p) },
  numericlessthanequals: { negated: false, test: (p, v) => Number(v) <= Number(p) },
  numericgreaterthan: { negated: false, test: (p, v) => Number(v) > Number(p) },
  numericgreaterthanequals: { negated: false, test: (p, v) => Number(v) >= Number(p) },
};

function lookup(context: TrustRequest['context'], key: string): ContextValue | undefined {
  const lower = key.toLowerCase();
  const found = Object.entries(context).filter(([k]) => k.toLowerCase() === lower);
  if (found.length > 1) throw new TrustPolicyError(`the context holds ${key} twice (keys are case-insensitive)`);
  return found[0]?.[1];
}

function conditionHolds(
  operatorName: string,
  key: string,
  policyValues: Json,
  context: TrustRequest['context'],
): boolean {
  let name = operatorName;
  let set: 'any' | 'all' | undefined;
  const qualifier = /^(ForAnyValue|ForAllValues):(.+)$/i.exec(name);
  if (qualifier) {
    set = qualifier[1].toLowerCase() === 'foranyvalue' ? 'any' : 'all';
    name = qualifier[2];
  }
  const ifExists = /IfExists$/i.test(name);
  if (ifExists) name = name.replace(/IfExists$/i, '');
  const op = OPERATORS[name.toLowerCase()];
  if (!op) throw new TrustPolicyError(`condition operator ${operatorName} is not supported`);
  const values = asList(
    typeof policyValues === 'boolean' || typeof policyValues === 'number' ? String(policyValues) : policyValues,
  );
  const raw = lookup(context, key);

  if (set) {
    const requestValues = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
    const matchesAny = (v: string) => values.some((p) => op.test(p, v));
    if (set === 'any') {
      if (!requestValues.length) return ifExists;
      const hit = requestValues.some(matchesAny);
      return op.negated ? requestValues.some((v) => !matchesAny(v)) : hit;
    }
    if (!requestValues.length) return true;
    return op.negated ? requestValues.every((v) => !matchesAny(v)) : requestValues.every(matchesAny);
  }
  if (raw === undefined) return ifExists || op.negated;
  if (typeof raw !== 'string')
    throw new TrustPolicyError(`${key} carries several values; use ForAnyValue:/ForAllValues: in the policy`);
  const hit = values.some((p) => op.test(p, raw));
  return op.negated ? !hit : hit;
}

const accountOf = (arn: string): string | undefined => /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];

function principalMatches(principal: Json, request: TrustRequest): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal))
    throw new TrustPolicyError(`unsupported Principal ${JSON.stringify(principal)}`);
  for (const [type, value] of Object.entries(principal as Record<string, Json>)) {
    const list = asList(value);
    if (type === 'AWS') {
      if (!('aws' in request.principal)) continue;
      const caller = request.principal.aws;
      for (const entry of list) {
        if (entry === '*') return true;
        const account = /^\d{12}$/.test(entry) ? entry : /^arn:[^:]+:iam::(\d{12}):root$/.exec(entry)?.[1];
        if (account ? accountOf(caller) === account : entry === caller) return true;
        if (/[*?]/.test(entry))
          throw new TrustPolicyError(`wildcards in an AWS principal are not allowed by IAM: ${entry}`);
      }
    } else if (type === 'Federated') {
      if ('federated' in request.principal && list.includes(request.principal.federated)) return true;
    } else if (type === 'Service' || type === 'CanonicalUser') {
      // never the caller in these proofs
    } else throw new TrustPolicyError(`unsupported principal type ${type}`);
  }
  return false;
}

function statementMatches(s: Statement, request: TrustRequest): boolean {
  if (s.NotPrincipal !== undefined) throw new TrustPolicyError('NotPrincipal is not supported');
  if (s.Resource !== undefined) throw new TrustPolicyError('a trust policy statement has no Resource');
  if (s.Principal === undefined) throw new TrustPolicyError('a trust policy statement needs a Principal');
  if ((s.Action === undefined) === (s.NotAction === undefined))
    throw new TrustPolicyError('a statement needs exactly one of Action and NotAction');
  const actionHit = (list: string[]) => list.some((a) => wildcardMatch(a, request.action, true));
  if (s.Action !== undefined ? !actionHit(asList(s.Action)) : actionHit(asList(s.NotAction))) return false;
  if (!principalMatches(s.Principal, request)) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys))
      if (!conditionHolds(operator, key, values, request.context)) return false;
  }
  return true;
}

/** Evaluate one trust policy document for one request. */
export function evaluateTrust(policy: Json, request: TrustRequest): TrustDecision {
  const doc = policy as { Version?: string; Statement?: Json };
  if (doc?.Version !== '2012-10-17') throw new TrustPolicyError('the policy needs Version 2012-10-17');
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Statement[];
  const allowSids: string[] = [];
  const denySids: string[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      throw new TrustPolicyError(`statement ${i}: Effect must be Allow or Deny`);
    if (statementMatches(s, request)) (s.Effect === 'Allow' ? allowSids : denySids).push(s.Sid ?? `#${i}`);
  });
  return { decision: allowSids.length && !denySids.length ? 'Allowed' : 'Denied', allowSids, denySids };
}
