/**
 * Packs statements into managed policies that fit IAM's quotas with headroom: each policy document at
 * most 80% of 6,144 characters (whitespace excluded, unresolved values at their longest), fuller only when a
 * group or role would otherwise need more than 10 (PACK_BUDGETS, chosen in expand-access.ts). Statements keep
 * their catalog order and are placed first-fit, so the same input always gives the same policies.
 */
import type { RenderedStatement, Statement } from './render';

/** IAM: a managed policy document holds at most 6,144 characters, whitespace excluded. */
export const MANAGED_POLICY_QUOTA = 6144;
/** IAM: at most 10 managed policies per group (the default quota). */
export const GROUP_POLICY_QUOTA = 10;
/** We fill a policy to 80% so a user can grow a statement without hitting the quota. */
export const POLICY_BUDGET = Math.floor(MANAGED_POLICY_QUOTA * 0.8);
/**
 * The budgets tried in order: 80%, and only when that would give one group or role more than IAM's 10 managed
 * policies (long names: every ARN carries ~200 characters of service, stage and stack), 90%, then the whole
 * quota. Sizes count every unresolved value at its longest, so a policy at 100% still fits IAM's 6,144.
 */
export const PACK_BUDGETS: readonly number[] = [
  POLICY_BUDGET,
  Math.floor(MANAGED_POLICY_QUOTA * 0.9),
  MANAGED_POLICY_QUOTA,
];

const DOCUMENT_OVERHEAD = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: Statement[];
}

export interface PackedPolicy {
  readonly document: PolicyDocument;
  readonly statements: readonly RenderedStatement[];
  readonly size: number;
  /** Length of the document's compact JSON (for the processed template's size, without serialising it). */
  readonly jsonSize: number;
}

const EMPTY_DOCUMENT_JSON = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

export class PolicyTooLargeError extends Error {
  override name = 'PolicyTooLargeError';
}

export function pack(statements: readonly RenderedStatement[], budget = POLICY_BUDGET): PackedPolicy[] {
  const bins: RenderedStatement[][] = [];
  const sizes: number[] = [];
  for (const s of statements) {
    // The longer of its longest resolution and its template JSON (an Fn::Sub with its variables can be longer than
    // what it resolves to), plus the comma that separates it from its neighbour.
    const cost = Math.max(s.size, s.jsonSize) + 1;
    if (DOCUMENT_OVERHEAD + cost > budget) {
      throw new PolicyTooLargeError(
        `has a statement ${s.id} that alone needs ${s.size} characters, over the ${budget}-character budget of one managed policy`,
      );
    }
    const i = sizes.findIndex((used) => used + cost <= budget);
    if (i >= 0) {
      bins[i].push(s);
      sizes[i] += cost;
    } else {
      bins.push([s]);
      sizes.push(DOCUMENT_OVERHEAD + cost);
    }
  }
  return bins.map((b, i) => ({
    document: { Version: '2012-10-17', Statement: b.map((s) => s.statement) },
    statements: b,
    size: sizes[i] - 1,
    jsonSize: EMPTY_DOCUMENT_JSON + b.reduce((n, s) => n + s.jsonSize, 0) + b.length - 1,
  }));
}

/**
 * Packs each list of statements at the first of `budgets` at which `policiesPerPrincipal` (the most managed policies
 * one group or role would carry, given each list's policy count) stays within IAM's 10; at the last budget the
 * result stands and the caller's quota check names the problem. The statements are the same at every budget, in the
 * same order: only how many share one policy changes, so every request is decided as before.
 */
export function packWithin(
  lists: readonly (readonly RenderedStatement[])[],
  policiesPerPrincipal: (counts: readonly number[]) => number,
  budgets: readonly number[] = PACK_BUDGETS,
): { readonly budget: number; readonly packed: PackedPolicy[][] } {
  let result = { budget: budgets[0], packed: [] as PackedPolicy[][] };
  for (const budget of budgets) {
    result = { budget, packed: lists.map((statements) => pack(statements, budget)) };
    if (policiesPerPrincipal(result.packed.map((p) => p.length)) <= GROUP_POLICY_QUOTA) break;
  }
  return result;
}
