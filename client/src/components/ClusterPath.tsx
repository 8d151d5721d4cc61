// A cluster's path as the reviewer reads it: the folders above it dimmed and shortened, its
// own folder in full and emphasised (`Trips/…/2023/` **Paris**).
import { elidePath } from '../logic/clusterPath';

export function ClusterPath({ path, max }: { path: string; max?: number }) {
  const { head, last } = elidePath(path, max);
  return (
    <span className="cpath" title={path}>
      {head ? <span className="cpath-head">{head}</span> : null}
      <span className="cpath-last">{last}</span>
    </span>
  );
}
