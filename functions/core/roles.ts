/**
 * The `Roles` property: who may assume the admin, developer and ci roles, and the trust policies that say so.
 * Pure: `parseRoles` validates the raw (resolved) property and reports each fault through `fail` with the
 * property path and the fix; `trustPolicy` turns one parsed role into its AssumeRolePolicyDocument.
 *
 * Trust is as tight as each identity provider lets STS check (README "Roles: sign in with GitHub, GitLab or
 * IAM Identity Center" lists the sources):
 * - GitHub Actions: `aud` = `sts.amazonaws.com` and `sub` equal to the listed branch and environment subjects of
 *   the one repository (StringLike only for a branch the user wrote with a wildcard); with `RepositoryId`, also
 *   `token.actions.githubusercontent.com:repository_id`, and with `OwnerId` the immutable `owner@id/repo@id`
 *   subjects GitHub gives repositories created (or renamed, or transferred) since mid-2026.
 * - GitLab: `<host>:aud` and `<host>:sub` = `project_path:<path>:ref_type:branch:ref:<branch>`.
 * - Principals (IAM Identity Center permission-set roles, roles, IAM users): the account of each pattern, and
 *   `aws:PrincipalArn` ArnLike the pattern; `aws:MultiFactorAuthPresent` only for IAM users, whose sessions carry it.
 */
import type { GroupRole } from '../catalog/types';
import { parseStringList } from './config';

export const GITHUB_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_GITLAB_HOST = 'gitlab.com';
/** IAM's bounds of a role's MaxSessionDuration (seconds). */
export const SESSION_DURATION = { min: 3600, max: 43200 } as const;
/** IAM Identity Center appends `_` and 16 hexadecimal characters to `AWSReservedSSO_<permission set>`. */
export const SSO_SUFFIX_LENGTH = 16;

/** The property's keys per access level, in the order the roles are emitted. */
export const ROLE_KEYS: Readonly<Record<GroupRole, string>> = { admin: 'Admin', developer: 'Developer', ci: 'Ci' };
/** The keys of each block of `Roles`, for validation here and for the registry schema (one list each). */
export const GITHUB_KEYS = [
  'Repository',
  'Branches',
  'Environments',
  'Workflows',
  'OwnerId',
  'RepositoryId',
  'SubjectFormat',
  'CreateProvider',
] as const;
export const GITLAB_KEYS = ['Project', 'Branches', 'Host', 'Audience', 'CreateProvider'] as const;

export interface GitHubTrust {
  readonly owner: string;
  readonly repository: string;
  readonly ownerId?: string;
  readonly repositoryId?: string;
  /** `ids`: `repo:<owner>@<OwnerId>/<repo>@<RepositoryId>:...` (immutable subjects); `names`: `repo:<owner>/<repo>:...`. */
  readonly subjectFormat: 'ids' | 'names';
  readonly branches: readonly string[];
  readonly environments: readonly string[];
  /** `job_workflow_ref` patterns: `<owner>/<repo>/.github/workflows/<file>@<ref or *>`. */
  readonly workflows: readonly string[];
  readonly createProvider: boolean;
}

export interface GitLabTrust {
  readonly host: string;
  readonly project: string;
  readonly audience: string;
  readonly branches: readonly string[];
  readonly createProvider: boolean;
}

export interface PrincipalPattern {
  /** The pattern as `aws:PrincipalArn` is matched against it (an SSO `_*` suffix narrowed to 16 `?`). */
  readonly pattern: string;
  /** The pattern as the user wrote it. */
  readonly written: string;
  readonly partition: string;
  readonly account: string;
  readonly kind: 'sso' | 'role' | 'user';
}

export interface RoleTrust {
  readonly principals: readonly PrincipalPattern[];
  readonly requireMfa: boolean;
  readonly maxSessionDuration?: number;
  readonly gitHub?: GitHubTrust;
  readonly gitLab?: GitLabTrust;
}

export type RolesConfig = Readonly<Partial<Record<GroupRole, RoleTrust>>>;

type Fail = (keyPath: string, detail: string) => void;

