// Loads the real UI with the Tauri IPC mocked: a fake backend that records every call.
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import appHtml from "../index.html?raw";
import * as crop from "../src/crop";

type Call = { cmd: string; args: Record<string, unknown> };
const w = window as unknown as {
  calls: Call[];
  failNext?: { cmd: string; code: string; message: string };
  cropLib: typeof crop;
  previewDelayMs: number;
};
w.calls = [];
w.cropLib = crop;
w.previewDelayMs = 30;

const msg = (zh: string, en: string) => ({ zh, en });
const spec = (id: string, kind: string, confidence: string, extra: object = {}) => ({
  id, version: 1, kind, title: msg(`规格 ${id}`, `Spec ${id}`), formats: ["jpeg"], dpi: 300, colour: "colour",
  background: ["white"], upscale: false, pixels: { rule: "min", width: 295, height: 413, export: [295, 413] },
  bytes: { min: 10240 }, provenance: { source: "测试来源", region: "NAT", confidence, date: "2024-01-01" }, ...extra,
});
const specs = [
  { spec: spec("nat-photo", "photo", "confirmed"), origin: "builtin", overrides_builtin: false },
  { spec: spec("im-legacy-photo", "photo", "unconfirmed", { pixels: { rule: "exact", width: 358, height: 441 } }), origin: "builtin", overrides_builtin: false },
  { spec: spec("nat-proof", "document", "third-party", { pixels: { rule: "any" }, bytes: { max: 500000 } }), origin: "builtin", overrides_builtin: false },
];
const report = (lang: string, passed: boolean) => ({
  spec_id: "nat-photo", spec_version: 1, passed,
  facts: { width: 295, height: 413, bytes: 20000 },
  rules: [
    { id: "pixels", level: "error", passed: true, measured: "295×413", expected: "≥ 295×413", message: msg("像素正确", "Pixels are right") },
    { id: "bytes", level: "error", passed, measured: "20000 B", expected: "≥ 10 KB", message: msg(passed ? "大小符合" : "文件太小", passed ? "Size meets" : "Too small") },
    { id: "background", level: "warning", passed: false, measured: "RGB(1,2,3)", expected: "white", message: msg("背景不是白色", "Background is not white") },
  ].map((r) => ({ ...r, message: r.message })),
  lang,
});

async function pictureBytes(): Promise<ArrayBuffer> {
  const c = document.createElement("canvas");
  c.width = 500;
  c.height = 700;
  const g = c.getContext("2d")!;
  g.fillStyle = "#cde";
  g.fillRect(0, 0, 500, 700);
  const blob = await new Promise<Blob>((ok) => c.toBlob((b) => ok(b!), "image/png"));
  return blob.arrayBuffer();
}

mockWindows("main");
mockIPC(
  async (cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    w.calls.push({ cmd, args: a });
    if (w.failNext && w.failNext.cmd === cmd) {
      const f = w.failNext;
      w.failNext = undefined;
      throw { code: f.code, message: f.message };
    }
    switch (cmd) {
      case "specs_list":
        return specs;
      case "app_take_pending":
        return [];
      case "photo_open":
        return { id: 7, name: "me.jpg", path: String(a.path), width: 1000, height: 1400, format: "JPEG" };
      case "photo_rotate":
        return { id: 8, name: "", path: "", width: 1400, height: 1000, format: "JPEG" };
      case "photo_image":
        return pictureBytes();
      case "photo_preview":
        await new Promise((r) => setTimeout(r, w.previewDelayMs));
        return { jpeg: "", width: 295, height: 413, bytes: 20000, quality: 88, chroma: "4:2:0", crop: a.crop, notes: [], report: report(String(a.lang), true), millis: 5 };
      case "photo_save":
        return report(String(a.lang), true);
      case "check_file":
        return report(String(a.lang), false);
      default:
        return null;
    }
  },
  { shouldMockEvents: true },
);

// The app's markup, then the app itself.
const doc = new DOMParser().parseFromString(appHtml, "text/html");
document.body.prepend(doc.getElementById("app")!);
await import("../src/main");
