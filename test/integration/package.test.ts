/**
 * The published package, as a user gets it: `npm pack` (prepack builds dist/cli.js), the tarball installed
 * offline into an empty folder, and the command run there with plain node (no tsx, no devDependency).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
let dir: string;
let app: string;
let tarball: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pack-test-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, packed[0].filename);
  writeFileSync(join(dir, 'files.json'), JSON.stringify(packed[0].files.map((f) => f.path).sort()));
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, stdio: 'pipe' });
  copyFileSync(join(ROOT, 'examples', 'tapir.yaml'), join(app, 'tapir.yaml'));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The installed bin link (what npx runs), executed through its #! line: plain node. */
function cli(args: string[]) {
  const r = spawnSync(join(app, 'node_modules', '.bin', 'serverless-access'), args, {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the tarball ships the bundled command, the schema, the macro bundles, README and LICENSE, and no source', () => {
  const files = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as string[];
  for (const f of [
    'dist/cli.js',
    'schema/formidable-serverless-access.json',
    'dist/macro/index.js',
    'dist/bucket-resolver/index.js',
    'template.yaml',
    'README.md',
    'LICENSE',
    'package.json',
  ])
    expect(files).toContain(f);
  expect(files.filter((f) => /^(scripts|test|functions|bin)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
  const pkg = JSON.parse(
    readFileSync(join(app, 'node_modules', 'serverless-access', 'package.json'), 'utf8'),
  ) as Record<string, unknown>;
  expect(pkg.private).toBeUndefined();
  expect(pkg.bin).toEqual({ 'serverless-access': 'dist/cli.js' });
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(readFileSync(join(app, 'node_modules', 'serverless-access', 'dist', 'cli.js'), 'utf8')).toMatch(
    /^#!\/usr\/bin\/env node\n/,
  );
});

test('npx serverless-access --help, and --help on every command', () => {
  const r = spawnSync('npx', ['--no-install', 'serverless-access', '--help'], { cwd: app, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const main = cli(['--help']);
  expect(main.out).toBe(r.stdout);
  for (const c of ['expand', 'lint', 'explain', 'diff', 'prove', 'rollout']) {
    expect(main.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    const r = cli([c, '--help']);
    expect({ c, code: r.code }).toEqual({ c, code: 0 });
    expect(r.out).toMatch(new RegExp(`^serverless-access ${c}`));
  }
});

test('expand runs the macro on an example, plain node', () => {
  const r = cli(['expand', 'tapir.yaml']);
  expect(r.code).toBe(0);
  const t = JSON.parse(r.out) as { Resources: Record<string, { Type: string }> };
  expect(Object.values(t.Resources).filter((x) => x.Type === 'AWS::IAM::Group')).toHaveLength(3);
  // The size line counts what the processed template holds (its resource count follows the policy packing).
  expect(r.err).toMatch(
    new RegExp(`processed template: \\d+ bytes of compact JSON, ${Object.keys(t.Resources).length} resources`),
  );
});

test('explain writes the HTML page; lint validates against the shipped schema before cfn-lint', () => {
  expect(cli(['explain', 'tapir.yaml', '--out', 'access.html']).code).toBe(0);
  expect(readFileSync(join(app, 'access.html'), 'utf8')).toContain('group <code>cf-tapir-dev-developer</code>');
  writeFileSync(
    join(app, 'bad.yaml'),
    'Resources:\n  A:\n    Type: Formidable::Serverless::Access\n    Properties: {ServiceName: x1, Stagee: dev}\n',
  );
  const r = cli(['lint', 'bad.yaml', '--cfn-lint', '/nonexistent']);
  expect(r.out).toContain('SA-SCHEMA Error: A.Stagee: Stagee is not a property of the schema');
});

test('prove in the installed package says what to install', () => {
  const r = cli(['prove']);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/needs the repository's development set-up; missing:[\s\S]*osls[\s\S]*npm ci/);
});
