//! The help area (自助答疑): search as you type, a topic, the topic a failed check or a field
//! error opens, the management bodies (联系办事机构) and the entry guide. All read the built-in
//! help (`caiji_help`), nothing else; a query is bounded in length.
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_help::{Contact, EntryGuide, Hit, Topic};
use serde::Serialize;
use tauri::State;

#[tauri::command]
pub fn help_search(state: State<'_, AppState>, query: String, limit: Option<usize>) -> Vec<Hit> {
    // The core bounds the cost: the query's first 200 characters, at most 50 topics.
    state.help.search(&query, limit.unwrap_or(8).max(1))
}

#[tauri::command]
pub fn help_topic(state: State<'_, AppState>, id: String) -> AppResult<Topic> {
    state.help.topic(&id).cloned().ok_or_else(|| AppError::unknown_topic(&id))
}

/// Every link that opens a topic (`check:bytes`, `field:basic.photo`…) and the topic's id: the
/// UI puts a “怎么办？” beside a failed check or a field error that has one.
#[tauri::command]
pub fn help_links(state: State<'_, AppState>) -> Vec<(String, String)> {
    state.help.topics.iter().flat_map(|t| t.links.iter().map(|l| (l.clone(), t.id.clone()))).collect()
}

#[derive(Serialize)]
pub struct Contacts {
    pub bodies: Vec<Contact>,
    /// Where to look for what the data does not know.
    pub elsewhere: caiji_base::Msg,
}

#[tauri::command]
pub fn help_contacts(state: State<'_, AppState>) -> Contacts {
    Contacts { bodies: state.help.contacts(&state.forms.divisions), elsewhere: state.help.elsewhere.clone() }
}

#[tauri::command]
pub fn help_entry(state: State<'_, AppState>) -> EntryGuide {
    state.help.entry.clone()
}
