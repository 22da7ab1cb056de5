// Puts a copy of the built app in `dir` with a `portable` file beside it, as on a USB stick:
// its settings, profiles, logs and web storage then live in `dir/caiji-data`.
import fs from "node:fs";
import path from "node:path";

export function portableCopy(built, dir) {
  if (!fs.existsSync(built)) throw new Error(`${built} missing: build the app first`);
  fs.mkdirSync(dir, { recursive: true });
  const app = path.join(dir, path.basename(built));
  fs.copyFileSync(built, app);
  fs.chmodSync(app, 0o755);
  fs.writeFileSync(path.join(dir, "portable"), "");
  return { app, data: path.join(dir, "caiji-data") };
}
