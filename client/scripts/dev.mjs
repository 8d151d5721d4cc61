// `npm run dev` (repo root): the backend on :8000 serving sample/ (or PHOTOSORT_DEV_FOLDER)
// and Vite on :5173 with hot reload, proxying /api to the backend. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(client, '..');
const photosort = path.join(root, '.venv', 'bin', 'photosort');
const folder = path.resolve(root, process.env.PHOTOSORT_DEV_FOLDER ?? 'sample');
const port = process.env.PHOTOSORT_PORT ?? '8000';
const model = process.env.PHOTOSORT_MODEL ?? 'auto';

if (!existsSync(photosort)) {
  console.error(`dev: ${photosort} is missing; run \`make setup\` first`);
  process.exit(1);
}

const children = [
  spawn(photosort, ['serve', folder, '--port', port, '--model', model], { cwd: root, stdio: 'inherit' }),
  spawn(process.execPath, [path.join(client, 'node_modules/vite/bin/vite.js')], {
    cwd: client,
    stdio: 'inherit',
    env: { ...process.env, PHOTOSORT_BACKEND: `http://127.0.0.1:${port}` },
  }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  // The backend waits for open event streams on SIGTERM; do not hang the terminal on it.
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 2000).unref();
}
for (const c of children) c.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
