//! The home area (我的档案): whose home page this computer shows, that person's page, and a
//! unit's staff with what each owes. Through `caiji_filing::home`.
use super::filing::desk;
use crate::error::AppResult;
use caiji_filing::home::{Home, Person, StaffDue};
use serde::Serialize;
use tauri::AppHandle;

#[derive(Serialize)]
pub struct HomeView {
    /// The person chosen (or the only one filing here), and their page.
    pub me: Option<Home>,
    /// Everyone with filings here, to choose from.
    pub people: Vec<Person>,
}

#[tauri::command]
pub async fn home_get(app: AppHandle) -> AppResult<HomeView> {
    desk(&app, |d| {
        let me = d.me()?.map(|id| d.home(&id)).transpose()?;
        Ok(HomeView { me, people: d.people()? })
    })
    .await
}

/// Chooses whose home page this is (`None`: forget the choice).
#[tauri::command]
pub async fn home_set_me(app: AppHandle, id_number: Option<String>) -> AppResult<()> {
    desk(&app, move |d| d.set_me(id_number.as_deref())).await
}

#[tauri::command]
pub async fn home_unit(app: AppHandle, uscc: String) -> AppResult<Vec<StaffDue>> {
    desk(&app, move |d| d.unit_home(&uscc)).await
}
