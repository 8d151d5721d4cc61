// npm run gen:api — refresh client/openapi.json and src/api/schema.d.ts from the backend.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  dumpOpenapi,
  hasPython,
  openapiJsonPath,
  schemaToTs,
  schemaTsPath,
  venvPython,
} from './schema-gen.mjs';

if (!hasPython()) {
  console.error(`gen:api needs the backend's virtualenv (${venvPython}); run \`make install\` first.`);
  process.exit(1);
}
const json = dumpOpenapi();
writeFileSync(openapiJsonPath, json);
mkdirSync(path.dirname(schemaTsPath), { recursive: true });
writeFileSync(schemaTsPath, await schemaToTs(json));
console.log(`wrote ${path.relative(process.cwd(), openapiJsonPath)} and ${path.relative(process.cwd(), schemaTsPath)}`);
