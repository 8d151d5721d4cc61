// Real videos for the e2e tests, encoded by the backend's PyAV (the same helper the pytest
// suite uses, backend/tests/videodata.py): a few seconds of flat-colour frames.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './server';

const venvPython = path.join(repoRoot, '.venv', 'bin', 'python');
const testsDir = path.join(repoRoot, 'backend', 'tests');

/** Encode `frames` frames at 25 fps into `file` (codec chosen by extension, or `codec`). */
export function makeVideo(file: string, { frames = 100, codec, size = [320, 240] }: { frames?: number; codec?: string; size?: [number, number] } = {}): void {
  const script = [
    'import sys',
    `sys.path.insert(0, ${JSON.stringify(testsDir)})`,
    'from pathlib import Path',
    'from videodata import make_video',
    `make_video(Path(${JSON.stringify(file)}), frames=${frames}, size=(${size[0]}, ${size[1]}), codec=${codec ? JSON.stringify(codec) : 'None'})`,
  ].join('\n');
  execFileSync(venvPython, ['-c', script], { stdio: 'inherit' });
}
