//! Everything the CLI prints: human text in the chosen language, or JSON.
use caiji_base::i18n::{size_against, size_limit};
use caiji_base::ids::mask_ids_in;
use caiji_base::{Error, ErrorBody, Lang, Msg};
use caiji_image::batch::{Item, Status, Summary};
use caiji_image::check::{Level, Report};
use caiji_image::pipeline::Prepared;
use caiji_image::spec::{Colour, Confidence, Format, Layout, Origin, PageOrientation, PixelRuleKind, Registry, Spec, SpecEntry};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::path::Path;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

impl Out {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn warn(&self, msg: &str) {
        eprintln!("{} {msg}", self.t("警告：", "warning:"));
    }

    pub fn error(&self, e: &Error) {
        if self.json {
            // The one error contract, as the app and the server send it; IDs masked as in text.
            let mut body = ErrorBody::from(e);
            body.message = Msg::new(mask_ids_in(&body.message.zh), mask_ids_in(&body.message.en));
            println!("{}", json!({ "error": body }));
        } else {
            eprintln!("{} {}", self.t("错误：", "error:"), mask_ids_in(&e.message(self.lang)));
        }
    }

    fn rules(&self, report: &Report) {
        for r in &report.rules {
            let mark = match (r.passed, r.level) {
                (true, _) => "✓",
                (false, Level::Error) => "✗",
                (false, Level::Warning) => "!",
            };
            println!("  {mark} {:<11} {:<22} {}", r.id, r.measured, r.message.get(self.lang));
        }
    }

    pub fn report(&self, file: &Path, report: &Report) {
        if self.json {
            print_json(&json!({"file": file, "report": report}));
            return;
        }
        let verdict = if report.passed { self.t("通过", "PASS") } else { self.t("不通过", "FAIL") };
        println!("{} — {} [{}]", mask_ids_in(&file.display().to_string()), verdict, report.spec_id);
        self.rules(report);
    }

    /// The output's size reads in the unit of the spec's limits ("20.2 KB" next to "20 KB").
    pub fn prepared(&self, out: &Path, spec: &Spec, p: &Prepared, report: &Report) {
        if self.json {
            let v = json!({"output": out, "prepared": p, "report": report});
            print_json(&v);
            return;
        }
        println!(
            "{} {}: {}×{}, {}, {} {} ({})",
            if report.passed { "✓" } else { "✗" },
            mask_ids_in(&out.display().to_string()),
            p.width,
            p.height,
            size_against(p.bytes, spec.bytes.min, spec.bytes.max),
            self.t("质量", "quality"),
            p.encoded.quality,
            serde_json::to_value(p.encoded.chroma).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        );
        for n in &p.notes {
            println!("  · {}", n.get(self.lang));
        }
        self.rules(report);
    }

