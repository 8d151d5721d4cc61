// A video on stage: its poster frame is the stage's picture until Space (or a click on the
// play hint) starts an HTML5 player in its place, with the poster as the player's poster;
// Space then pauses and resumes. Mounted with `key` = the video's URL, so the next photo
// never inherits a playing video. Rendered before the caption, which stays above the player.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { onVideoToggle, type StageVideo } from '../logic/video';
import { DurationBadge } from './DurationBadge';
import './video.css';

interface Props {
  video: StageVideo;
  poster: string;
  label: string;
}

export function StageVideoPlayer({ video, poster, label }: Props) {
  const ref = useRef<HTMLVideoElement>(null);
  const [started, setStarted] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(
    () =>
      onVideoToggle(() => {
        const el = ref.current;
        if (!el) return setStarted(true); // mounts with autoPlay
        if (el.paused || el.ended) void el.play().catch(() => undefined);
        else el.pause();
      }),
    [],
  );

  // Space on the focused player is the keymap's (one toggle), not the native controls' too.
  const keepSpace = (e: KeyboardEvent) => {
    if (e.key === ' ') e.preventDefault();
  };

  return (
    <>
      {started && !failure ? (
        <video
          ref={ref}
          className="stage-video"
          data-testid="stage-video"
          src={video.src}
          poster={poster}
          aria-label={label}
          autoPlay
          controls
          playsInline
          preload="auto"
          onKeyDown={keepSpace}
          onError={() => setFailure(playError(ref.current))}
        />
      ) : null}
      <DurationBadge seconds={video.durationS} className="video-badge-stage" />
      {!started ? (
        <button type="button" className="video-play" onClick={() => setStarted(true)} aria-label={`Play ${label}`}>
          ▶ <span className="muted small">Space plays</span>
        </button>
      ) : null}
      {failure ? (
        <div className="video-failure" role="status" data-testid="video-error">
          {failure}
        </div>
      ) : null}
    </>
  );
}

function playError(el: HTMLVideoElement | null): string {
  const code = el?.error?.code;
  if (code === 4) return 'This browser cannot play this video’s format; the poster frame stays. Open the file to watch it.';
  if (code === 2) return 'The video could not be loaded: the connection failed.';
  return 'The video cannot be played here; the poster frame stays.';
}
