// A minimal W3C WebDriver client (fetch only) for driving the real app through tauri-driver.
import os from "node:os";
import path from "node:path";
export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, capabilities) {
    const r = await call(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    return new Session(base, r.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  exec(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Runs `script` whose last argument is a callback, and returns what it passes. */
  execAsync(script, ...args) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  /** Waits until an element matching `css` is in the page (screens redraw after the backend
   * answers: a button may come a moment after the state that shows it). */
  present(css) {
    return this.waitFor(`return document.querySelector(${JSON.stringify(css)}) !== null`, `${css} to be shown`);
  }

  /** Clicks the element once it is there; found again if the page redrew it between finding
   * and clicking. */
  async click(css) {
    for (let i = 0; ; i++) {
      await this.present(css);
      try {
        const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
        const id = Object.values(el)[0];
        // In the middle of its scroller, as a person would bring it into view: WebKit's driver
        // scrolls it to the top edge, under a sticky header, and reports the click intercepted.
        await this.cmd("POST", "/execute/sync", { script: "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' })", args: [el] });
        await this.cmd("POST", `/element/${id}/click`, {});
        return;
      } catch (e) {
        // Redrawn between the look and the click: look again.
        if (i >= 9 || !/stale element|no such element/.test(String(e.message))) throw new Error(`clicking ${css}: ${e.message}`);
      }
    }
  }

  /** Drags the element matching `css` by (dx, dy) CSS pixels with the mouse, in steps, as a
   * person would (W3C actions: press on its centre, move, release). */
  async drag(css, dx, dy) {
    await this.present(css);
    const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
    const steps = [1, 2, 3, 4].map((k) => ({ type: "pointerMove", duration: 20, origin: "pointer", x: Math.round(dx / 4), y: Math.round(dy / 4) }));
    await this.cmd("POST", "/actions", {
      actions: [
        {
          type: "pointer",
          id: "mouse",
          parameters: { pointerType: "mouse" },
          actions: [{ type: "pointerMove", duration: 0, origin: el, x: 0, y: 0 }, { type: "pointerDown", button: 0 }, ...steps, { type: "pointerUp", button: 0 }],
        },
      ],
    });
    await this.cmd("DELETE", "/actions");
  }

  /** Types `text` into the element as key presses (appended to what it holds). */
  async typeInto(css, text) {
    await this.present(css);
    const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
    const id = Object.values(el)[0];
    await this.cmd("POST", `/element/${id}/value`, { text });
  }

  /** Polls `script` until it returns a truthy value, and returns that value. */
  async waitFor(script, what, timeoutMs = 20000) {
    const t0 = Date.now();
    for (;;) {
      const v = await this.exec(script);
      if (v) return v;
      if (Date.now() - t0 > timeoutMs) {
        // What the tests wait on exists only in a frontend built with the test hooks.
        const hooks = await this.exec("return typeof window.caiji === 'object'").catch(() => true);
        throw new Error(`timed out waiting for ${what}${hooks ? "" : " (the app has no test hooks: build its frontend with `npm run --prefix ui build:e2e`)"}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until the page as it now is has been painted (fonts and pictures loaded, then two
   * animation frames), e.g. before a screenshot of the window. */
  async painted() {
    await this.waitFor("return document.fonts.status === 'loaded' && [...document.images].every((i) => i.complete)", "fonts and pictures to load");
    // A picture can be "complete" before it is decoded for painting (a large data: URL): wait
    // for every one to decode, then two frames.
    await this.execAsync(
      "const done = arguments[arguments.length - 1]; Promise.all([...document.images].filter((i) => i.src).map((i) => i.decode().catch(() => {}))).then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(1))))",
    );
  }

  end() {
    return call(this.base, "DELETE", `/session/${this.id}`);
  }
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  }
  return json.value;
}

/** Polls `check` (run here, not in the page) until it returns a truthy value, and returns that
 * value; an exception counts as not yet (a file being written, say). */
export async function until(check, what, timeoutMs = 20000) {
  const t0 = Date.now();
  for (;;) {
    const v = await Promise.resolve().then(check).catch(() => undefined);
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The app's environment under test. The tests drive it through its test hooks with files in
 * the temporary folder and the fixtures, as if the person had chosen them: a debug build lets
 * those folders be read and written (CAIJI_TEST_GRANT; a release build ignores it). Anything
 * else is refused as in real use. */
export function testEnv() {
  const fixtures = path.resolve(import.meta.dirname, "../fixtures");
  return { ...process.env, GSETTINGS_BACKEND: "memory", CAIJI_TEST_GRANT: [os.tmpdir(), fixtures].join(path.delimiter) };
}

/** Starts tauri-driver and waits until it answers on `base`; returns the child process. */
export async function startDriver(spawn, base) {
  const driver = spawn("tauri-driver", [], { stdio: "ignore", env: testEnv() });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/status`)).ok) return driver;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("tauri-driver did not start");
}

/** A valid resident ID (GB 11643), computed here independently of the app. */
export function residentId(region, birth, serial) {
  const body = `${region}${birth}${String(serial).padStart(3, "0")}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return body + "10X98765432"[sum % 11];
}
