//! `caiji-server`: start the intake with one command (an SQLite file by default).
use caiji_server::{router, Server};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "caiji-server", version, about = "会计信息采集助手 · 在线系统接收端 (the online system's intake for Caiji filings)")]
struct Cli {
    /// Where the database and attachments live.
    #[arg(long, env = "CAIJI_SERVER_DATA", default_value = "caiji-server-data", global = true)]
    data: PathBuf,
    /// A PostgreSQL database instead of the embedded SQLite file, e.g.
    /// `postgres://caiji:…@db.example/caiji` (attachments stay in the data folder).
    #[arg(long, env = "CAIJI_SERVER_DATABASE", global = true)]
    database: Option<String>,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CAIJI_SERVER_LISTEN", default_value = "127.0.0.1:8440")]
        listen: SocketAddr,
        /// Requests per second allowed per client address (and the burst above it).
        #[arg(long, default_value_t = 50.0)]
        rate: f64,
        #[arg(long, default_value_t = 200.0)]
        burst: f64,
        /// Attachments an account not yet proven may hold (MB).
        #[arg(long, default_value_t = caiji_server::blobs::UNVERIFIED_QUOTA >> 20)]
        quota_unverified_mb: i64,
        /// Attachments a proven person's account may hold (MB).
        #[arg(long, default_value_t = caiji_server::blobs::PERSON_QUOTA >> 20)]
        quota_person_mb: i64,
        /// Attachments a verified unit's account may hold (MB), for its whole staff.
        #[arg(long, default_value_t = caiji_server::blobs::UNIT_QUOTA >> 20)]
        quota_unit_mb: i64,
    },
    /// Issues a one-time code for a person (resident ID) or a unit (credit code), after checking
    /// who they are: `activate` proves their account is theirs, `reset` sets a new password
    /// (找回密码). Give the code to them on paper or by phone; it is good for 7 days, once.
    IssueCode {
        #[arg(long)]
        login: String,
        #[arg(long, value_parser = ["activate", "reset"], default_value = "activate")]
        purpose: String,
    },
    /// The review queue on this machine (every region): lists it, or accepts or returns a filing
    /// (its current revision; a return needs --reason).
    Review {
        #[arg(long, value_name = "UUID", conflicts_with = "return_")]
        accept: Option<String>,
        #[arg(long = "return", value_name = "UUID", requires = "reason")]
        return_: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// States a person's baseline from the online system's record: on file and in good standing
    /// up to --good-to YEAR (later years are judged from the filings here); --clear withdraws it.
    Baseline {
        #[arg(long)]
        person: String,
        #[arg(long, required_unless_present = "clear")]
        good_to: Option<u32>,
        #[arg(long)]
        clear: bool,
    },
    /// Removes uploads no submission references, untouched for `days` (serve does this daily
    /// for those older than 7 days).
    Sweep {
        #[arg(long, default_value_t = 7)]
        days: i64,
    },
    /// Adds a reviewing authority's account, scoped to a 管理地区 and everything inside it: a
    /// province (150000), a 盟市 (150100), a 旗县 (150102), 自治区直属 (1500), or empty for all. The password is read from standard input (typed at the prompt, or piped), or
    /// from CAIJI_AUTHORITY_PASSWORD; never from the command line, where other users of the
    /// machine could read it.
    AddAuthority {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        region: String,
    },
}

