// What the tests read and drive, present in test builds only. `__TEST_HOOKS__` is replaced at
// build time (vite.config.ts): true in `vite build --mode e2e` (npm run build:e2e, the frontend
// the end-to-end app embeds) and in the frontend test harness, false in every other build, where
// the code it guards is dropped. Callers guard each use with `if (__TEST_HOOKS__)` so that not
// even the names are left in a release build (a frontend test checks the production bundle).

/** Counts an event on <body> (data-<name>), for a test to wait on. */
export function bump(name: string) {
  const d = document.body.dataset;
  d[name] = String(Number(d[name] ?? 0) + 1);
}

/** Sets a flag on <body> (data-<name>), for a test to wait on. */
export function mark(name: string, value: string) {
  document.body.dataset[name] = value;
}
