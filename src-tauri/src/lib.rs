//! Caiji desktop app: a thin Tauri 2 shell over the caiji crates.
pub mod commands;
pub mod error;
pub mod grants;
pub mod state;

use caiji_base::appdata::DataDir;
use caiji_base::ids::mask_ids_in;
use tauri::{Emitter, Manager, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};

/// Files among the process arguments (skipping the program and flags).
fn file_args(args: impl IntoIterator<Item = String>, cwd: &std::path::Path) -> Vec<String> {
    // Absolute, so that they can be granted (grants.rs): "Open with" gives full paths, a
    // console may give relative ones.
    args.into_iter().skip(1).filter(|a| !a.starts_with('-')).map(|a| cwd.join(a).display().to_string()).collect()
}

/// Logs go to the OS log folder (or `logs` beside a portable app). Every line passes through
/// `mask_ids_in`: file names often carry resident ID numbers, and no log prints one in full.
fn logger(data: &DataDir) -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let kind = if data.portable {
        TargetKind::Folder { path: data.logs(), file_name: Some("caiji".into()) }
    } else {
        TargetKind::LogDir { file_name: Some("caiji".into()) }
    };
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(kind))
        .level(log::LevelFilter::Info)
        .max_file_size(1 << 20)
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .format(|out, message, record| {
            let t = TimezoneStrategy::UseLocal.get_now();
            out.finish(format_args!(
                "{}-{:02}-{:02} {:02}:{:02}:{:02} {} {}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                record.level(),
                mask_ids_in(&message.to_string())
            ))
        })
        .build()
}