const asBool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : v === 'true' || v === 'false' ? v === 'true' : undefined;
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function unknownKeys(path: string, value: Record<string, unknown>, known: readonly string[], fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const lower = key.toLowerCase();
    const hint =
      known.find((k) => k.toLowerCase() === lower) ??
      known.find((k) => lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower));
    fail(
      `${path}.${key}`,
      `is not known${hint ? `; did you mean '${hint}'?` : `; ${path} takes ${known.join(', ')}.`}`,
    );
  }
}

/** An empty list, or an empty CommaDelimitedList parameter (a wrong type is parseStringList's error). */
function isEmptyList(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : typeof v === 'string' && v.split(',').every((x) => !x.trim());
}

/** Parse `Roles`; every fault goes to `fail`. */
export function parseRoles(value: unknown, fail: Fail): RolesConfig {
  if (value === undefined) return {};
  if (!isMap(value))
    return (
      fail(
        'Roles',
        'should be a map with Admin, Developer and/or Ci, each saying who may assume that role (Principals, GitHub or GitLab).',
      ),
      {}
    );
  const keys = Object.values(ROLE_KEYS);
  unknownKeys('Roles', value, keys, fail);
  const out: Partial<Record<GroupRole, RoleTrust>> = {};
  for (const [role, key] of Object.entries(ROLE_KEYS) as [GroupRole, string][]) {
    if (value[key] === undefined) continue;
    const parsed = parseRole(`Roles.${key}`, value[key], fail);
    if (parsed) out[role] = parsed;
  }
  if (!Object.keys(value).length) fail('Roles', 'is empty; list Admin, Developer and/or Ci, or remove Roles.');
  return out;
}

function parseRole(path: string, v: unknown, fail: Fail): RoleTrust | undefined {
  if (!isMap(v))
    return (
      fail(
        path,
        'should be a map with Principals, GitHub and/or GitLab (and optionally RequireMfa, MaxSessionDuration).',
      ),
      undefined
    );
  unknownKeys(path, v, ['Principals', 'RequireMfa', 'MaxSessionDuration', 'GitHub', 'GitLab'], fail);
  if (v.Principals !== undefined && isEmptyList(v.Principals)) {
    fail(
      `${path}.Principals`,
      'is empty; list the IAM Identity Center roles, roles or IAM users that may assume the role, or remove Principals.',
    );
  }
  const principals = parseStringList(`${path}.Principals`, v.Principals, fail)
    .map((p, i) => parsePrincipal(`${path}.Principals[${i}]`, p, fail))
    .filter((p): p is PrincipalPattern => !!p);
  let requireMfa = false;
  if (v.RequireMfa !== undefined) {
    const b = asBool(v.RequireMfa);
    if (b === undefined) fail(`${path}.RequireMfa`, `should be true or false, not ${JSON.stringify(v.RequireMfa)}.`);
    requireMfa = b ?? false;
  }
  if (requireMfa) {
    if (!principals.length)
      fail(
        `${path}.RequireMfa`,
        'applies to Principals only (GitHub and GitLab tokens carry no MFA); list IAM users in Principals or remove RequireMfa.',
      );
    for (const p of principals) {
      if (p.kind === 'sso') {
        fail(
          `${path}.RequireMfa`,
          `cannot be checked for the IAM Identity Center role ${p.written}: Identity Center enforces MFA when people sign in, and its sessions come from SAML federation, which does not carry aws:MultiFactorAuthPresent (a trust policy requiring it would refuse everyone). Require MFA in Identity Center's settings and remove RequireMfa.`,
        );
      } else if (p.kind === 'role') {
        fail(
          `${path}.RequireMfa`,
          `cannot be checked for the role pattern ${p.written}: a role session carries aws:MultiFactorAuthPresent only if that role itself was assumed with MFA. Require MFA where that role is assumed, or list IAM users (arn:aws:iam::<account>:user/<name>) here.`,
        );
      }
    }
  }
  let maxSessionDuration: number | undefined;
  if (v.MaxSessionDuration !== undefined) {
    const n =
      typeof v.MaxSessionDuration === 'string' && /^\d+$/.test(v.MaxSessionDuration)
        ? Number(v.MaxSessionDuration)
        : v.MaxSessionDuration;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < SESSION_DURATION.min || n > SESSION_DURATION.max) {
      fail(
        `${path}.MaxSessionDuration`,
        `should be a whole number of seconds from ${SESSION_DURATION.min} (1 hour) to ${SESSION_DURATION.max} (12 hours), not ${JSON.stringify(v.MaxSessionDuration)}.`,
      );
    } else maxSessionDuration = n;
  }
  const gitHub = v.GitHub === undefined ? undefined : parseGitHub(`${path}.GitHub`, v.GitHub, fail);
  const gitLab = v.GitLab === undefined ? undefined : parseGitLab(`${path}.GitLab`, v.GitLab, fail);
  if (v.Principals === undefined && v.GitHub === undefined && v.GitLab === undefined) {
    fail(
      path,
      'names nobody who may assume the role; add Principals (IAM Identity Center roles, roles or IAM users), GitHub or GitLab.',
    );
    return undefined;
  }
  return {
    principals,
    requireMfa,
    ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    ...(gitHub ? { gitHub } : {}),
    ...(gitLab ? { gitLab } : {}),
  };
}

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];
const NAME_CHARS = /^[A-Za-z0-9+=,.@_-]+$/;
/** Literal characters a role or user name pattern must start with, so it names one family of principals. */
const MIN_LITERAL_PREFIX = 4;

