// The lint rules that keep the code's shape (the layer order, the function-length limit) must
// be able to fail: a config typo would otherwise pass every file silently. This lints
// synthetic files with the project's own eslint.config.js.
import { ESLint } from 'eslint';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const clientRoot = path.resolve(import.meta.dirname, '..');

// The synthetic files exist only in memory, outside any tsconfig, so they are parsed without
// type information; the rules under test need none.
const eslint = new ESLint({
  cwd: clientRoot,
  overrideConfig: [
    {
      files: ['**/*.ts', '**/*.tsx'],
      ...tseslint.configs.disableTypeChecked,
      languageOptions: { parserOptions: { project: false, projectService: false } },
    },
  ],
});

/** A function of exactly `lines` lines, counting its first and last. */
function functionOf(lines: number): string {
  const sums = Array.from({ length: lines - 4 }, (_, i) => `  total += ${i};`);
  return ['export function long(): number {', '  let total = 0;', ...sums, '  return total;', '}'].join('\n');
}

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(clientRoot, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the client lint', () => {
  it('reports a 61-line function and passes a 60-line one', async () => {
    const over = await lint('src/logic/selftest.ts', functionOf(61));
    expect(over).toEqual([expect.stringMatching(/^max-lines-per-function: .*too many lines \(61\)\. Maximum allowed is 60/)]);
    expect(await lint('src/logic/selftest.ts', functionOf(60))).toEqual([]);
  });

  it('does not count blank lines and comments', async () => {
    const padded = functionOf(60).replace('{\n', '{\n\n  // why\n\n');
    expect(await lint('src/logic/selftest.ts', padded)).toEqual([]);
  });

  it('reports an import that runs back up a layer', async () => {
    const cases: [string, string][] = [
      ['src/api/selftest.ts', "export { imageUrl } from '../logic/stage';"],
      ['src/api/selftest.ts', "import { toast } from '../hooks/toasts';\nexport const t = toast;"],
      ['src/logic/selftest.ts', "import { toast } from '../hooks/toasts';\nexport const t = toast;"],
      ['src/logic/selftest.ts', "import { Kbd } from '../components/Kbd';\nexport const k = Kbd;"],
      ['src/hooks/selftest.ts', "import type { BatchStatus } from '../components/automove/BatchStatus';\nexport type B = typeof BatchStatus;"],
      ['src/perf/selftest.ts', "import { toast } from '../hooks/toasts';\nexport const t = toast;"],
    ];
    for (const [file, code] of cases) {
      expect(await lint(file, code), `${file}: ${code}`).toEqual([expect.stringMatching(/^no-restricted-imports: /)]);
    }
  });

  it('lets a layer import its own layer and the ones below', async () => {
    const cases: [string, string][] = [
      ['src/api/selftest.ts', "import { encodeItem } from './urls';\nexport const e = encodeItem;"],
      ['src/logic/selftest.ts', "import { encodeItem } from '../api/urls';\nexport const e = encodeItem;"],
      ['src/hooks/selftest.ts', "import { baseName } from '../logic/actionView';\nexport const b = baseName;"],
      ['src/components/grid/selftest.tsx', "import { toast } from '../../hooks/toasts';\nexport const t = toast;"],
    ];
    for (const [file, code] of cases) expect(await lint(file, code), `${file}: ${code}`).toEqual([]);
  });
});