    pub fn progress(&self, len: u64) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), if self.json { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() });
        bar.set_style(ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} {per_sec} ETA {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar
    }

    pub fn item_line(&self, it: &Item) -> String {
        let reasons: Vec<&str> = it.reasons.iter().map(|m| m.get(self.lang)).collect();
        mask_ids_in(&format!("✗ {}: {}", it.source, reasons.join("; ")))
    }

    pub fn summary(&self, s: &Summary, csv: &Path, json_path: &Path) {
        if self.json {
            let v = json!({"summary": s, "report_csv": csv, "report_json": json_path});
            print_json(&v);
            return;
        }
        let line = match self.lang {
            Lang::Zh => format!(
                "共 {} 个：成功 {}，有提示 {}，失败 {}，跳过（已完成）{}，未处理（已停止）{}",
                s.total, s.ok, s.warning, s.failed, s.skipped, s.cancelled
            ),
            Lang::En => format!(
                "{} files: {} ok, {} with warnings, {} failed, {} skipped (done before), {} not started (stopped)",
                s.total, s.ok, s.warning, s.failed, s.skipped, s.cancelled
            ),
        };
        println!("{line}");
        for it in s.items.iter().filter(|i| i.status == Status::Failed) {
            println!("  {}", self.item_line(it));
        }
        println!("{} {}  {}", self.t("报告：", "Report:"), csv.display(), json_path.display());
    }

    pub fn specs_list(&self, reg: &Registry) {
        let entries: Vec<&SpecEntry> = reg.entries().collect();
        if self.json {
            print_json(&entries);
            return;
        }
        for e in entries {
            let s = &e.spec;
            let conf = match s.provenance.confidence {
                Confidence::Confirmed => "",
                Confidence::ThirdParty => self.t(" [第三方]", " [third-party]"),
                Confidence::Unconfirmed => self.t(" [未确认]", " [unconfirmed]"),
            };
            let user = if matches!(e.origin, Origin::User(_)) { self.t(" [用户]", " [user]") } else { "" };
            println!("{:<16} [{}] {}{}{}  — {}", s.id, s.provenance.region, s.title.get(self.lang), conf, user, self.rule_line(e));
        }
    }

    fn rule_line(&self, e: &SpecEntry) -> String {
        let s = &e.spec;
        let px = match (s.pixels.rule, s.pixels.width, s.pixels.height) {
            (PixelRuleKind::Exact, Some(w), Some(h)) => format!("{w}×{h}"),
            (PixelRuleKind::Min, Some(w), Some(h)) => format!("≥{w}×{h}"),
            _ => self.t("像素不限", "any pixels").to_string(),
        };
        let bytes = match (s.bytes.min, s.bytes.max) {
            (Some(a), Some(b)) => format!("{}–{}", size_limit(a).text, size_limit(b).text),
            (Some(a), None) => format!("≥{}", size_limit(a).text),
            (None, Some(b)) => format!("≤{}", size_limit(b).text),
            _ => String::new(),
        };
        format!("{px} {bytes}")
    }

    pub fn spec_show(&self, e: &SpecEntry) {
        if self.json {
            print_json(e);
            return;
        }
        let s = &e.spec;
        println!("{} (v{}) — {}", s.id, s.version, s.title.get(self.lang));
        println!("  {} {}", self.t("要求：", "Rules:"), self.rule_line(e));
        if let Some((w, h)) = s.export_size() {
            println!("  {} {w}×{h}", self.t("导出像素：", "Export size:"));
        }
        // The exact bytes behind a limit written as the portal writes it ("≤20 KB").
        let exact: Vec<String> = [(s.bytes.min, self.t("最小", "min")), (s.bytes.max, self.t("最大", "max"))]
            .iter()
            .filter_map(|(b, what)| b.map(|b| format!("{what} {} {}", caiji_base::i18n::group_digits(b), self.t("字节", "bytes"))))
            .collect();
        if !exact.is_empty() {
            println!("  {} {}", self.t("字节数：", "Bytes:"), exact.join(self.t("，", ", ")));
        }
        let formats: Vec<&str> = s.formats.iter().map(|f| if matches!(f, Format::Png) { "PNG" } else { "JPEG" }).collect();
        let colour = match s.colour {
            Colour::Colour => self.t("彩色", "colour"),
            Colour::Grey => self.t("灰度", "greyscale"),
            Colour::Either => self.t("彩色或灰度", "colour or greyscale"),
        };
        let dpi = s.dpi.map(|d| format!(" / {d} dpi")).unwrap_or_default();
        println!("  {} {} / {colour}{dpi}", self.t("格式/颜色：", "Format/colour:"), formats.join("、"));
        if !s.background.is_empty() {
            let b: Vec<String> = s.background.iter().map(|b| b.name().get(self.lang).to_string()).collect();
            println!("  {} {}", self.t("背景：", "Background:"), b.join("/"));
        }
        if let Some(p) = &s.pages {
            let layout = match p.layout {
                Layout::Stacked => self.t("上下排列", "stacked"),
                Layout::SideBySide => self.t("左右并排", "side by side"),
            };
            let orient = match p.page_orientation {
                PageOrientation::Landscape => self.t("，每页横向", ", each page landscape"),
                PageOrientation::Portrait => self.t("，每页竖向", ", each page portrait"),
                PageOrientation::Any => "",
            };
            println!("  {} {}–{}{}{layout}{orient}", self.t("页面：", "Pages:"), p.min, p.max, self.t(" 页，", " pages, "));
        }
        let pv = &s.provenance;
        let confidence = match pv.confidence {
            Confidence::Confirmed => self.t("已确认", "confirmed"),
            Confidence::ThirdParty => self.t("第三方资料", "third-party"),
            Confidence::Unconfirmed => self.t("未确认", "unconfirmed"),
        };
        println!("  {} {} [{}] {confidence} {}", self.t("来源：", "Source:"), pv.source, pv.region, pv.date);
        if let Some(n) = &pv.notes {
            println!("  {}", n.get(self.lang));
        }
        if let Origin::User(p) = &e.origin {
            println!("  {} {}", self.t("用户文件：", "User file:"), p.display());
        }
    }

    pub fn drafts_list(&self, rows: &[(&caiji_filing::store::Draft, usize)]) {
        if self.json {
            let v: Vec<_> = rows
                .iter()
                .map(|(d, n)| json!({"id": d.id, "form": d.form, "title": d.title, "state": d.state, "problems": n, "updated": d.updated}))
                .collect();
            print_json(&v);
            return;
        }
        if rows.is_empty() {
            println!("{}", self.t("没有草稿", "No drafts"));
        }
        for (d, n) in rows {
            let state = caiji_filing::store::state_name(d.state);
            let issues = if *n == 0 { self.t("无问题", "no problems").to_string() } else { format!("{n} {}", self.t("处需修改", "to fix")) };
            println!("{}  {:<12} {:<8} {}  {}", d.id, d.form, state.get(self.lang), mask_ids_in(&d.title), issues);
        }
    }

    pub fn problems(&self, d: &caiji_filing::store::Draft, p: &[caiji_forms::Problem]) {
        if self.json {
            print_json(&json!({"id": d.id, "problems": p}));
            return;
        }
        if p.is_empty() {
            println!("✓ {} {}", d.id, self.t("可以定稿", "can be finalized"));
        }
        for x in p {
            println!("✗ {:<28} {}", x.path, x.message.get(self.lang));
        }
    }

    /// A person's standing: the status, what it rests on, what is owed this year.
    pub fn standing(&self, s: &caiji_filing::desk::Standing) {
        let id = caiji_base::ids::mask_id(&s.id_number);
        if self.json {
            let mut v = serde_json::to_value(s).unwrap_or_default();
            v["id_number"] = json!(id);
            print_json(&v);
            return;
        }
        let year = if self.lang == Lang::Zh { format!("{} 年", s.year) } else { s.year.to_string() };
        println!("{id} {} · {year}", s.name);
        println!("{}{}", self.t("状态：", "Status: "), s.status_name.get(self.lang));
        if let Some(m) = &s.missing {
            println!("  {}", m.get(self.lang));
        }
        for (g, whose) in [(s.good_to, self.t("本人说明", "stated")), (s.server_good_to, self.t("服务器", "server"))] {
            if let Some(g) = g {
                println!("{}", self.t(&format!("线上记录完整、状态正常至 {g} 年（{whose}）"), &format!("On file in good standing up to {g} ({whose})")));
            }
        }
        if let Some(n) = s.years_of_work {
            let more = if s.years_at_least { self.t("至少", "at least ") } else { "" };
            println!("{}", self.t(&format!("从事会计工作 {more}{n} 年"), &format!("Accounting work: {more}{n} years")));
        }
        // "Nothing owed" only of a record that can be judged.
        if s.obligations.is_empty() && s.status != caiji_forms::rules::Status::Unknown {
            println!("{}", self.t("今年没有待办", "Nothing owed this year"));
        } else if !s.obligations.is_empty() {
            println!("{}", self.t("今年应办：", "Owed this year:"));
        }
        for o in &s.obligations {
            println!("  · {}", o.message.get(self.lang));
        }
    }

    pub fn exported(&self, file: &Path, m: &caiji_filing::bundle::Manifest) {
        if self.json {
            print_json(&json!({"output": file, "manifest": m}));
            return;
        }
        println!(
            "✓ {}: {} {}, {} {}",
            file.display(),
            m.drafts.len(),
            self.t("份草稿", "drafts"),
            m.files.len() - m.drafts.len(),
            self.t("个附件", "attachments")
        );
    }

    /// The topics a question found: the first in full (answer, what to open, where it comes
    /// from), the others by title. Nothing found: says so and which keywords to try.
    pub fn answers(&self, query: &str, topics: &[&caiji_help::Topic]) {
        if self.json {
            println!("{}", json!({ "query": query, "topics": topics }));
            return;
        }
        let Some(first) = topics.first() else {
            eprintln!(
                "{} {}",
                self.t("没有找到与此相关的答疑。可以试试这些关键词：", "Nothing found. Try one of the guide's keywords:"),
                caiji_help::GUIDE_KEYWORDS.join("、")
            );
            return;
        };
        println!("【{}】", first.title.get(self.lang));
        println!();
        for para in first.answer.get(self.lang).trim().split("\n\n") {
            println!("{}", para.trim());
            println!();
        }
        for a in &first.actions {
            let what = a.spec.as_deref().or(a.form.as_deref()).or(a.screen.as_deref()).unwrap_or("");
            println!("→ {} ({} {what})", a.label.get(self.lang), a.open);
        }
        println!("{}{}", self.t("依据：", "Source: "), first.source);
        if topics.len() > 1 {
            println!();
            println!("{}", self.t("相关问题：", "Related:"));
            for t in &topics[1..] {
                println!("  · {}  (caiji ask {})", t.title.get(self.lang), t.id);
            }
        }
    }

    pub fn roster_template(&self, file: &Path) {
        if self.json {
            print_json(&json!({"output": file}));
            return;
        }
        println!(
            "✓ {}: {}",
            file.display(),
            self.t(
                "名单模板，填好后在单位页导入（示例行不会导入）",
                "a roster template; fill it in and import it on the unit page (the example row is not imported)"
            )
        );
    }

    pub fn imported(&self, r: &[caiji_filing::bundle::Imported]) {
        if self.json {
            print_json(&r);
            return;
        }
        for x in r {
            println!("{}  {}  {}", x.id, mask_ids_in(&x.title), caiji_filing::bundle::outcome_name(x.outcome).get(self.lang));
        }
    }
}

/// Prints a value as pretty JSON (serialising our own types cannot fail; if it did, say so).
fn print_json<T: serde::Serialize + ?Sized>(v: &T) {
    match serde_json::to_string_pretty(v) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("JSON: {e}"),
    }
}
