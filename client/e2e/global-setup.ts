// The e2e tests drive the production bundle the backend serves. Rebuild it when any client
// source is newer than the bundle, so `npm run e2e` never tests stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.resolve(client, '../backend/photosort/static/index.html');

function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((m, name) => Math.max(m, newest(path.join(p, name))), st.mtimeMs);
}

export default function globalSetup(): void {
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(client, p)).filter(existsSync);
  const sourceTime = Math.max(...inputs.map(newest));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sourceTime) return;
  console.log('e2e: building the client bundle (sources are newer than backend/photosort/static)');
  execFileSync(process.execPath, [path.join(client, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: client,
    stdio: 'inherit',
  });
}
