// `/`: file into any cluster by typing a few letters of any folder of its path, or create one
// by typing a new path (`Trips/Rome` makes the folders it needs).
import { useMemo, useState } from 'react';
import type { ClusterInfo } from '../api/queries';
import { keyInput, paletteKeepsKey, resolvePaletteKey } from '../logic/keymap';
import { clusterNameProblem, paletteOptions, type PaletteOption } from '../logic/palette';
import { ClusterPath } from './ClusterPath';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

interface Props {
  clusters: ClusterInfo[];
  photoName: string;
  onFile: (cluster: string, create: boolean, ev: React.KeyboardEvent | React.MouseEvent) => void;
  onClose: () => void;
}

const optionId = (i: number) => `palette-opt-${i}`;

export function Palette({ clusters, photoName, onFile, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const options = useMemo(() => paletteOptions(clusters, query), [clusters, query]);
  const index = Math.min(active, Math.max(0, options.length - 1));
  const problem = query.trim() && options.length === 0 ? clusterNameProblem(query) : null;

  const choose = (opt: PaletteOption<ClusterInfo> | undefined, ev: React.KeyboardEvent | React.MouseEvent) => {
    if (!opt) return;
    if (opt.kind === 'create') onFile(opt.name, true, ev);
    else onFile(opt.cluster.name, false, ev);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const input = keyInput(e);
    if (paletteKeepsKey(input)) e.stopPropagation();
    const cmd = resolvePaletteKey(input);
    if (!cmd) return;
    e.preventDefault();
    if (cmd.type === 'highlight') setActive((index + cmd.by + options.length) % Math.max(1, options.length));
    else choose(options[index], e);
  };

  return (
    <Modal title="File into cluster" showTitle={false} onClose={onClose} className="palette" initialFocus="input">
      <div className="palette-input-row">
        <label htmlFor="palette-input" className="sr-only">
          Cluster name for {photoName}
        </label>
        <input
          id="palette-input"
          className="palette-input"
          autoComplete="off"
          spellCheck={false}
          placeholder={`File ${photoName} into… (type to filter, or a new name like Trips/Rome)`}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={options.length ? optionId(index) : undefined}
          data-testid="palette-input"
        />
      </div>
      <PaletteList options={options} index={index} problem={problem} onHighlight={setActive} onChoose={choose} />
      <p className="palette-hint muted small">
        <Kbd>↑</Kbd>
        <Kbd>↓</Kbd> choose · <Kbd>Enter</Kbd> file · <Kbd>Esc</Kbd> cancel
      </p>
    </Modal>
  );
}

interface ListProps {
  options: PaletteOption<ClusterInfo>[];
  index: number;
  problem: string | null;
  onHighlight: (i: number) => void;
  onChoose: (opt: PaletteOption<ClusterInfo>, ev: React.MouseEvent) => void;
}

function PaletteList({ options, index, problem, onHighlight, onChoose }: ListProps) {
  return (
    <ul id="palette-list" role="listbox" className="palette-list" aria-label="Clusters">
      {options.map((opt, i) => (
        <li
          key={opt.kind === 'create' ? '+create' : opt.cluster.name}
          id={optionId(i)}
          role="option"
          aria-selected={i === index}
          className={`palette-opt ${i === index ? 'palette-opt-active' : ''} ${opt.kind === 'create' ? 'palette-create' : ''}`}
          onMouseEnter={() => onHighlight(i)}
          onMouseDown={(e) => {
            // Keep the focus in the input: a click files, it does not blur.
            e.preventDefault();
            onChoose(opt, e);
          }}
        >
          <OptionLabel opt={opt} />
        </li>
      ))}
      {options.length === 0 ? <li className="palette-empty">{problem ?? 'No clusters yet: type a name to create one.'}</li> : null}
    </ul>
  );
}

function OptionLabel({ opt }: { opt: PaletteOption<ClusterInfo> }) {
  if (opt.kind === 'create') {
    return (
      <>
        <span className="plus" aria-hidden="true">
          +
        </span>
        <span>
          Create <strong>“{opt.name}”</strong> and file the photo there
        </span>
      </>
    );
  }
  return (
    <>
      <span className="cluster-slot">{opt.cluster.slot ? <Kbd>{opt.cluster.slot}</Kbd> : null}</span>
      <span className="cluster-name">
        <ClusterPath path={opt.cluster.name} max={48} />
      </span>
      <span className="cluster-count">{opt.cluster.count}</span>
    </>
  );
}