/// Runs the app; says why on stderr (and in the log) when it cannot start.
pub fn run() -> std::process::ExitCode {
    // Portable (a `portable` file beside the program): everything next to it. Else the OS's
    // per-user folder, shared with the CLI.
    let data = DataDir::resolve().unwrap_or_else(|| DataDir { root: std::env::temp_dir().join("caiji"), portable: false });
    let mut window_state = tauri_plugin_window_state::Builder::default();
    if data.portable {
        // The plugin joins this to its folder; an absolute path replaces the folder.
        window_state = window_state.with_filename(data.root.join("window-state.json").display().to_string());
    }
    // The window needs the Microsoft Edge WebView2 runtime on Windows: without it, say so and
    // how to get it, rather than fail inside the web view's creation.
    #[cfg(windows)]
    if tauri::webview_version().is_err() {
        return cannot_start(
            "缺少 Microsoft Edge WebView2 运行时。请运行安装程序（会自动安装它），或联网后从 https://developer.microsoft.com/microsoft-edge/webview2/ 下载“常青版引导程序”安装。命令行工具 caiji.exe 不需要它，可以照常使用。",
            "The Microsoft Edge WebView2 runtime is missing. Run the installer (it installs it), or get the Evergreen Bootstrapper from https://developer.microsoft.com/microsoft-edge/webview2/ when online. The command line tool caiji.exe does not need it.",
        );
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let state = match state::AppState::new(file_args(std::env::args(), &cwd), data.clone()) {
        Ok(s) => s,
        Err(e) => return cannot_start(&e.msg().zh, &e.msg().en),
    };
    let app = tauri::Builder::default()
        // Must be the first plugin: a second launch hands its files to the running window.
        .plugin(tauri_plugin_single_instance::init(|app, args, cwd| {
            let files = file_args(args, std::path::Path::new(&cwd));
            if let Some(state) = app.try_state::<state::AppState>() {
                state.grant(|g| files.iter().for_each(|f| g.opened(std::path::Path::new(f))));
                if let Ok(mut p) = state.pending.lock() {
                    p.extend(files.iter().cloned());
                }
            }
            let _ = app.emit("files-opened", files);
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(logger(&data))
        // Size, position and maximised state come back as the user left them.
        .plugin(window_state.build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .setup(move |app| {
            app.state::<state::AppState>().open_drafts();
            commands::sync::start(app.handle());
            // The window is made here rather than in tauri.conf.json so that a portable app
            // keeps its web storage beside it too.
            let mut w =
                WebviewWindowBuilder::new(app, "main", WebviewUrl::default()).title("会计信息采集助手").inner_size(1180.0, 780.0).min_inner_size(900.0, 600.0);
            if data.portable {
                w = w.data_directory(data.webview());
            }
            let window = w.build()?;
            // Files dropped on the window are the person's choice: granted for reading.
            let handle = app.handle().clone();
            window.on_window_event(move |e| {
                if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = e {
                    handle.state::<state::AppState>().grant(|g| paths.iter().for_each(|p| g.opened(p)));
                }
            });
            log::info!("Caiji {} started; data in {} (portable: {})", env!("CARGO_PKG_VERSION"), data.root.display(), data.portable);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_take_pending,
            commands::app::app_print,
            commands::files::pick_open,
            commands::files::pick_save,
            commands::files::pick_folder,
            commands::settings::settings_get,
            commands::settings::settings_set,
            commands::settings::settings_open_dir,
            commands::specs::specs_view,
            commands::specs::specs_validate,
            commands::specs::specs_save,
            commands::specs::specs_delete,
            commands::specs::specs_import,
            commands::specs::specs_export,
            commands::check::check_file,
            commands::batch::batch_start,
            commands::batch::batch_pause,
            commands::batch::batch_cancel,
            commands::batch::batch_open,
            commands::photo::photo_open,
            commands::photo::photo_rotate,
            commands::photo::photo_close,
            commands::photo::photo_image,
            commands::photo::photo_frame,
            commands::photo::photo_preview,
            commands::photo::photo_save,
            commands::photo::photo_attach,
            commands::scan::scan_open,
            commands::scan::scan_merge,
            commands::scan::scan_attach,
            commands::scan::scan_find,
            commands::scan::scan_flat,
            commands::filing::filing_forms,
            commands::filing::filing_list,
            commands::filing::filing_create,
            commands::filing::filing_get,
            commands::filing::filing_save,
            commands::filing::filing_finalize,
            commands::filing::filing_reopen,
            commands::filing::filing_delete,
            commands::filing::filing_change,
            commands::filing::filing_standing,
            commands::help::help_search,
            commands::help::help_topic,
            commands::help::help_links,
            commands::help::help_contacts,
            commands::help::help_entry,
            commands::home::home_get,
            commands::home::home_set_me,
            commands::home::home_unit,
            commands::filing::filing_set_baseline,
            commands::filing::filing_export,
            commands::filing::filing_import,
            commands::filing::filing_last_run,
            commands::filing::filing_attachment,
            commands::unit::unit_list,
            commands::unit::unit_save,
            commands::unit::unit_view,
            commands::unit::unit_roster_import,
            commands::unit::unit_roster_template,
            commands::unit::unit_staff_draft,
            commands::unit::unit_bulk_assessment,
            commands::unit::unit_finalize_ready,
            commands::sync::sync_status,
            commands::sync::sync_sign_in,
            commands::sync::sync_register,
            commands::sync::sync_sign_out,
            commands::sync::sync_verify,
            commands::sync::sync_issue_code,
            commands::sync::sync_reset_password,
            commands::sync::sync_send,
            commands::sync::sync_now,
            commands::sync::sync_conflict,
            commands::sync::sync_resolve,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => return cannot_start(&format!("无法创建窗口：{e}"), &format!("Cannot create the window: {e}")),
    };
    app.run(|app, event| {
        // A clean exit: the next start does not offer to recover.
        if let tauri::RunEvent::Exit = event {
            if let Some(s) = app.try_state::<state::AppState>() {
                s.end_session();
            }
        }
    });
    std::process::ExitCode::SUCCESS
}

fn cannot_start(zh: &str, en: &str) -> std::process::ExitCode {
    eprintln!("采集助手无法启动：{zh}\nCaiji cannot start: {en}");
    // A release build on Windows has no console: the same words in a message box.
    #[cfg(windows)]
    message_box(&format!("采集助手无法启动：{zh}\n\nCaiji cannot start: {en}"));
    std::process::ExitCode::FAILURE
}

#[cfg(windows)]
fn message_box(text: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONERROR, MB_OK};
    let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
    let (text, caption) = (wide(text), wide("会计信息采集助手 Caiji"));
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner window.
    unsafe {
        MessageBoxW(std::ptr::null_mut(), text.as_ptr(), caption.as_ptr(), MB_OK | MB_ICONERROR);
    }
}
