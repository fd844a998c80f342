/**
 * npm run build: bundles each Lambda handler with esbuild into dist/<function>/index.js (minified, one
 * file per function, for the nodejs24.x runtime) and its source map index.js.map. The AWS SDK v3 stays external: the nodejs24.x runtime ships it, which keeps the
 * bundles small and the cold start short.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { join } from 'node:path';

export const FUNCTIONS = {
  macro: 'functions/handlers/macro.ts',
  'bucket-resolver': 'functions/handlers/bucket-resolver.ts',
} as const;

export async function buildAll(outRoot = 'dist'): Promise<Record<string, { file: string; bytes: number; mapBytes: number }>> {
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

if (require.main === module) {
  buildAll().then(
    (r) => {
      for (const [name, { file, bytes, mapBytes }] of Object.entries(r)) console.log(`${name.padEnd(16)} ${file}  ${(bytes / 1024).toFixed(1)} KiB (map ${(mapBytes / 1024).toFixed(1)} KiB)`);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
