// What each command does. The keymap says which key means which command; this hook carries
// it out against the review (file, undo, look back) and the app's view, dialog and playback.
import { useCallback } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { type Command, type Modal, type View } from '../logic/keymap';
import type { PlaybackEvent } from '../logic/playback';
import type { ActionKind } from '../logic/review';
import { clusterForSlot } from '../logic/slots';
import { framesOf } from '../logic/stacks';
import { stackCommand } from './stackCommands';
import { toggleVideo } from '../logic/video';
import { markInput } from '../perf/paint';
import { toast } from './toasts';
import type { GridRequest } from './useGrid';
import type { Review } from './useReview';

/** When and how a command was given, for the key-to-paint latency marks. */
export interface CommandSource {
  timeStamp: number;
  key: string;
}

interface Ui {
  setView: (update: (v: View) => View) => void;
  setModal: (modal: Modal) => void;
  playback: (ev: PlaybackEvent) => void;
  openGrid: (req: GridRequest) => void;
  /** `o`: file the source's own folders as clusters (when they are on offer). */
  fileFolders: () => void;
}

type Filing = ReturnType<typeof useFiling>;

/** What a command runs against: the review, the app's UI setters, and filing. */
interface CommandContext extends Ui {
  r: Review;
  manual: boolean;
  file: Filing;
  ev: CommandSource;
}

/** Each family of commands: true when it carried `cmd` out, false when it is not one of them. */
type CommandFamily = (cmd: Command, c: CommandContext) => boolean;

const dialogCommand: CommandFamily = (cmd, { r, manual, setModal, setView, fileFolders }) => {
  switch (cmd.type) {
    case 'close':
      setModal(null);
      return true;
    case 'help':
      setModal('help');
      return true;
    case 'toggleLog':
      setView((v) => (v === 'log' ? 'review' : 'log'));
      return true;
    case 'manualOnly':
      if (r.session) void r.setManualOnly(!manual);
      return true;
    case 'automove':
      if (manual) toast('info', 'Auto-move is off in manual-only mode (press m)');
      else setModal('automove');
      return true;
    case 'discover':
      if (manual) toast('info', 'Proposed groups need suggestions: manual-only mode is on (press m)');
      else setModal('discover');
      return true;
    case 'fileFolders':
      fileFolders();
      return true;
    case 'pullFrame':
    case 'duplicates':
      stackCommand(cmd.type, r, setModal);
      return true;
    case 'palette':
      if (r.current.subject || r.current.mode === 'back') setModal('palette');
      return true;
    default:
      return false;
  }
};

/** Grids, search and ordering: each needs the suggestions manual-only mode turns off. */
const suggestionCommand: CommandFamily = (cmd, { r, manual, openGrid }) => {
  const subject = r.current.subject;
  switch (cmd.type) {
    case 'grid':
    case 'similar': {
      const mode = cmd.type;
      if (manual) toast('info', 'Grids need suggestions: manual-only mode is on (press m)');
      else if (!subject) toast('info', 'No photo on screen to start a grid from');
      else if (mode === 'grid' && !subject.suggestions?.top[0]) toast('info', 'No suggestion for this photo yet: its grid needs one');
      else openGrid({ mode, item: subject.item });
      return true;
    }
    case 'search': {
      const embedder = r.session?.embedder;
      if (manual) toast('info', 'Text search needs suggestions: manual-only mode is on (press m)');
      // CLIP searches with its text tower, EfficientNet-Lite0 with its own ImageNet classes
      else if (embedder?.kind !== 'clip' && embedder?.kind !== 'efficientnet-lite0')
        toast('info', `Text search needs CLIP or EfficientNet-Lite0’s classes; the active embedder (${embedder?.kind ?? 'none'}) has neither`);
      else openGrid({ mode: 'search', text: '' });
      return true;
    }
    case 'uncertainFirst':
      if (manual) toast('info', 'Uncertain first needs suggestions: manual-only mode is on (press m)');
      else void orderUncertain(r.scheduleRefresh);
      return true;
    default:
      return false;
  }
};

const PLAYBACK: Partial<Record<Command['type'], PlaybackEvent>> = {
  playPause: { type: 'toggle' },
  stepBack: { type: 'prev' },
  stepForward: { type: 'next' },
  first: { type: 'first' },
  last: { type: 'last' },
};

/** The log's player, and Space on a video. */
const playbackCommand: CommandFamily = (cmd, { playback }) => {
  if (cmd.type === 'playVideo') {
    if (!toggleVideo()) toast('info', 'Space plays a video: this one is a photo');
    return true;
  }
  const event = PLAYBACK[cmd.type];
  if (event) playback(event);
  return event !== undefined;
};

