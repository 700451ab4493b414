//! COPY and ADD: sources from the context, a stage, an image, a heredoc or a URL, into one layer.

use super::*;

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn copy(
        &mut self,
        cur: &mut Current,
        step: &Step,
        add: bool,
        flags: &[Flag],
        srcs: &[String],
        dest: &str,
        heredocs: &[(String, Heredoc)],
    ) -> Result<bool> {
        let kw = if add { "ADD" } else { "COPY" };
        for f in flags {
            let allowed = matches!(f.name.as_str(), "from" | "chown" | "chmod" | "link") || (add && f.name == "checksum");
            if !allowed {
                return Err(refused(step, &format!("{kw} --{}", f.name)));
            }
        }
        let srcs: Vec<String> = srcs.iter().map(|s| self.expand(cur, s)).collect::<Result<_>>()?;
        let dest = self.expand(cur, dest)?;
        let is_url = |s: &str| s.starts_with("http://") || s.starts_with("https://");
        if let Some(u) = srcs.iter().find(|s| s.starts_with("git@") || (is_url(s) && !add)) {
            return Err(Error::Invalid(format!(
                "line {}: {}: {kw} of {u}: COPY takes no URLs (ADD downloads one); a git source is not supported by sangja build yet",
                step.line, step.text
            )));
        }
        // Sources that are not in a tree: heredocs (`COPY <<EOF`) and
        // downloads (`ADD URL`), written to a temp folder kept for the build.
        let mut extras: Vec<(String, std::path::PathBuf)> = Vec::new();
        if !heredocs.is_empty() || srcs.iter().any(|s| is_url(s)) {
            let dir = context::scratch_dir(&self.engine.paths.tmp_dir())?;
            for (n, (name, h)) in heredocs.iter().enumerate() {
                let content = if h.expand {
                    let env = config_of(&cur.state.config).env().clone().unwrap_or_default();
                    let lookup = vars::stage_lookup(&env, &self.scope);
                    expand::expand_text(&h.content, &lookup)?
                } else {
                    h.content.clone()
                };
                let host = dir.0.join(format!("{n}"));
                std::fs::create_dir_all(&host).map_err(|e| Error::io_path("create", &host, e))?;
                let file = host.join(name.trim_start_matches('/').replace('/', "_"));
                std::fs::write(&file, content).map_err(|e| Error::io_path("write", &file, e))?;
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).map_err(|e| Error::io_path("chmod", &file, e))?;
                extras.push((name.clone(), file));
            }
            let checksum = flag(flags, "checksum").map(str::to_string);
            for (n, u) in srcs.iter().filter(|s| is_url(s)).enumerate() {
                let host = dir.0.join(format!("url{n}"));
                std::fs::create_dir_all(&host).map_err(|e| Error::io_path("create", &host, e))?;
                let (name, file) = context::download(u, &host, checksum.as_deref())
                    .map_err(|e| Error::Invalid(format!("line {}: {}: {e}", step.line, step.text)))?;
                extras.push((name, file));
            }
            self.scratch.push(dir);
        }
        let srcs: Vec<String> = srcs.into_iter().filter(|s| !is_url(s)).collect();
        let from = match flag(flags, "from") {
            Some(f) => Some(self.expand(cur, f)?),
            None => None,
        };
        let layers = LayerStore::new(&self.engine.paths);
        let dirs_of = |s: &State| -> Vec<std::path::PathBuf> { s.layers.iter().rev().map(|d| layers.diff_dir(d)).collect() };
        let stage_tree = Tree::Layers(dirs_of(&cur.state));
        let from_tree = match &from {
            None => None,
            Some(f) => match self.stage_ref(f) {
                Some(s) => Some(Tree::Layers(dirs_of(s))),
                None => {
                    let image = self.image(f)?;
                    Some(Tree::Layers(image.layers.iter().rev().map(|d| layers.diff_dir(d)).collect()))
                }
            },
        };
        let tree = from_tree.as_ref().unwrap_or(&self.context);
        let owner = match flag(flags, "chown") {
            Some(c) => Some(owner_of(&stage_tree, &self.expand(cur, c)?)?),
            None => None,
        };
        let chmod = match flag(flags, "chmod") {
            Some(m) => {
                Some(u32::from_str_radix(m, 8).map_err(|_| Error::Invalid(format!("{}: --chmod={m} is not an octal mode", step.text)))?)
            }
            None => None,
        };
        let attrs = Attrs { owner, chmod, keep_owner: false };
        // The destination, relative to WORKDIR when not absolute.
        let workdir = config_of(&cur.state.config).working_dir().clone().unwrap_or_else(|| "/".into());
        let dest_dir_form = dest.ends_with('/') || dest == "." || dest.ends_with("/.");
        let dest_abs = if dest.starts_with('/') { dest.clone() } else { format!("{workdir}/{dest}") };
        let dest_rel = stage_tree.resolve_dirs(&dest_abs);
        let mut matches = Vec::new();
        for s in &srcs {
            let clean = sangja_build::ignore::clean(s);
            if sangja_build::ignore::has_glob(&clean) {
                let mut all = Vec::new();
                tree.walk("", &mut all, 0);
                let found: Vec<String> = all.into_iter().filter(|p| sangja_build::ignore::path_matches(&clean, p)).collect();
                if found.is_empty() {
                    // As buildah (podman build): a glob must match something.
                    return Err(Error::NotFound(format!(
                        "{}: no items matching glob {s:?} in the build context (or all excluded by the ignore file)",
                        step.text
                    )));
                }
                matches.extend(found);
            } else if tree.entry(&clean).is_some() {
                matches.push(clean);
            } else {
                let whence = match &from {
                    Some(f) => format!("in {f}"),
                    None => "in the build context (or it is excluded by the ignore file)".to_string(),
                };
                return Err(Error::NotFound(format!("{}: {s}: no such file or directory {whence}", step.text)));
            }
        }
        if matches.is_empty() && extras.is_empty() {
            return Err(Error::NotFound(format!("{}: no source files were specified (nothing in the build context matches)", step.text)));
        }
        let several = srcs.len() + extras.len() > 1 || matches.len() > 1;
        if several && !dest.ends_with('/') {
            return Err(Error::Invalid(format!(
                "{}: when using {kw} with more than one source file, the destination must be a directory and end with a /",
                step.text
            )));
        }
        let dest_exists_dir = stage_tree.entry(&dest_rel).is_some_and(|(_, m)| m.is_dir());
        let into_dir = dest_dir_form || several || dest_exists_dir;
        let mut plan = Plan::default();
        let mut kind = "file";
        for m in &matches {
            let Some((host, meta)) = tree.entry(m) else { continue };
            if meta.is_dir() {
                // A folder's contents go into the destination, not the folder itself.
                kind = "dir";
                plan.copy_tree(tree, m, &dest_rel, attrs, 0)?;
            } else if add && from.is_none() && context::is_archive(&host) {
                plan.archives.push((host, dest_rel.clone()));
            } else {
                let name = m.rsplit('/').next().unwrap_or(m);
                let target = if into_dir { join(&dest_rel, name) } else { dest_rel.clone() };
                plan.copy_tree(tree, m, &target, attrs, 0)?;
            }
        }
        for (name, file) in &extras {
            let target = if into_dir { join(&dest_rel, name.rsplit('/').next().unwrap_or(name)) } else { dest_rel.clone() };
            let parent = file.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
            let base = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let one = Tree::Context { root: parent, ignore: sangja_build::ignore::Matcher::parse("") };
            plan.copy_tree(&one, &base, &target, attrs, 0)?;
        }
        if several {
            kind = "multi";
        }
        // A destination folder that exists keeps its own attributes.
        if let Some((_, m)) = stage_tree.entry(&dest_rel).filter(|(_, m)| m.is_dir()) {
            use std::os::unix::fs::MetadataExt;
            if let Some(e) = plan.entries.get_mut(&dest_rel) {
                e.mode = m.mode() & 0o7777;
                e.uid = m.uid();
                e.gid = m.gid();
                e.mtime = m.mtime();
            }
        }
        plan.entries.remove("");
        plan.add_parents(&stage_tree, attrs);
        let digest = plan.digest()?;
        let created_by = format!("/bin/sh -c #(nop) {kw} {kind}:{digest} in {dest} ");
        let key = cache::key(&cur.state.key, &["copy", &created_by, &format!("{attrs:?}"), from.as_deref().unwrap_or("")]);
        self.cached(cur, key, move |b, parent| {
            let (layer, _) = crate::commit::layer_from_tar(b.engine, "build", |w| plan.write_tar(w))?;
            Ok(Some(with_layer(parent, &layer, created_by)))
        })
    }
}
