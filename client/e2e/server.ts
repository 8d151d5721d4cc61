// A real photosort backend for one test: a temp copy of real photos (some seeded into
// cluster folders, the rest loose and so queued), `photosort serve` on a free loopback port,
// and helpers to look at what happened on disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const photosortBin = path.join(repoRoot, '.venv', 'bin', 'photosort');
const venvPython = path.join(repoRoot, '.venv', 'bin', 'python');

// `photosort serve` checks the port with a plain bind() (no SO_REUSEADDR), which fails for
// about a minute after a restart while the old connections sit in TIME_WAIT. The restart in
// the reconnect test goes around that check (uvicorn itself binds with SO_REUSEADDR).
const SERVE_WITHOUT_PORT_CHECK =
  "import sys, photosort.cli as c; c._check_port_free = lambda *a: None; sys.argv = ['photosort', *sys.argv[1:]]; c.main()";
// The labeled photos committed with the tests (backend/tests/data/README.md): a bare clone runs every test.
export const datasetRoot = path.resolve(repoRoot, 'backend/tests/data/stamps6/clutter');

/**
 * Which embedder the e2e backends run. `none` (the default) keeps the tests fast and
 * deterministic: filing by keys and the palette needs no model. The auto-move test needs
 * suggestions and uses PHOTOSORT_E2E_AUTOMOVE_MODEL (default `auto`: CLIP when cached,
 * else the offline EfficientNet-Lite0).
 */
export const E2E_MODEL = process.env.PHOTOSORT_E2E_MODEL ?? 'none';
export const AUTOMOVE_MODEL = process.env.PHOTOSORT_E2E_AUTOMOVE_MODEL ?? 'auto';

export interface Layout {
  /** Photos per class copied into a cluster folder of that name. */
  seed: Record<string, number>;
  /** Photos per class left loose in the folder (queued). */
  loose: Record<string, number>;
}

export const DEFAULT_LAYOUT: Layout = {
  seed: { birds: 3, coins: 3, flowers: 3 },
  loose: { birds: 3, coins: 3, flowers: 2, mammals: 2 },
};

export interface JournalLine {
  seq: number;
  type: string;
  item?: string;
  dst?: string;
  cluster?: string;
  undoes?: number;
  batch?: string;
  by?: string;
  reviewer?: string;
  [k: string]: unknown;
}

export class PhotosortServer {
  proc: ChildProcess | null = null;
  log = '';
  /** The backend's per-user state folder (where SOURCE -> DEST is remembered): never the real home. */
  readonly stateDir = mkdtempSync(path.join(os.tmpdir(), 'photosort-e2e-state-'));

