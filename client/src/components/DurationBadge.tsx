// A video's length on its picture (stage and filmstrip), like a player's clock.
import { clockDuration } from '../logic/video';

export function DurationBadge({ seconds, className = '' }: { seconds: number | null | undefined; className?: string }) {
  const clock = clockDuration(seconds);
  return (
    <span className={`video-badge ${className}`} data-testid="video-duration" title={clock ? `Video, ${clock}` : 'Video'}>
      <span aria-hidden="true">▶</span> {clock || 'video'}
    </span>
  );
}
