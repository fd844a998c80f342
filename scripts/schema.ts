/** npm run schema: writes the registry schema (scripts/lib/registry-schema.ts) to schema/formidable-serverless-access.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { registrySchemaText, SCHEMA_FILE } from './lib/registry-schema';

mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
writeFileSync(SCHEMA_FILE, registrySchemaText());
console.log(`wrote ${SCHEMA_FILE}`);
