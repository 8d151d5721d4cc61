// The offer on the first screen of a session sorted `--into DEST` whose source already holds
// folders: one key files each folder's photos into the cluster of the same name.
import type { SourceFoldersOffer } from '../hooks/useSourceFolders';
import { offerText } from '../logic/sourceFolders';
import { Kbd } from './Kbd';

export function SourceFoldersBanner({ o }: { o: SourceFoldersOffer }) {
  if (!o.offer) return null;
  return (
    <div className="banner banner-offer" role="status" data-testid="source-folders-banner">
      <span>
        {offerText(o.source, o.offer.folders)} — press <Kbd>o</Kbd> to file them as clusters
      </span>
      <button type="button" className="btn btn-small btn-primary" disabled={o.busy} onClick={() => void o.fileAll()}>
        File as clusters
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={o.dismiss} data-testid="source-folders-dismiss">
        Not now
      </button>
    </div>
  );
}