  constructor(
    readonly folder: string,
    readonly port: number,
    readonly model: string,
    /** Extra environment for the backend (test hooks such as PHOTOSORT_TEST_LOAD_DELAY_S). */
    readonly env: Record<string, string> = {},
    /** Extra `serve` arguments (e.g. `--into DEST --copy`). */
    readonly args: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start({ restart = false }: { restart?: boolean } = {}): Promise<void> {
    try {
      await this.launch(false);
    } catch (e) {
      if (!restart || !/Address already in use/.test(this.log)) throw e;
      await this.launch(true);
    }
  }

  private async launch(skipPortCheck: boolean): Promise<void> {
    this.log = '';
    const args = ['serve', this.folder, '--port', String(this.port), '--model', this.model, '--no-browser', ...this.args];
    const [cmd, argv] = skipPortCheck ? [venvPython, ['-c', SERVE_WITHOUT_PORT_CHECK, ...args]] : [photosortBin, args];
    const proc = spawn(cmd, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', HF_HUB_OFFLINE: '1', PHOTOSORT_STATE_DIR: this.stateDir, ...this.env },
    });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`photosort serve exited with ${proc.exitCode}:\n${this.log}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    throw new Error(`photosort serve did not answer /api/health within 45 s:\n${this.log}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // A clean stop first (the backend ends open event streams at once and exits within a
    // second); killed after a second regardless. The journal is fsync'ed per action, so even a
    // kill loses nothing (start-up recovery is the backend's own promise).
    proc.kill('SIGTERM');
    const kill = setTimeout(() => proc.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(kill);
    this.proc = null;
  }

  /** Journal lines (`.clustering/actions.jsonl`), oldest first. */
  journal(): JournalLine[] {
    const file = path.join(this.folder, '.clustering', 'actions.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as JournalLine);
  }

  exists(...parts: string[]): boolean {
    return existsSync(path.join(this.folder, ...parts));
  }

  files(dir = ''): string[] {
    const p = path.join(this.folder, dir);
    return existsSync(p) ? readdirSync(p, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort() : [];
  }

  async api<T>(route: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      ...init,
      headers: { 'Content-Type': 'application/json', 'X-Reviewer': 'e2e', ...(init?.headers ?? {}) },
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  async queueHead(): Promise<string | null> {
    const page = await this.api<{ items: Array<{ item: string }> }>('/api/queue?limit=1');
    return page.items[0]?.item ?? null;
  }

  /** Wait until the embedder is ready and every queued photo has been indexed. */
  async waitIndexed(timeoutMs = 90_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = await this.api<{ embedder: { status: string }; indexing: { done: number; total: number; running: boolean } }>('/api/session');
      if (s.embedder.status === 'unavailable' || s.embedder.status === 'disabled') return false;
      if (s.embedder.status === 'ready' && !s.indexing.running && s.indexing.done >= s.indexing.total) return true;
      await sleep(300);
    }
    return false;
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp folder laid out as `layout` from the real dataset (files picked in name order). */
export function makeFolder(layout: Layout = DEFAULT_LAYOUT): string {
  if (!existsSync(datasetRoot)) throw new Error(`dataset not found: ${datasetRoot}`);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'photosort-e2e-'));
  const classes = new Set([...Object.keys(layout.seed), ...Object.keys(layout.loose)]);
  for (const cls of classes) {
    const files = readdirSync(path.join(datasetRoot, cls)).sort();
    const seed = layout.seed[cls] ?? 0;
    const loose = layout.loose[cls] ?? 0;
    if (seed > 0) mkdirSync(path.join(folder, cls));
    files.slice(0, seed).forEach((f) => copyFileSync(path.join(datasetRoot, cls, f), path.join(folder, cls, f)));
    files.slice(seed, seed + loose).forEach((f) => copyFileSync(path.join(datasetRoot, cls, f), path.join(folder, f)));
  }
  return folder;
}

/** The real Canon CR2 of sample/, found by its size wherever a `make run` session filed it. */
export function sampleRaw(): string {
  const sample = path.join(repoRoot, 'sample');
  const manifest = JSON.parse(readFileSync(path.join(sample, '.manifest.json'), 'utf8')) as {
    files: Array<{ path: string; size: number }>;
  };
  const raw = manifest.files.find((f) => f.path.toLowerCase().endsWith('.cr2'));
  if (!raw) throw new Error('sample/.manifest.json lists no CR2');
  const found = readdirSync(sample, { recursive: true, encoding: 'utf8' })
    .map((rel) => path.join(sample, rel))
    .find((p) => p.toLowerCase().endsWith('.cr2') && statSync(p).size === raw.size);
  if (!found) throw new Error(`sample/${raw.path} is missing: run make sample-reset`);
  return found;
}

/** A file that claims to be a JPEG and is not: the UI must badge it and still let it go. */
export function addBrokenPhoto(folder: string, name: string): void {
  writeFileSync(path.join(folder, name), Buffer.from('this is not a jpeg at all, just some bytes'.repeat(20)));
}

export async function startServer(
  options: { layout?: Layout; model?: string; folder?: string; env?: Record<string, string>; args?: string[] } = {},
): Promise<PhotosortServer> {
  const folder = options.folder ?? makeFolder(options.layout);
  const server = new PhotosortServer(folder, await freePort(), options.model ?? E2E_MODEL, options.env, options.args);
  await server.start();
  return server;
}
