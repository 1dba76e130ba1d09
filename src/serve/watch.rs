//! Watching the site's sources with `notify`, debounced by
//! `notify-debouncer-mini`.
//!
//! Watched: the root folder itself (not recursively: `site.toml`, a rules
//! file beside it, a `themes/` folder appearing), `content/` and `themes/`
//! recursively, and the rules file's folder when it is elsewhere. Editors that
//! save by writing a temporary file and renaming it over the page, or that
//! write a file twice, give a burst of events on a few paths; the debouncer
//! turns the burst into one batch, and [`Targets::relevant`] keeps the paths
//! that are sources. A path that no longer exists is still passed on: the
//! rebuild decides whether a page was deleted or a temporary file came and went.
//!
//! Reading a file is an event too on Linux (inotify `IN_OPEN`): without
//! [`NoReads`] every rebuild, which reads the sources, would trigger the next.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventHandler, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use notify_debouncer_mini::{Config, DebounceEventResult, Debouncer, new_debouncer_opt};

use crate::config::SiteConfig;

/// How long the sources must be quiet before a rebuild starts. Long enough to
/// merge an editor's write-then-rename or double write (a few ms apart), short
/// enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// What the watcher tells the serve loop.
#[derive(Debug)]
pub enum Msg {
    /// Paths that changed (absolute; maybe gone by now).
    Changed(Vec<PathBuf>),
    /// The watcher failed; the message says why.
    Error(String),
    /// Ctrl-C: stop serving.
    Stop,
}

/// The sources of a site, as absolute paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// The site root.
    pub root: PathBuf,
    /// `site.toml`.
    pub site_toml: PathBuf,
    /// The content folder.
    pub content: PathBuf,
    /// `themes/`.
    pub themes: PathBuf,
    /// The rules file, if the site has one.
    pub rules: Option<PathBuf>,
}

impl Targets {
    /// The sources of a site whose configuration could be read.
    pub fn new(root: &Path, config: Option<&SiteConfig>) -> Targets {
        let content = config.map_or_else(|| PathBuf::from("content"), |c| c.content.clone());
        Targets {
            root: root.to_path_buf(),
            site_toml: root.join(crate::config::FILE_NAME),
            content: root.join(content),
            themes: root.join("themes"),
            rules: config.and_then(|c| c.rules.as_ref()).map(|r| root.join(r)),
        }
    }

    /// Whether a change to `path` can change the site.
    pub fn relevant(&self, path: &Path) -> bool {
        if path == self.root || path == self.site_toml || self.rules.as_deref() == Some(path) {
            return true;
        }
        let under = path.strip_prefix(&self.content).or_else(|_| path.strip_prefix(&self.themes));
        match under {
            // Hidden files (editor swap files, `.#lock` links) are never read by
            // the build, so changing them changes nothing.
            Ok(rel) => !rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')),
            Err(_) => false,
        }
    }

    fn watches(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut w = vec![(self.root.clone(), RecursiveMode::NonRecursive)];
        for dir in [&self.content, &self.themes] {
            if dir.is_dir() {
                w.push((dir.clone(), RecursiveMode::Recursive));
            }
        }
        if let Some(parent) = self.rules.as_deref().and_then(Path::parent)
            && parent != self.root
            && !parent.starts_with(&self.content)
            && parent.is_dir()
        {
            w.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
        }
        w
    }
}

/// A watcher that drops read events (open, read, close after reading), which
/// the debouncer cannot filter, and reports lost events (the kernel's queue
/// overflowed) as a change of every folder it watches, the site root among
/// them, which makes the rebuild load everything.
#[derive(Debug)]
pub struct NoReads<W> {
    inner: W,
    watched: std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>>,
}

fn is_read(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Access(a) if !matches!(a, AccessKind::Close(AccessMode::Write)))
}

impl<W: Watcher> Watcher for NoReads<W> {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let watched = std::sync::Arc::new(std::sync::Mutex::new(Vec::<PathBuf>::new()));
        let folders = std::sync::Arc::clone(&watched);
        W::new(
            move |e: notify::Result<Event>| match e {
                Ok(ev) if ev.need_rescan() => {
                    let paths = folders.lock().map(|w| w.clone()).unwrap_or_default();
                    handler.handle_event(Ok(paths.into_iter().fold(Event::new(EventKind::Other), Event::add_path)));
                }
                Ok(ev) if is_read(&ev.kind) => {}
                other => handler.handle_event(other),
            },
            config,
        )
        .map(|inner| NoReads { inner, watched })
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        if let Ok(mut w) = self.watched.lock() {
            w.push(path.to_path_buf());
        }
        self.inner.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        if let Ok(mut w) = self.watched.lock() {
            w.retain(|p| p != path);
        }
        self.inner.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        W::kind()
    }
}

/// The running watcher; dropping it stops watching.
pub struct Watch {
    debouncer: Debouncer<NoReads<RecommendedWatcher>>,
    watching: Vec<(PathBuf, RecursiveMode)>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").field("watching", &self.watching).finish_non_exhaustive()
    }
}

impl Watch {
    /// Starts watching `targets`, sending batches of changed paths to `tx`.
    pub fn start(targets: &Targets, tx: Sender<Msg>) -> Result<Watch, crate::Error> {
        let handler = move |res: DebounceEventResult| {
            let msg = match res {
                Ok(events) => Msg::Changed(events.into_iter().map(|e| e.path).collect()),
                Err(e) => Msg::Error(e.to_string()),
            };
            let _ = tx.send(msg);
        };
        let config = Config::default().with_timeout(DEBOUNCE).with_batch_mode(true);
        let debouncer = new_debouncer_opt::<_, NoReads<RecommendedWatcher>>(config, handler)
            .map_err(|e| crate::Error::Usage(format!("cannot watch the site for changes: {e}")))?;
        let mut w = Watch { debouncer, watching: Vec::new() };
        w.update(targets)?;
        Ok(w)
    }

    /// Watches what `targets` needs now (after site.toml changed the content
    /// folder or rules file, or `themes/` appeared).
    pub fn update(&mut self, targets: &Targets) -> Result<(), crate::Error> {
        let want = targets.watches();
        if want == self.watching {
            return Ok(());
        }
        let watcher = self.debouncer.watcher();
        for (p, _) in &self.watching {
            let _ = watcher.unwatch(p);
        }
        for (p, mode) in &want {
            watcher
                .watch(p, *mode)
                .map_err(|e| crate::Error::Usage(format!("cannot watch {} for changes: {e}", p.display())))?;
        }
        self.watching = want;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_are_relevant() {
        let t = Targets {
            root: "/s".into(),
            site_toml: "/s/site.toml".into(),
            content: "/s/content".into(),
            themes: "/s/themes".into(),
            rules: Some("/s/rules/rules.yaml".into()),
        };
        for yes in ["/s/site.toml", "/s/content/a.md", "/s/content/x/y.png", "/s/themes/default/templates/page.html", "/s/rules/rules.yaml", "/s"] {
            assert!(t.relevant(Path::new(yes)), "{yes}");
        }
        for no in ["/s/public/index.html", "/s/content/.a.md.swp", "/s/content/.git/x", "/s/rules/other.yaml", "/s/README.md", "/s/target/x"] {
            assert!(!t.relevant(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::ModifyKind;
        assert!(is_read(&EventKind::Access(AccessKind::Open(AccessMode::Read))));
        assert!(is_read(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!is_read(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(!is_read(&EventKind::Modify(ModifyKind::Any)));
    }
}
