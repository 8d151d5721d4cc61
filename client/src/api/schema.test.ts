// The UI's API types are generated from the backend's models. If someone changes a model and
// forgets `npm run gen:api`, this test fails instead of the UI drifting silently.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dumpOpenapi, hasPython, openapiJsonPath, schemaToTs, schemaTsPath, venvPython } from '../../scripts/schema-gen.mjs';

const python = hasPython();
if (!python) {
  console.warn(`schema staleness check skipped: the backend virtualenv's python (${venvPython}) is missing`);
}

/** Where two texts first differ, so a failure says what changed, not just "stale". */
function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: checked in ${JSON.stringify(al[i] ?? '<end>')}, backend ${JSON.stringify(bl[i] ?? '<end>')}`;
  }
  return 'identical';
}

describe.skipIf(!python)('generated API types', () => {
  const json = python ? dumpOpenapi() : '{}';

  it('src/api/schema.d.ts matches the backend (run `npm run gen:api` if this fails)', async () => {
    const fresh = await schemaToTs(json);
    const current = readFileSync(schemaTsPath, 'utf8');
    expect(current === fresh, `src/api/schema.d.ts is stale (run \`npm run gen:api\`): ${firstDifference(current, fresh)}`).toBe(true);
  });

  it('openapi.json matches the backend (run `npm run gen:api` if this fails)', () => {
    const current = readFileSync(openapiJsonPath, 'utf8');
    expect(current === json, `client/openapi.json is stale (run \`npm run gen:api\`): ${firstDifference(current, json)}`).toBe(true);
  });
});
