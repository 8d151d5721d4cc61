// The ticked thumbnails of a grid. Focus stays on the grid itself (the cells never take it),
// so Enter files the grid instead of clicking a cell.
import type { Schemas } from '../../api/client';
import { baseName } from '../../logic/actionView';
import { GRID_COLUMNS, stackCount } from '../../logic/grid';
import { imageUrl } from '../../api/urls';

interface Props {
  items: ReadonlyArray<Schemas['GridItem']>;
  unticked: ReadonlySet<string>;
  focus: number;
  onClick: (index: number, item: string) => void;
}

export function GridCells({ items, unticked, focus, onClick }: Props) {
  return (
    <div
      className="grid-cells"
      style={{ gridTemplateColumns: `repeat(${GRID_COLUMNS}, minmax(0, 1fr))` }}
      tabIndex={0}
      role="group"
      aria-label="Photos: ticked ones will be filed"
      aria-activedescendant={items.length ? `grid-cell-${focus}` : undefined}
      data-testid="grid-cells"
    >
      {items.map((it, i) => {
        const on = !unticked.has(it.item);
        const stack = stackCount(it);
        return (
          <button
            key={it.item}
            id={`grid-cell-${i}`}
            type="button"
            tabIndex={-1}
            role="checkbox"
            aria-checked={on}
            className={`grid-cell ${on ? 'grid-on' : 'grid-off'} ${i === focus ? 'grid-focus' : ''}`}
            data-testid="grid-cell"
            data-item={it.item}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onClick(i, it.item)}
            title={stack ? `${it.item} and the other frames of its burst (${stack}): filed together` : it.item}
            data-frames={it.frames?.length ?? 1}
          >
            <img src={imageUrl(it.item, 'thumb')} alt={baseName(it.item)} loading="lazy" draggable={false} />
            <span className="grid-tick" aria-hidden="true">
              {on ? '✓' : ''}
            </span>
            {stack ? (
              <span className="grid-stack" data-testid="grid-stack-count">
                {stack}
              </span>
            ) : null}
            <span className="grid-name">{baseName(it.item)}</span>
          </button>
        );
      })}
    </div>
  );
}