const DAY_MS: i64 = 86_400_000;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let opened = match &cli.database {
        Some(url) => Server::postgres(url, &cli.data),
        None => Server::sqlite(&cli.data),
    };
    let server = match opened {
        Ok(s) => s,
        Err(e) => {
            eprintln!("无法打开数据库 / cannot open the database in {}: {}", cli.data.display(), e.message.en);
            return std::process::ExitCode::from(2);
        }
    };
    let serve = Cmd::Serve {
        listen: SocketAddr::from(([127, 0, 0, 1], 8440)),
        rate: 50.0,
        burst: 200.0,
        quota_unverified_mb: caiji_server::blobs::UNVERIFIED_QUOTA >> 20,
        quota_person_mb: caiji_server::blobs::PERSON_QUOTA >> 20,
        quota_unit_mb: caiji_server::blobs::UNIT_QUOTA >> 20,
    };
    let mut server = server;
    match cli.cmd.unwrap_or(serve) {
        Cmd::IssueCode { login, purpose } => {
            let purpose = if purpose == "reset" { caiji_protocol::CodePurpose::Reset } else { caiji_protocol::CodePurpose::Activate };
            match server.issue_code(&login, purpose) {
                Ok(c) => {
                    let until = caiji_base::time::date_time_of(c.expires);
                    let what = if purpose == caiji_protocol::CodePurpose::Reset { "重置密码 / password reset" } else { "账号激活 / activation" };
                    println!("{what} {}: {}  (有效期至 / good until {until})", c.login, c.code);
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{} / {}", e.message.zh, e.message.en);
                    std::process::ExitCode::from(1)
                }
            }
        }
        Cmd::AddAuthority { login, name, region } => {
            let password = match std::env::var("CAIJI_AUTHORITY_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprint!("密码 / password: ");
                    let mut line = String::new();
                    if std::io::stdin().read_line(&mut line).is_err() {
                        eprintln!("无法读取密码 / cannot read the password");
                        return std::process::ExitCode::from(2);
                    }
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if let Some(why) = caiji_protocol::password_problem(&password, &login) {
                eprintln!("{} / {}", why.zh, why.en);
                return std::process::ExitCode::from(2);
            }
            if let Some(e) = server.region_problem(&region) {
                eprintln!("{} / {}", e.message.zh, e.message.en);
                return std::process::ExitCode::from(2);
            }
            match server.add_account(caiji_server::api::AccountKind::Authority, &login, &password, &name, &region) {
                Ok(a) => {
                    println!("已添加审核账号 / authority added: {} ({})", a.login, a.name);
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{} / {}", e.message.zh, e.message.en);
                    std::process::ExitCode::from(1)
                }
            }
        }
        Cmd::Baseline { person, good_to, clear } => match server.set_baseline(&person, if clear { None } else { good_to }) {
            Ok(st) => {
                println!("{}  {}  {}", st.person, st.status_name.zh, st.status_name.en);
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{} / {}", e.message.zh, e.message.en);
                std::process::ExitCode::from(1)
            }
        },
        Cmd::Review { accept, return_, reason } => {
            let done = match (accept, return_) {
                (Some(u), _) => server.decide(&u, caiji_server::api::Decision::Accept, None).map(|r| vec![r]),
                (_, Some(u)) => server.decide(&u, caiji_server::api::Decision::Return, reason).map(|r| vec![r]),
                _ => server.review_queue(),
            };
            match done {
                Ok(list) => {
                    for r in list {
                        println!("{}  {}  第 {} 版 / rev {}  {}  {}", r.uuid, r.form, r.revision, r.revision, r.person, r.state);
                    }
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{} / {}", e.message.zh, e.message.en);
                    std::process::ExitCode::from(1)
                }
            }
        }
        Cmd::Sweep { days } => match server.sweep(days * DAY_MS) {
            Ok((n, bytes)) => {
                println!("已清理 {n} 个无人引用的上传文件 / removed {n} unreferenced uploads ({:.1} MB)", bytes as f64 / 1e6);
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{} / {}", e.message.zh, e.message.en);
                std::process::ExitCode::from(1)
            }
        },
        Cmd::Serve { listen, rate, burst, quota_unverified_mb, quota_person_mb, quota_unit_mb } => {
            (server.quota_unverified, server.quota_person, server.quota_unit) = (quota_unverified_mb << 20, quota_person_mb << 20, quota_unit_mb << 20);
            let listener = match tokio::net::TcpListener::bind(listen).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("无法监听 / cannot listen on {listen}: {e}");
                    return std::process::ExitCode::from(2);
                }
            };
            // Tests and scripts read the real address (a port of 0 picks a free one).
            println!("caiji-server listening on http://{}", listener.local_addr().map(|a| a.to_string()).unwrap_or_default());
            // Once a day: uploads nobody's filing uses, a week old, are removed.
            let sweeper = server.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_millis(DAY_MS as u64));
                loop {
                    every.tick().await;
                    let s = sweeper.clone();
                    match tokio::task::spawn_blocking(move || s.sweep(7 * DAY_MS)).await {
                        Ok(Ok((n, _))) if n > 0 => println!("removed {n} unreferenced uploads"),
                        Ok(Err(e)) => eprintln!("sweep: {}", e.message.en),
                        _ => {}
                    }
                }
            });
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            if let Err(e) = caiji_server::serve(listener, router(server, rate, burst), stop).await {
                eprintln!("{e}");
                return std::process::ExitCode::from(1);
            }
            std::process::ExitCode::SUCCESS
        }
    }
}
