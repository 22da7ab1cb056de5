//! What the app keeps between commands: the spec registry and the open pictures. Locks are
//! held only to look up or insert an `Arc`, never while pixels are processed.
use caiji_core::batch::Control;
use caiji_core::pipeline::Source;
use caiji_core::spec::{default_user_dir, Registry};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub struct AppState {
    pub registry: RwLock<Arc<Registry>>,
    sources: Mutex<HashMap<u64, Arc<Source>>>,
    next: AtomicU64,
    /// Files given on the command line or by a second launch, not yet shown.
    pub pending: Mutex<Vec<String>>,
    /// The running batch's switches (one batch at a time).
    batch: Mutex<Option<Arc<Control>>>,
}

impl AppState {
    pub fn new(args: Vec<String>) -> Self {
        AppState {
            registry: RwLock::new(Arc::new(Registry::load(default_user_dir().as_deref()))),
            sources: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            pending: Mutex::new(args),
            batch: Mutex::new(None),
        }
    }

    pub fn registry(&self) -> Arc<Registry> {
        self.registry.read().map(|r| r.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn insert(&self, s: Source) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.sources.lock() {
            m.insert(id, Arc::new(s));
        }
        id
    }

    pub fn get(&self, id: u64) -> Option<Arc<Source>> {
        self.sources.lock().ok()?.get(&id).cloned()
    }

    /// Registers the running batch (`Err` if one runs already), or clears it with `None`.
    pub fn set_batch(&self, c: Option<Arc<Control>>) -> Result<(), ()> {
        let mut b = self.batch.lock().map_err(|_| ())?;
        if c.is_some() && b.is_some() {
            return Err(());
        }
        *b = c;
        Ok(())
    }

    pub fn batch(&self) -> Option<Arc<Control>> {
        self.batch.lock().ok()?.clone()
    }

    pub fn close(&self, id: u64) {
        if let Ok(mut m) = self.sources.lock() {
            m.remove(&id);
        }
    }
}
