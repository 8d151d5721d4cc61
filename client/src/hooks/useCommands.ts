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

export function useCommands(r: Review, { setView, setModal, playback, openGrid, fileFolders }: Ui) {
  const file = useFiling(r);
  const { session, current, state } = r;
  const manual = session?.settings.manual_only ?? false;
  const subject = current.subject;

  const run = useCallback(
    (cmd: Command, ev: CommandSource) => {
      switch (cmd.type) {
        case 'close':
          return setModal(null);
        case 'help':
          return setModal('help');
        case 'toggleLog':
          return setView((v) => (v === 'log' ? 'review' : 'log'));
        case 'manualOnly':
          if (session) void r.setManualOnly(!manual);
          return;
        case 'automove':
          if (manual) toast('info', 'Auto-move is off in manual-only mode (press m)');
          else setModal('automove');
          return;
        case 'grid':
        case 'similar': {
          const mode = cmd.type;
          if (manual) toast('info', 'Grids need suggestions: manual-only mode is on (press m)');
          else if (!subject) toast('info', 'No photo on screen to start a grid from');
          else if (mode === 'grid' && !subject.suggestions?.top[0]) toast('info', 'No suggestion for this photo yet: its grid needs one');
          else openGrid({ mode, item: subject.item });
          return;
        }
        case 'search': {
          const embedder = session?.embedder;
          if (manual) toast('info', 'Text search needs suggestions: manual-only mode is on (press m)');
          else if (embedder?.kind !== 'clip') toast('info', `Text search needs CLIP’s text tower; the active embedder (${embedder?.kind ?? 'none'}) has none`);
          else openGrid({ mode: 'search', text: '' });
          return;
        }
        case 'uncertainFirst':
          if (manual) toast('info', 'Uncertain first needs suggestions: manual-only mode is on (press m)');
          else void orderUncertain(r.scheduleRefresh);
          return;
        case 'discover':
          if (manual) toast('info', 'Proposed groups need suggestions: manual-only mode is on (press m)');
          else setModal('discover');
          return;
        case 'fileFolders':
          return fileFolders();
        case 'pullFrame':
        case 'duplicates':
          return stackCommand(cmd.type, r, setModal);
        case 'playPause':
          return playback({ type: 'toggle' });
        case 'playVideo':
          if (!toggleVideo()) toast('info', 'Space plays a video: this one is a photo');
          return;
        case 'stepBack':
          return playback({ type: 'prev' });
        case 'stepForward':
          return playback({ type: 'next' });
        case 'first':
          return playback({ type: 'first' });
        case 'last':
          return playback({ type: 'last' });
        case 'undo':
          if (current.mode === 'back' && current.entry.status === 'done' && current.entry.seq !== null) void r.undo(current.entry.seq);
          else void r.undo();
          return;
        case 'back':
          if (state.history.length === 0) return toast('info', 'Nothing before this photo in this tab yet');
          markInput(ev.timeStamp, ev.key);
          return r.dispatch({ type: 'back' });
        case 'skip':
          if (current.mode === 'back') {
            markInput(ev.timeStamp, ev.key);
            r.dispatch({ type: 'forward' });
          } else file('skip', null, false, ev);
          return;
        case 'delete':
          return file('delete', null, false, ev);
        case 'palette':
          if (subject || current.mode === 'back') setModal('palette');
          return;
        case 'accept': {
          if (!subject && current.mode === 'live') return;
          const top = subject?.suggestions?.top[0];
          if (manual) toast('info', 'Manual-only mode: no suggestion to accept. Use 1–9 or /.');
          else if (!top) toast('info', 'No suggestion for this photo yet: file it with 1–9 or /');
          else file('assign', top.cluster, false, ev);
          return;
        }
        case 'slot': {
          const cluster = clusterForSlot(session?.clusters ?? [], cmd.slot);
          if (!cluster) toast('info', `Slot ${cmd.slot} is free: press / and type a name to create a cluster`);
          else file('assign', cluster.name, false, ev);
          return;
        }
      }
    },
    [current, file, fileFolders, manual, openGrid, playback, r, session, setModal, setView, state.history.length, subject],
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
