/// <reference types="vite/client" />
/** True only in builds made for tests (see hooks.ts); a constant Vite puts in at build time. */
declare const __TEST_HOOKS__: boolean;