/** One `Principals` pattern, validated; an SSO `_*` suffix narrowed to IAM Identity Center's 16 characters. */
export function parsePrincipal(path: string, raw: string, fail: Fail): PrincipalPattern | undefined {
  const refuse = (detail: string) => (fail(path, `'${raw}' ${detail}`), undefined);
  if (/^[*?]+$/.test(raw))
    return refuse(
      'would trust every AWS principal; name a role or user ARN pattern such as arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_TeamDeveloper_*.',
    );
  const m = /^arn:([^:]*):iam::([^:]*):(.*)$/.exec(raw);
  if (!m)
    return refuse(
      'is not an IAM role or user ARN pattern; write arn:aws:iam::<12-digit account>:role/<path and name> (wildcards * and ? allowed in the path and after the start of the name).',
    );
  const [, partition, account, rest] = m;
  if (!PARTITIONS.includes(partition))
    return refuse(`names the partition '${partition}'; write one of ${PARTITIONS.join(', ')} (no wildcards).`);
  if (!/^\d{12}$/.test(account)) {
    return refuse(
      /[*?]/.test(account)
        ? 'has a wildcard in the account; name the 12-digit account whose principals may assume the role.'
        : 'needs a 12-digit account id (quoted, so YAML keeps leading zeros).',
    );
  }
  if (rest === 'root' || rest === '*' || rest === '')
    return refuse(
      'trusts the whole account (anyone there allowed to call sts:AssumeRole); name a role or user pattern instead.',
    );
  const t = /^(role|user)\/(.+)$/.exec(rest);
  if (!t)
    return refuse(
      'must name a role (…:role/<path>/<name>) or an IAM user (…:user/<path>/<name>); other principal types cannot be listed.',
    );
  const [, type, pathAndName] = t;
  if (/[^A-Za-z0-9+=,.@_/*?-]/.test(pathAndName))
    return refuse(
      'holds characters IAM does not allow in paths and names (letters, digits, +=,.@_- and /, with the wildcards * and ?).',
    );
  const slash = pathAndName.lastIndexOf('/');
  const rolePath = slash >= 0 ? pathAndName.slice(0, slash + 1) : '';
  const name = pathAndName.slice(slash + 1);
  const literalPrefix = /^[^*?]*/.exec(name)?.[0] ?? '';

  if (/^aws-reserved\/sso\.amazonaws\.com\//.test(rolePath) || name.startsWith('AWSReservedSSO_')) {
    if (type !== 'role')
      return refuse(
        'is an IAM Identity Center name under user/; permission sets become roles: write …:role/aws-reserved/sso.amazonaws.com/…/AWSReservedSSO_<permission set>_*.',
      );
    if (!/^aws-reserved\/sso\.amazonaws\.com\//.test(rolePath)) {
      return refuse(
        'names an IAM Identity Center role outside the path /aws-reserved/sso.amazonaws.com/, so a role anyone may create with that name would match; write …:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_<permission set>_* (or without the region segment for Identity Center in us-east-1).',
      );
    }
    const sso = /^AWSReservedSSO_([A-Za-z0-9+=,.@_-]+)_(\*|[0-9a-f]{16}|\?{16})$/.exec(name);
    if (!sso) {
      return refuse(
        'must end with AWSReservedSSO_<permission set name>_* (the permission set written out, no wildcard in it), so it matches that one permission set only.',
      );
    }
    // `_*` would also match the permission set `<name>_<more>`: narrow it to the 16 characters Identity Center appends.
    const narrowed = sso[2] === '*' ? `${raw.slice(0, -1)}${'?'.repeat(SSO_SUFFIX_LENGTH)}` : raw;
    return { pattern: narrowed, written: raw, partition, account, kind: 'sso' };
  }
  if (!name || /^[*?]/.test(name) || literalPrefix.length < Math.min(MIN_LITERAL_PREFIX, name.length)) {
    return refuse(
      `names no ${type} (the name after the last / must start with at least ${MIN_LITERAL_PREFIX} literal characters), so it matches every ${type} under its path; write the ${type} name or its literal start.`,
    );
  }
  if (!NAME_CHARS.test(literalPrefix)) return refuse(`holds characters IAM does not allow in ${type} names.`);
  return { pattern: raw, written: raw, partition, account, kind: type === 'user' ? 'user' : 'role' };
}

// GitHub: user and organization names are letters, digits and single hyphens (at most 39); repository names
// letters, digits, '.', '_' and '-' (at most 100), never '.' or '..'.
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
// Branch names as git allows them (git check-ref-format), with the IAM wildcards * and ? (git refuses both in
// names, so a wildcard is unambiguous).
// eslint-disable-next-line no-control-regex -- git refuses control characters in ref names (git check-ref-format)
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\/$)(?!.*\.\.)(?!.*\.lock$)(?!.*@\{)[^\s~^:\\[\x00-\x1f\x7f]+$/;

function parseBranches(path: string, v: unknown, fail: Fail): string[] {
  return parseStringList(path, v, fail).filter((b, i) => {
    const at = `${path}[${i}]`;
    if (b.startsWith('refs/'))
      return (
        fail(
          at,
          `'${b}' should be the bare branch name (write '${b.replace(/^refs\/(heads\/)?/, '')}'): the macro adds refs/heads/ itself, and tag refs are never trusted.`,
        ),
        false
      );
    if (/^[*?]+$/.test(b))
      return (
        fail(
          at,
          `'${b}' would trust every branch, including any branch a contributor pushes; list the deployable branches (e.g. main), or a pattern with a literal start such as release/*.`,
        ),
        false
      );
    if (!BRANCH.test(b))
      return (
        fail(
          at,
          `'${b}' is not a valid git branch name (no spaces, ~ ^ : \\ [, '..', '//', leading or trailing '/', or '.lock' ending).`,
        ),
        false
      );
    return true;
  });
}

function parseIdNumber(path: string, v: unknown, fail: Fail): string | undefined {
  if (v === undefined) return undefined;
  const s = typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? String(v) : v;
  if (typeof s !== 'string' || !/^[1-9]\d{0,19}$/.test(s)) {
    return (
      fail(
        path,
        `should be GitHub's numeric id (digits only), not ${JSON.stringify(v)}; read it with \`gh api repos/<owner>/<repo> --jq '.owner.id, .id'\`.`,
      ),
      undefined
    );
  }
  return s;
}

function parseGitHub(path: string, v: unknown, fail: Fail): GitHubTrust | undefined {
  if (!isMap(v))
    return (
      fail(path, 'should be a map: {Repository: <owner>/<repo>, Branches: [...], Environments: [...]}.'),
      undefined
    );
  unknownKeys(path, v, GITHUB_KEYS, fail);
  let owner: string | undefined;
  let repository: string | undefined;
  const repo = v.Repository;
  if (typeof repo !== 'string' || !repo) {
    fail(`${path}.Repository`, 'is required: the repository as <owner>/<name> (e.g. acme/tapir).');
  } else if (/[*?]/.test(repo)) {
    fail(
      `${path}.Repository`,
      `'${repo}' holds a wildcard; name exactly one repository as <owner>/<name>, so no other repository, fork or look-alike name matches.`,
    );
  } else {
    const parts = repo.split('/');
    if (parts.length !== 2)
      fail(
        `${path}.Repository`,
        `'${repo}' should be <owner>/<name> with its owner (user or organization), e.g. acme/${parts[parts.length - 1] || 'tapir'}: a name alone would match any owner's repository.`,
      );
    else if (!GITHUB_OWNER.test(parts[0]))
      fail(
        `${path}.Repository`,
        `'${repo}': the owner '${parts[0]}' is not a GitHub user or organization name (letters, digits and single hyphens, at most 39).`,
      );
    else if (!GITHUB_REPO.test(parts[1]) || parts[1] === '.' || parts[1] === '..')
      fail(
        `${path}.Repository`,
        `'${repo}': '${parts[1]}' is not a GitHub repository name (letters, digits, '.', '_' and '-', at most 100).`,
      );
    else [owner, repository] = parts;
  }
  const branches = parseBranches(`${path}.Branches`, v.Branches, fail);
  const environments = parseStringList(`${path}.Environments`, v.Environments, fail).filter((e, i) => {
    if (/[*?]/.test(e))
      return (fail(`${path}.Environments[${i}]`, `'${e}' holds a wildcard; list each environment by name.`), false);
    // eslint-disable-next-line no-control-regex -- a GitHub environment name has no control characters
    if (!/^[^:\x00-\x1f\x7f]{1,255}$/.test(e) || e.trim() !== e)
      return (
        fail(
          `${path}.Environments[${i}]`,
          `'${e}' is not a GitHub environment name (at most 255 characters, no ':' and no surrounding spaces).`,
        ),
        false
      );
    return true;
  });
  if (
    (v.Branches !== undefined || v.Environments !== undefined) &&
    isEmptyList(v.Branches ?? []) &&
    isEmptyList(v.Environments ?? [])
  ) {
    fail(path, 'lists no branch and no environment; list Branches and/or Environments, or remove GitHub.');
  }
  if (v.Branches === undefined && v.Environments === undefined) {
    fail(
      path,
      'trusts no workflow yet; list Branches (tokens of pushes and manual runs on those branches) and/or Environments (tokens of jobs that deploy to those environments). Pull requests and tags are never trusted.',
    );
  }
  const workflows = parseStringList(`${path}.Workflows`, v.Workflows, fail).flatMap((w, i) => {
    const at = `${path}.Workflows[${i}]`;
    const m =
      /^(?:([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})\/)?(\.github\/workflows\/[A-Za-z0-9._/-]+\.ya?ml)(?:@(refs\/(?:heads|tags)\/[^\s*?]+|[0-9a-f]{40}))?$/.exec(
        w,
      );
    if (!m || w.includes('..')) {
      fail(
        at,
        `'${w}' should be a workflow file of the repository (.github/workflows/deploy.yml), or <owner>/<repo>/.github/workflows/<file> for a reusable workflow, optionally @refs/heads/<branch>, @refs/tags/<tag> or @<commit sha>; no wildcards.`,
      );
      return [];
    }
    const repoPart = m[1] ? `${m[1]}/${m[2]}` : owner && repository ? `${owner}/${repository}` : undefined;
    return repoPart ? [`${repoPart}/${m[3]}@${m[4] ?? '*'}`] : [];
  });
  const ownerId = parseIdNumber(`${path}.OwnerId`, v.OwnerId, fail);
  const repositoryId = parseIdNumber(`${path}.RepositoryId`, v.RepositoryId, fail);
  let subjectFormat: 'ids' | 'names' = ownerId && repositoryId ? 'ids' : 'names';
  if (v.SubjectFormat !== undefined) {
    if (v.SubjectFormat === 'Ids') subjectFormat = 'ids';
    else if (v.SubjectFormat === 'Names') subjectFormat = 'names';
    else
      fail(
        `${path}.SubjectFormat`,
        `should be Ids (immutable subjects, repo:<owner>@<OwnerId>/<repo>@<RepositoryId>:…, the default of repositories created since mid-2026) or Names (repo:<owner>/<repo>:…), not ${JSON.stringify(v.SubjectFormat)}.`,
      );
  }
  if (subjectFormat === 'ids' && (!ownerId || !repositoryId)) {
    fail(
      `${path}.SubjectFormat`,
      'Ids needs both OwnerId and RepositoryId (GitHub puts both in the subject); add them or use Names.',
    );
  }
  if (v.OwnerId !== undefined && v.RepositoryId === undefined) {
    fail(
      `${path}.RepositoryId`,
      'is missing: OwnerId only serves the immutable subject, which carries both ids; add RepositoryId (it also pins the repository_id claim).',
    );
  }
  const createProvider = parseCreateProvider(`${path}.CreateProvider`, v.CreateProvider, fail);
  if (!owner || !repository) return undefined;
  return {
    owner,
    repository,
    ...(ownerId ? { ownerId } : {}),
    ...(repositoryId ? { repositoryId } : {}),
    subjectFormat,
    branches,
    environments,
    workflows: [...new Set(workflows)],
    createProvider,
  };
}

function parseCreateProvider(path: string, v: unknown, fail: Fail): boolean {
  if (v === undefined) return false;
  const b = asBool(v);
  if (b === undefined)
    fail(
      path,
      `should be true or false, not ${JSON.stringify(v)} (true creates the account's OIDC provider; an account holds one per URL, so leave it false when it exists).`,
    );
  return b ?? false;
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const GITLAB_SEGMENT = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;

function parseGitLab(path: string, v: unknown, fail: Fail): GitLabTrust | undefined {
  if (!isMap(v))
    return (
      fail(
        path,
        'should be a map: {Project: <group>/<project>, Branches: [...]} (and Host for a self-managed instance).',
      ),
      undefined
    );
  unknownKeys(path, v, GITLAB_KEYS, fail);
  let host: string | undefined = DEFAULT_GITLAB_HOST;
  if (v.Host !== undefined) {
    if (typeof v.Host !== 'string' || !HOST.test(v.Host)) {
      fail(
        `${path}.Host`,
        `should be the instance's host name in lower case without scheme or path (e.g. gitlab.example.com), not ${JSON.stringify(v.Host)}.`,
      );
      host = undefined;
    } else host = v.Host;
  }
  let project: string | undefined;
  if (typeof v.Project !== 'string' || !v.Project)
    fail(
      `${path}.Project`,
      'is required: the project path as <group>/<project> (subgroups allowed: <group>/<subgroup>/<project>).',
    );
  else if (/[*?]/.test(v.Project))
    fail(`${path}.Project`, `'${v.Project}' holds a wildcard; name exactly one project path.`);
  else if (v.Project.split('/').length < 2)
    fail(
      `${path}.Project`,
      `'${v.Project}' should be <group>/<project> with its group or user namespace: a project name alone would match any namespace.`,
    );
  else if (!v.Project.split('/').every((s) => GITLAB_SEGMENT.test(s)))
    fail(
      `${path}.Project`,
      `'${v.Project}' is not a GitLab project path (segments of letters, digits, '_', '-' and '.', joined by '/').`,
    );
  else project = v.Project;
  const branches = parseBranches(`${path}.Branches`, v.Branches, fail);
  if (v.Branches === undefined || isEmptyList(v.Branches))
    fail(`${path}.Branches`, 'is required: list the branches whose pipelines may assume the role (e.g. [main]).');
  let audience: string | undefined = host ? `https://${host}` : undefined;
  if (v.Audience !== undefined) {
    if (typeof v.Audience !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(v.Audience) || /[*?]/.test(v.Audience)) {
      fail(
        `${path}.Audience`,
        `should be the exact aud of your id_tokens (.gitlab-ci.yml id_tokens.<name>.aud), without wildcards; default https://<Host>.`,
      );
      audience = undefined;
    } else audience = v.Audience;
  }
  const createProvider = parseCreateProvider(`${path}.CreateProvider`, v.CreateProvider, fail);
  if (!host || !project || !audience) return undefined;
  return { host, project, audience, branches, createProvider };
}

/** The `sub` values a GitHub token of this trust may carry: exact ones and (user-written) wildcard ones. */
export function gitHubSubjects(g: GitHubTrust): { exact: string[]; patterns: string[] } {
  const repo =
    g.subjectFormat === 'ids'
      ? `${g.owner}@${g.ownerId}/${g.repository}@${g.repositoryId}`
      : `${g.owner}/${g.repository}`;
  const all = [
    ...g.branches.map((b) => `repo:${repo}:ref:refs/heads/${b}`),
    ...g.environments.map((e) => `repo:${repo}:environment:${e}`),
  ];
  return { exact: all.filter((s) => !/[*?]/.test(s)), patterns: all.filter((s) => /[*?]/.test(s)) };
}

export function gitLabSubjects(g: GitLabTrust): { exact: string[]; patterns: string[] } {
  const all = g.branches.map((b) => `project_path:${g.project}:ref_type:branch:ref:${b}`);
  return { exact: all.filter((s) => !/[*?]/.test(s)), patterns: all.filter((s) => /[*?]/.test(s)) };
}

/** The provider ARN a role trusts: the account's existing provider, or a Ref to the one the macro creates. */
export type ProviderArn = (kind: 'github' | 'gitlab', host: string) => unknown;

export function existingProviderArn(host: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${host}` };
}

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Principal: Record<string, unknown>;
  Action: string;
  Condition: Record<string, Record<string, unknown>>;
}

const one = (list: readonly string[]): string | string[] => (list.length === 1 ? list[0] : [...list]);

/** The AssumeRolePolicyDocument of one role. */
export function trustPolicy(t: RoleTrust, providerArn: ProviderArn): { Version: '2012-10-17'; Statement: Statement[] } {
  const statements: Statement[] = [];
  if (t.principals.length) {
    const accounts = [...new Set(t.principals.map((p) => `arn:${p.partition}:iam::${p.account}:root`))].sort();
    const condition: Record<string, Record<string, unknown>> = {
      ArnLike: { 'aws:PrincipalArn': one(t.principals.map((p) => p.pattern)) },
    };
    if (t.requireMfa) condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
    statements.push({
      Sid: 'Principals',
      Effect: 'Allow',
      Principal: { AWS: one(accounts) },
      Action: 'sts:AssumeRole',
      Condition: condition,
    });
  }
  if (t.gitHub) {
    const g = t.gitHub;
    const { exact, patterns } = gitHubSubjects(g);
    const base = {
      [`${GITHUB_HOST}:aud`]: GITHUB_AUDIENCE,
      ...(g.repositoryId ? { [`${GITHUB_HOST}:repository_id`]: g.repositoryId } : {}),
    };
    const principal = { Federated: providerArn('github', GITHUB_HOST) };
    // job_workflow_ref: the workflow file (ours, or a reusable one) the job runs; `@*` is any ref of that file.
    const workflows = g.workflows.length ? { [`${GITHUB_HOST}:job_workflow_ref`]: one(g.workflows) } : undefined;
    if (exact.length) {
      statements.push({
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { ...base, [`${GITHUB_HOST}:sub`]: one(exact) },
          ...(workflows ? { StringLike: workflows } : {}),
        },
      });
    }
    if (patterns.length) {
      statements.push({
        Sid: 'GitHubActionsBranchPatterns',
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: base, StringLike: { [`${GITHUB_HOST}:sub`]: one(patterns), ...(workflows ?? {}) } },
      });
    }
  }
  if (t.gitLab) {
    const g = t.gitLab;
    const { exact, patterns } = gitLabSubjects(g);
    const principal = { Federated: providerArn('gitlab', g.host) };
    if (exact.length) {
      statements.push({
        Sid: 'GitLab',
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${g.host}:aud`]: g.audience, [`${g.host}:sub`]: one(exact) } },
      });
    }
    if (patterns.length) {
      statements.push({
        Sid: 'GitLabBranchPatterns',
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${g.host}:aud`]: g.audience },
          StringLike: { [`${g.host}:sub`]: one(patterns) },
        },
      });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The OIDC providers the macro must create for these roles: host -> client id (audience). */
export function providersToCreate(
  roles: RolesConfig,
): { kind: 'github' | 'gitlab'; host: string; audiences: string[] }[] {
  const out = new Map<string, { kind: 'github' | 'gitlab'; host: string; audiences: Set<string> }>();
  for (const t of Object.values(roles)) {
    if (t?.gitHub?.createProvider) {
      const e = out.get(GITHUB_HOST) ?? { kind: 'github' as const, host: GITHUB_HOST, audiences: new Set<string>() };
      e.audiences.add(GITHUB_AUDIENCE);
      out.set(GITHUB_HOST, e);
    }
    if (t?.gitLab?.createProvider) {
      const e = out.get(t.gitLab.host) ?? {
        kind: 'gitlab' as const,
        host: t.gitLab.host,
        audiences: new Set<string>(),
      };
      e.audiences.add(t.gitLab.audience);
      out.set(t.gitLab.host, e);
    }
  }
  return [...out.values()]
    .sort((a, b) => (a.host < b.host ? -1 : 1))
    .map((e) => ({ kind: e.kind, host: e.host, audiences: [...e.audiences].sort() }));
}

/** Whether a role with this host's provider references the created provider (any role asking creates it for all). */
export function createsProvider(roles: RolesConfig, host: string): boolean {
  return providersToCreate(roles).some((p) => p.host === host);
}

const STRINGS = { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] } as const;
const BOOL = { type: ['boolean', 'string'], enum: [true, false, 'true', 'false'] } as const;
/** JSON schema of `Roles` (for the registry schema): the shapes parseRoles accepts; parseRoles checks the values. */
export const ROLES_SCHEMA: Readonly<Record<string, unknown>> = (() => {
  const gitHub = {
    type: 'object',
    additionalProperties: false,
    required: ['Repository'],
    properties: {
      Repository: {
        type: 'string',
        pattern: '^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$',
        description: '<owner>/<name>, exactly as GitHub spells it.',
      },
      Branches: {
        ...STRINGS,
        description: 'Branches whose tokens may assume the role (a wildcard only where written, e.g. release/*).',
      },
      Environments: { ...STRINGS, description: 'Environments whose deployment jobs may assume the role.' },
      Workflows: {
        ...STRINGS,
        description:
          'Workflow files whose jobs may assume the role (job_workflow_ref), e.g. .github/workflows/deploy.yml.',
      },
      OwnerId: { type: ['string', 'integer'], description: "The owner's numeric id (immutable subjects)." },
      RepositoryId: {
        type: ['string', 'integer'],
        description: "The repository's numeric id (immutable subjects and the repository_id claim).",
      },
      SubjectFormat: {
        type: 'string',
        enum: ['Ids', 'Names'],
        description: 'Ids: repo:<owner>@<id>/<repo>@<id>:… (default with both ids); Names: repo:<owner>/<repo>:….',
      },
      CreateProvider: {
        ...BOOL,
        description: "Create the account's token.actions.githubusercontent.com provider in this stack.",
      },
    },
  };
  const gitLab = {
    type: 'object',
    additionalProperties: false,
    required: ['Project', 'Branches'],
    properties: {
      Project: { type: 'string', description: '<group>[/<subgroup>…]/<project>.' },
      Branches: { ...STRINGS, description: 'Branches whose pipelines may assume the role.' },
      Host: { type: 'string', description: 'The GitLab instance (default gitlab.com).' },
      Audience: { type: 'string', description: 'The aud of the id_tokens (default https://<Host>).' },
      CreateProvider: { ...BOOL, description: "Create the account's provider for Host in this stack." },
    },
  };
  const role = {
    type: 'object',
    additionalProperties: false,
    properties: {
      Principals: {
        ...STRINGS,
        description:
          'Role or IAM-user ARN patterns (IAM Identity Center: …:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_<set>_*).',
      },
      RequireMfa: { ...BOOL, description: 'Require aws:MultiFactorAuthPresent (IAM-user patterns only).' },
      MaxSessionDuration: { type: ['integer', 'string'], description: 'Seconds, 3600-43200.' },
      GitHub: gitHub,
      GitLab: gitLab,
    },
  };
  return {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { Admin: role, Developer: role, Ci: role },
  };
})();
