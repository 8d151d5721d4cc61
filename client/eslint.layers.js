// The layers of src/, lowest first. A module may import its own layer or a lower one, never a
// higher one, so the pure parts stay testable without React and the API client without the UI:
//
//   api/  (HTTP client, generated types, queries, SSE, item URLs)
//     <- logic/  perf/  sound.ts  (pure rules and helpers; no React state)
//       <- hooks/  (state and effects)
//         <- components/  App.tsx  main.tsx  (what is drawn)
//
// Kept apart from eslint.config.js so the self-test (src/lint.test.ts) lints with these very
// rules.

export const MAX_FUNCTION_LINES = 60;

/** A relative import that reaches into one of `layers` (`../hooks/x`, `../../components/y`). */
function into(layers) {
  return `^\\.{1,2}/(?:\\.\\./)*(?:${layers.join('|')})(?:/|\\.tsx?$|$)`;
}

const LAYERS = [
  {
    files: ['src/api/**'],
    above: ['logic', 'perf', 'sound', 'hooks', 'components', 'App', 'main'],
    message: 'api/ is the lowest layer: it must not import logic/, hooks/ or components/ (move the shared code down into api/).',
  },
  {
    files: ['src/logic/**', 'src/perf/**', 'src/sound.ts'],
    above: ['hooks', 'components', 'App', 'main'],
    message: 'logic/ (and perf/, sound.ts) sit below hooks/ and components/: pass the value in, or move the type down.',
  },
  {
    files: ['src/hooks/**'],
    above: ['components', 'App', 'main'],
    message: 'hooks/ sit below components/: define the type in the hook (components import it from there).',
  },
];

/** One flat-config entry per layer; each src file matches at most one, so none overrides another. */
export function layerRules() {
  return LAYERS.map(({ files, above, message }) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: into(above), message }] }],
    },
  }));
}
