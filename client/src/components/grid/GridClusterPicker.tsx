// Where a more-like-this grid goes: the palette's ranking in a field inside the grid dialog,
// the photo's first suggestion highlighted until the reviewer types.
import { useMemo, useState } from 'react';
import type { ClusterInfo } from '../../api/queries';
import { keyInput, resolvePaletteKey } from '../../logic/keymap';
import { clusterNameProblem, paletteOptions, type PaletteOption } from '../../logic/palette';

interface Props {
  clusters: ClusterInfo[];
  suggested: string | null;
  count: number;
  onPick: (cluster: string, create: boolean) => void;
  onCancel: () => void;
}

export function GridClusterPicker({ clusters, suggested, count, onPick, onCancel }: Props) {
  const [query, setQuery] = useState('');
  const options = useMemo(() => paletteOptions(clusters, query), [clusters, query]);
  const start = query ? 0 : Math.max(0, options.findIndex((o) => o.kind === 'cluster' && o.cluster.name === suggested));
  const [moved, setMoved] = useState<number | null>(null);
  const index = Math.min(moved ?? start, Math.max(0, options.length - 1));

  const choose = (i: number) => {
    const opt = options[i];
    if (!opt) return;
    if (opt.kind === 'create') onPick(opt.name, true);
    else onPick(opt.cluster.name, false);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const input = keyInput(e);
    if (input.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onCancel();
      return;
    }
    const cmd = resolvePaletteKey(input);
    if (!cmd) return;
    e.preventDefault();
    e.stopPropagation();
    if (cmd.type === 'highlight') setMoved((index + cmd.by + options.length) % Math.max(1, options.length));
    else choose(index);
  };

  return (
    <div className="grid-picker" data-testid="grid-picker">
      <label htmlFor="grid-picker-input">File the {count} ticked photos into</label>
      <input
        id="grid-picker-input"
        className="palette-input"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        placeholder="type to filter, or a new name"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setMoved(null);
        }}
        onKeyDown={onKeyDown}
        data-testid="grid-picker-input"
      />
      <PickerOptions options={options} index={index} empty={(query.trim() && clusterNameProblem(query)) || 'No cluster matches.'} onChoose={choose} />
    </div>
  );
}

interface OptionsProps {
  options: PaletteOption<ClusterInfo>[];
  index: number;
  /** What the list says when nothing matches (a name's problem, when it has one). */
  empty: string;
  onChoose: (i: number) => void;
}

function PickerOptions({ options, index, empty, onChoose }: OptionsProps) {
  return (
    <ul className="palette-list" role="listbox" aria-label="Clusters">
      {options.map((opt, i) => (
        <li
          key={opt.kind === 'create' ? '+create' : opt.cluster.name}
          role="option"
          aria-selected={i === index}
          className={`palette-opt ${i === index ? 'palette-opt-active' : ''}`}
          onMouseDown={(e) => {
            // Keep the focus in the field: a click picks, it does not blur.
            e.preventDefault();
            onChoose(i);
          }}
        >
          {opt.kind === 'create' ? `Create “${opt.name}”` : opt.cluster.name}
        </li>
      ))}
      {options.length === 0 ? <li className="palette-empty">{empty}</li> : null}
    </ul>
  );
}
