/**
 * npm run build: bundles each Lambda handler with esbuild into dist/<function>/index.js (minified, one
 * file per function, for the nodejs24.x runtime) and its source map index.js.map. The AWS SDK v3 stays external: the nodejs24.x runtime ships it, which keeps the
 * bundles small and the cold start short.
 *
 * It also bundles the command, bin/serverless-access.ts, into dist/cli.js: one file with everything it
 * imports (the AWS SDK, ajv, @aws-cdk/cloudformation-diff, yaml), so the published package runs with plain
 * node and needs no dependency at install time.
 */
import { build } from 'esbuild';
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const FUNCTIONS = {
  macro: 'functions/handlers/macro.ts',
  'bucket-resolver': 'functions/handlers/bucket-resolver.ts',
} as const;

export async function buildAll(
  outRoot = 'dist',
): Promise<Record<string, { file: string; bytes: number; mapBytes: number }>> {
  const result: Record<string, { file: string; bytes: number; mapBytes: number }> = {};
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const file = join(outRoot, name, 'index.js');
    await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node24', // the Lambda runtime of template.yaml (nodejs24.x)
      format: 'cjs',
      external: ['@aws-sdk/*'],
      legalComments: 'none',
      // template.yaml runs Node with --enable-source-maps: stack traces in the logs point at functions/*.ts.
      // The map ships beside the bundle without the sources' text (line and name mappings only).
      sourcemap: true,
      sourcesContent: false,
      logLevel: 'warning',
    });
    result[name] = { file, bytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size };
  }
  return result;
}

export const CLI = { entry: 'bin/serverless-access.ts', file: 'cli.js' } as const;

export async function buildCli(outRoot = 'dist'): Promise<{ file: string; bytes: number }> {
  const file = join(outRoot, CLI.file);
  await build({
    entryPoints: [CLI.entry],
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    // every script's `require.main === module` block would run in one bundle; only the command's may
    define: { 'require.main': 'undefined', SERVERLESS_ACCESS_BUNDLE: 'true' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  chmodSync(file, 0o755);
  return { file, bytes: statSync(file).size };
}

if (require.main === module) {
  Promise.all([buildAll(), buildCli()])
    .then(([r, cli]) => ({ ...r, cli }))
    .then(
      (r) => {
        for (const [name, built] of Object.entries(r)) {
          const map = 'mapBytes' in built ? ` (map ${((built.mapBytes as number) / 1024).toFixed(1)} KiB)` : '';
          console.error(`${name.padEnd(16)} ${built.file}  ${(built.bytes / 1024).toFixed(1)} KiB${map}`);
        }
      },
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
}
