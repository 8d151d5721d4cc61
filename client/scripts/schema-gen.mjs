// One code path turns the backend's OpenAPI JSON into src/api/schema.d.ts, shared by
// `npm run gen:api` and the staleness test, so "regenerate and compare" cannot drift.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(clientDir, '..');
export const venvPython = path.join(repoRoot, '.venv', 'bin', 'python');
export const schemaTsPath = path.join(clientDir, 'src', 'api', 'schema.d.ts');
export const openapiJsonPath = path.join(clientDir, 'openapi.json');

const HEADER = `/**
 * Generated from the backend's OpenAPI schema by \`npm run gen:api\`
 * (client/scripts/openapi.py -> openapi-typescript). Do not edit by hand.
 */

`;

export function hasPython() {
  return existsSync(venvPython);
}

/** The backend's OpenAPI schema as a JSON string (the python script imports the app). */
export function dumpOpenapi() {
  const res = spawnSync(venvPython, [path.join(clientDir, 'scripts', 'openapi.py')], {
    encoding: 'utf8',
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    throw new Error(`scripts/openapi.py failed (${res.status}):\n${res.stderr}`);
  }
  return res.stdout;
}

/** TypeScript declarations for an OpenAPI document (a JSON string). */
export async function schemaToTs(openapiJson) {
  const ast = await openapiTS(JSON.parse(openapiJson), { alphabetize: false });
  return HEADER + astToString(ast);
}