/** Moving through the queue and filing the photo on screen. */
const reviewCommand: CommandFamily = (cmd, { r, manual, file, ev }) => {
  const { current, session } = r;
  switch (cmd.type) {
    case 'undo':
      if (current.mode === 'back' && current.entry.status === 'done' && current.entry.seq !== null) void r.undo(current.entry.seq);
      else void r.undo();
      return true;
    case 'back':
      if (r.state.history.length === 0) {
        toast('info', 'Nothing before this photo in this tab yet');
        return true;
      }
      markInput(ev.timeStamp, ev.key);
      r.dispatch({ type: 'back' });
      return true;
    case 'skip':
      if (current.mode === 'back') {
        markInput(ev.timeStamp, ev.key);
        r.dispatch({ type: 'forward' });
      } else file('skip', null, false, ev);
      return true;
    case 'delete':
      file('delete', null, false, ev);
      return true;
    case 'accept':
      acceptSuggestion(r, manual, file, ev);
      return true;
    case 'slot': {
      const cluster = clusterForSlot(session?.clusters ?? [], cmd.slot);
      if (!cluster) toast('info', `Slot ${cmd.slot} is free: press / and type a name to create a cluster`);
      else file('assign', cluster.name, false, ev);
      return true;
    }
    default:
      return false;
  }
};

/** Enter: file the photo into its top suggestion. */
function acceptSuggestion(r: Review, manual: boolean, file: Filing, ev: CommandSource): void {
  const subject = r.current.subject;
  if (!subject && r.current.mode === 'live') return;
  const top = subject?.suggestions?.top[0];
  if (manual) toast('info', 'Manual-only mode: no suggestion to accept. Use 1–9 or /.');
  else if (!top) toast('info', 'No suggestion for this photo yet: file it with 1–9 or /');
  else file('assign', top.cluster, false, ev);
}

const FAMILIES: readonly CommandFamily[] = [dialogCommand, suggestionCommand, playbackCommand, reviewCommand];

export function useCommands(r: Review, { setView, setModal, playback, openGrid, fileFolders }: Ui) {
  const file = useFiling(r);
  const manual = r.session?.settings.manual_only ?? false;
  const run = useCallback(
    (cmd: Command, ev: CommandSource) => {
      const c: CommandContext = { r, manual, file, ev, setView, setModal, playback, openGrid, fileFolders };
      FAMILIES.some((family) => family(cmd, c));
    },
    [file, fileFolders, manual, openGrid, playback, r, setModal, setView],
  );
  return { run, file };
}

/**
 * File the photo on screen. Looking back, that is the photo still queued, or a refile of what
 * this tab filed (undo, then file anew); anything else gets a toast saying why not.
 */
function useFiling(r: Review) {
  const { current } = r;
  return useCallback(
    (action: ActionKind, cluster: string | null, create: boolean, ev: CommandSource) => {
      if (current.mode === 'back') {
        const entry = current.entry;
        if (current.subject) {
          markInput(ev.timeStamp, ev.key);
          void r.perform(current.subject, action, cluster, create);
        } else if (entry.status === 'done' && entry.seq !== null && entry.action !== 'skip') {
          if (entry.frames?.length && action === 'assign' && cluster) r.refileStack(entry, cluster, create);
          else void r.refile(entry, action, cluster, create);
        } else if (entry.status === 'pending') {
          toast('info', `${entry.name} is still being saved`);
        } else {
          toast('warn', `${entry.name} is no longer in the queue`);
        }
        return;
      }
      if (!current.subject) return;
      markInput(ev.timeStamp, ev.key);
      const frames = action === 'assign' && cluster ? framesOf(current.subject.item, r.stacks.stacks, r.state.gone) : null;
      if (frames && cluster) void r.fileStack(current.subject, frames, cluster, create);
      else void r.perform(current.subject, action, cluster, create);
    },
    [current, r],
  );
}

/** `u`: the queue, lowest suggestion margin first (one journal line: z restores the order). */
async function orderUncertain(refresh: Review['scheduleRefresh']): Promise<void> {
  try {
    await unwrap(api.POST('/api/order', { body: { order: 'uncertain' } }));
    toast('info', 'Queue: uncertain first (lowest margin first); z restores the order');
    refresh(['session', 'queue', 'actions']);
  } catch (e) {
    toast('warn', `Could not reorder: ${e instanceof ApiError ? e.message : 'the server cannot be reached'}`);
  }
}

export type FileAction = ReturnType<typeof useCommands>['file'];
