//! `caiji`: the command line over the caiji crates (image, forms, filing, help).
mod output;

use caiji_base::appdata::user_specs_dir;
use caiji_base::{Error, Lang};
use caiji_image::batch::{self, Config};
use caiji_image::check;
use caiji_image::geometry::Rect;
use caiji_image::merge::{self, Page};
use caiji_image::page::PageMode;
use caiji_image::pipeline::{self, FrameMode, Options, Source};
use caiji_image::spec::Registry;
use clap::{Parser, Subcommand};
use output::Out;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "caiji",
    version,
    about = "会计信息采集助手：把照片和扫描件做成门户能接受的文件 / Prepare ID photos and scans for China's accountant-filing portals"
)]
struct Cli {
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Message language: zh (default) or en.
    #[arg(long, global = true, default_value = "zh")]
    lang: Lang,
    /// Folder of user spec profiles (adds to and overrides the built-in ones).
    #[arg(long, global = true, env = "CAIJI_SPECS_DIR")]
    specs_dir: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Prepare one photo or scan to a spec.
    Prepare {
        input: PathBuf,
        #[arg(long, short)]
        spec: String,
        /// Crop in upright pixels: x,y,w,h or WxH+X+Y (adjusted to the spec's aspect).
        #[arg(long)]
        crop: Option<String>,
        /// Extra rotation clockwise in degrees (90, 180, 270), applied before the crop.
        #[arg(long, default_value_t = 0)]
        rotate: i32,
        /// Photos: frame from the face by the spec's head rules (`face`), or take the largest
        /// centred box (`centre`).
        #[arg(long, value_enum, default_value_t = Frame::Face)]
        frame: Frame,
        /// Photos: replace a plain background by the spec's colour (white where allowed). The
        /// report says so: some portals refuse an edited background.
        #[arg(long)]
        whiten: bool,
        /// Documents: a photo of a paper is found, flattened and cleaned, a scan askew turned
        /// straight (`auto`); `off` keeps the picture as it is; `x1,y1,x2,y2,x3,y3,x4,y4` gives the page's corners by hand
        /// (top-left, top-right, bottom-right, bottom-left, in upright pixels).
        #[arg(long, default_value = "auto")]
        page: String,
        /// Output file (default: beside the input, named after the spec).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Check any file against a spec, like the official checker (exit 1 when it fails).
    Check {
        file: PathBuf,
        #[arg(long, short)]
        spec: String,
    },
    /// Merge several pages (ID card sides, a diploma's pages) into one image.
    Merge {
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        #[arg(long, short)]
        spec: String,
        #[arg(long, short)]
        output: PathBuf,
        /// Rotate a page: PAGE:DEGREES, e.g. 2:90 (pages count from 1). Repeatable.
        #[arg(long)]
        rotate: Vec<String>,
        /// Crop a page: PAGE:x,y,w,h. Repeatable.
        #[arg(long)]
        crop: Vec<String>,
        /// A photographed page: found and flattened (a scan askew straightened) by default;
        /// `off` for all pages, or
        /// PAGE:off, PAGE:x1,y1,…,x4,y4 (corners by hand) for one. Repeatable.
        #[arg(long)]
        page: Vec<String>,
    },
    /// Prepare every file of a folder.
    Batch {
        input: PathBuf,
        output: PathBuf,
        #[arg(long, short)]
        spec: String,
        /// Worker threads (default: all cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Output name: {stem} source name, {id} 18-digit resident ID in the name, {n}, {spec}.
        #[arg(long, default_value = "{stem}")]
        template: String,
        /// Skip sources already done in an earlier run (unchanged source and output).
        #[arg(long)]
        resume: bool,
        /// Include sub-folders.
        #[arg(long, short)]
        recursive: bool,
        /// Photos: frame from the face (`face`; a photo without one is listed as failed for a
        /// person to look at), or take the largest centred box (`centre`).
        #[arg(long, value_enum, default_value_t = Frame::Face)]
        frame: Frame,
        /// Photos: replace a plain background by the spec's colour (white where allowed). The
        /// report says so: some portals refuse an edited background.
        #[arg(long)]
        whiten: bool,
        /// Documents: photographed pages found and flattened, scans askew straightened (`auto`),
        /// or kept as they are (`off`).
        #[arg(long, default_value = "auto")]
        page: String,
    },
    /// The filing drafts kept on this machine (offline filing).
    Drafts {
        #[command(subcommand)]
        cmd: DraftsCmd,
    },
    /// Write a blank staff roster to fill in, by the name's extension: an Excel workbook (.xlsx:
    /// ID numbers kept as text, drop-downs of the posts) or a CSV (.csv); one example row.
    RosterTemplate {
        /// The file to write (.xlsx or .csv).
        #[arg(long, short, default_value = "会计人员名单.xlsx")]
        output: PathBuf,
    },
    /// 自助答疑: the help topics that answer a question or a keyword (`caiji ask 照片`,
    /// `caiji ask 照片太大传不上去怎么办`); the best answer in full, then the next ones by title.
    Ask {
        /// The question, keyword or pinyin initials (several words are read as one question).
        #[arg(required = true)]
        words: Vec<String>,
        /// How many topics to list.
        #[arg(long, short, default_value_t = 3)]
        n: usize,
    },
    /// List or show the spec profiles.
    Specs {
        #[command(subcommand)]
        cmd: SpecsCmd,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Frame {
    Face,
    Centre,
}

impl From<Frame> for FrameMode {
    fn from(f: Frame) -> FrameMode {
        match f {
            Frame::Face => FrameMode::Face,
            Frame::Centre => FrameMode::Centre,
        }
    }
}

#[derive(Subcommand)]
enum DraftsCmd {
    /// Every draft with its state and how many problems it has.
    List,
    /// The problems of one draft, on their fields (exit 1 when there are any).
    Validate { id: String },
    /// Where a person stands this year — 在岗, 非在岗, 异动, or 信息不足 with what is missing —
    /// and what they owe, from the filings here and the baseline: the app's and the server's verdict.
    Standing {
        /// The person's ID number.
        id: String,
    },
    /// States the year up to which the online system shows the person on file and in good
    /// standing (`none` withdraws it): the years after it are judged from the filings here.
    Baseline {
        /// The person's ID number.
        id: String,
        /// A year from 1980 to last year, or `none`.
        year: String,
    },
    /// Drafts and their attachments into one file to carry to another machine.
    Export {
        /// Draft ids (default: all).
        ids: Vec<String>,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// A file made by `export`: adds new drafts, updates older ones, keeps newer local ones.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum SpecsCmd {
    List,
    Show { id: String },
}

/// A reader that stops early (`caiji specs list | head`, or `more` quit on Windows) closes the
/// pipe: the program ends quietly there, as command-line tools do, not with a panic's message.
fn quiet_when_stdout_closes() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.payload().downcast_ref::<String>().map(String::as_str).unwrap_or_default();
        // EPIPE; Windows' "the pipe is being closed" and "the pipe has been ended".
        let closed = if cfg!(windows) { ["(os error 232)", "(os error 109)"] } else { ["(os error 32)"; 2] };
        if msg.starts_with("failed printing to stdout") && closed.iter().any(|c| msg.ends_with(c)) {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_when_stdout_closes();
    let cli = Cli::parse();
    let out = Out { json: cli.json, lang: cli.lang };
    let registry = Registry::load(cli.specs_dir.clone().or_else(user_specs_dir).as_deref());
    for p in &registry.problems {
        out.warn(&p.to_error().message(cli.lang));
    }
    match run(&cli, &registry, &out) {
        Ok(code) => code,
        Err(e) => {
            out.error(&e);
            ExitCode::from(2)
        }
    }
}

fn degrees_to_turns(deg: i32) -> Result<i32, Error> {
    if deg.rem_euclid(90) != 0 {
        return Err(Error::invalid(format!("旋转角度须为 90 的倍数：{deg}"), format!("Rotation must be a multiple of 90: {deg}")));
    }
    Ok(deg / 90)
}

fn run(cli: &Cli, reg: &Registry, out: &Out) -> Result<ExitCode, Error> {
    match &cli.cmd {
        Cmd::Prepare { input, spec, crop, rotate, frame, whiten, page, output } => {
            let spec = reg.get(spec)?;
            let data: Arc<[u8]> = std::fs::read(input).map_err(|e| Error::io(input, e))?.into();
            let crop = crop.as_deref().map(Rect::parse).transpose()?;
            let opts = Options { crop, frame: (*frame).into(), whiten: *whiten, page: PageMode::parse(page)?, ..Options::default() };
            let prepared = if crop.is_none() && *rotate == 0 {
                // The whole file: every page of a PDF for a document spec.
                pipeline::prepare_file(data, spec, &opts)?
            } else {
                let mut src = Source::for_spec_framed(data, spec, (*frame).into())?.with_origin(input);
                src.rotate(degrees_to_turns(*rotate)?);
                pipeline::prepare(&src, spec, &opts)?
            };
            let target = output.clone().unwrap_or_else(|| {
                let stem = input.file_stem().unwrap_or_default().to_string_lossy();
                input.with_file_name(format!("{stem}_{}.jpg", spec.id))
            });
            let report = pipeline::write_and_verify(&prepared, spec, &target, &[input])?;
            out.prepared(&target, spec, &prepared, &report);
            Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Cmd::Check { file, spec } => {
            let spec = reg.get(spec)?;
            let data = std::fs::read(file).map_err(|e| Error::io(file, e))?;
            let report = check::check_photo(&data, spec);
            out.report(file, &report);
            Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Cmd::Merge { pages, spec, output, rotate, crop, page } => {
            let spec = reg.get(spec)?;
            // Every page of a PDF is a page here: PAGE numbers count them.
            let mut sources = Vec::new();
            for p in pages {
                sources.extend(Source::open_pages(p, spec)?);
            }
            let count = sources.len();
            let page_arg = |s: &str| -> Result<(usize, String), Error> {
                let (n, v) = s.split_once(':').ok_or_else(|| Error::invalid(format!("格式应为 页号:值：{s}"), format!("Expected PAGE:VALUE: {s}")))?;
                let n: usize = n
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1 && n <= count)
                    .ok_or_else(|| Error::invalid(format!("页号 {n} 不在 1–{count} 之间"), format!("Page {n} is not within 1–{count}")))?;
                Ok((n - 1, v.to_string()))
            };
            for r in rotate {
                let (i, v) = page_arg(r)?;
                let deg: i32 = v.parse().map_err(|_| Error::invalid(format!("角度无效：{v}"), format!("Bad angle: {v}")))?;
                sources[i].rotate(degrees_to_turns(deg)?);
            }
            let mut crops = vec![None; count];
            for c in crop {
                let (i, v) = page_arg(c)?;
                crops[i] = Some(Rect::parse(&v)?);
            }
            let mut modes = vec![PageMode::Auto; count];
            for m in page {
                match m.split_once(':') {
                    Some(_) => {
                        let (i, v) = page_arg(m)?;
                        modes[i] = PageMode::parse(&v)?;
                    }
                    None => modes.fill(PageMode::parse(m)?),
                }
            }
            let list: Vec<Page> = sources.iter().zip(&crops).zip(&modes).map(|((s, c), m)| Page { page: *m, ..Page::new(s, *c) }).collect();
            let prepared = merge::merge(&list, spec)?;
            let originals: Vec<&Path> = pages.iter().map(|p| p.as_path()).collect();
            let report = pipeline::write_and_verify(&prepared, spec, output, &originals)?;
            out.prepared(output, spec, &prepared, &report);
            Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Cmd::Batch { input, output, spec, jobs, template, resume, recursive, frame, whiten, page } => {
            let spec = reg.get(spec)?;
            let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
            let cfg = Config {
                input: input.clone(),
                output: output.clone(),
                template: template.clone(),
                jobs,
                resume: *resume,
                recursive: *recursive,
                only: None,
                frame: (*frame).into(),
                whiten: *whiten,
                page: PageMode::parse(page)?,
            };
            let control = Arc::new(batch::Control::default());
            {
                let control = control.clone();
                let _ = ctrlc::set_handler(move || {
                    if control.is_cancelled() {
                        std::process::exit(130); // second Ctrl-C: leave now
                    }
                    control.cancel();
                });
            }
            let total = batch::list_sources(&cfg).map(|v| v.len()).unwrap_or(0);
            let bar = out.progress(total as u64);
            let summary = batch::run(&cfg, spec, &control, &|item| {
                bar.inc(1);
                if item.status == batch::Status::Failed {
                    bar.println(out.item_line(item));
                }
            })?;
            bar.finish_and_clear();
            let (csv, json) = batch::write_reports(&summary, output, cli.lang)?;
            out.summary(&summary, &csv, &json);
            Ok(if control.is_cancelled() {
                ExitCode::from(130)
            } else if summary.failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Drafts { cmd } => drafts(cmd, out),
        Cmd::RosterTemplate { output } => {
            caiji_filing::roster::write_template(&caiji_forms::Forms::builtin()?, output)?;
            out.roster_template(output);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Ask { words, n } => {
            let help = caiji_help::Help::builtin()?;
            let hits = help.search(&words.join(" "), (*n).max(1));
            let topics: Vec<_> = hits.iter().filter_map(|h| help.topic(&h.id)).collect();
            out.answers(&words.join(" "), &topics);
            Ok(if topics.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Cmd::Specs { cmd: SpecsCmd::List } => {
            out.specs_list(reg);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Specs { cmd: SpecsCmd::Show { id } } => {
            out.spec_show(reg.entry(id).ok_or_else(|| Error::UnknownSpec { id: id.clone() })?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn drafts(cmd: &DraftsCmd, out: &Out) -> Result<ExitCode, Error> {
    use caiji_filing::{bundle, desk::Desk, store::Store};
    use caiji_forms::Forms;
    let dir = caiji_base::appdata::DataDir::resolve()
        .ok_or_else(|| Error::invalid("找不到数据文件夹（可设置 CAIJI_DATA_DIR）", "No data folder (set CAIJI_DATA_DIR)"))?;
    let store = Store::open(&dir.drafts())?;
    let forms = Forms::builtin()?;
    let desk = Desk::new(&store, &forms);
    // The same verdict as the app: the form's checks, fixed fields, the rules.
    let problems = |d: &caiji_filing::store::Draft| desk.problems(d).unwrap_or_default();
    match cmd {
        DraftsCmd::List => {
            let list = store.list()?;
            let rows: Vec<_> = list.iter().map(|d| (d, problems(d).len())).collect();
            out.drafts_list(&rows);
            Ok(ExitCode::SUCCESS)
        }
        DraftsCmd::Validate { id } => {
            let d = store.get(id)?;
            let p = problems(&d);
            out.problems(&d, &p);
            Ok(if p.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        DraftsCmd::Standing { id } => {
            let id = id.trim().to_uppercase();
            let s = desk.standing(&id)?;
            if s.counted == 0 && s.good_to.is_none() && s.server_good_to.is_none() {
                return Err(Error::invalid(
                    "本机没有这个人已定稿的填报，也没有说明过的记录（caiji drafts baseline）",
                    "No finalized filing of this person here, and no stated baseline (caiji drafts baseline)",
                ));
            }
            out.standing(&s);
            Ok(ExitCode::SUCCESS)
        }
        DraftsCmd::Baseline { id, year } => {
            let year = match year.trim() {
                "none" | "无" => None,
                y => Some(y.parse::<u32>().map_err(|_| Error::invalid(format!("“{y}”不是年份（或 none）"), format!("\"{y}\" is not a year (or none)")))?),
            };
            out.standing(&desk.set_baseline(&id.trim().to_uppercase(), year)?);
            Ok(ExitCode::SUCCESS)
        }
        DraftsCmd::Export { ids, output } => {
            let ids = if ids.is_empty() { store.list()?.into_iter().map(|d| d.id).collect() } else { ids.clone() };
            let m = bundle::export(&store, &ids, output)?;
            out.exported(output, &m);
            Ok(ExitCode::SUCCESS)
        }
        DraftsCmd::Import { file } => {
            let r = bundle::import(&store, file)?;
            out.imported(&r);
            Ok(ExitCode::SUCCESS)
        }
    }
}
