/** The Serverless Framework CLIs the proof drives (devDependencies osls and osls3), and what v4 would add. */
import { readFileSync } from 'fs';
import { join } from 'path';

export interface Framework {
  /** Short id used in flags and the report: osls4, osls3. */
  readonly id: string;
  /** package@version, read from node_modules. */
  readonly label: string;
  readonly bin: string;
  /** AWS SDK major version the CLI uses (the recorder patches both). */
  readonly sdk: 2 | 3;
}

const ROOT = join(__dirname, '..', '..', '..');

function framework(id: string, dir: string, sdk: 2 | 3): Framework {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return { id, label: `${pkg.name}@${pkg.version}`, bin: join(ROOT, 'node_modules', dir, 'bin', 'serverless.js'), sdk };
}

let cache: Framework[] | undefined;
export function frameworks(): readonly Framework[] {
  cache ??= [framework('osls4', 'osls', 3), framework('osls3', 'osls3', 2)];
  return cache;
}

export function frameworkById(id: string): Framework {
  const f = frameworks().find((x) => x.id === id || x.label === id);
  if (!f)
    throw new Error(
      `unknown framework '${id}'; known: ${frameworks()
        .map((x) => x.id)
        .join(', ')}`,
    );
  return f;
}
