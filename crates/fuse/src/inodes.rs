//! The inode table: the kernel's inode numbers for the merged tree. A file's
//! number comes from the (st_dev, st_ino) of the layer file it was first seen
//! in, is kept for the server's life (stable across lookups and forgets), and
//! follows the file through copy-up. Nodes live while the kernel holds lookups.

use super::data::DataFd;
use super::dir::Entry;
use super::layers::Mask;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Integer keys need no DoS-resistant hash: a multiply-xorshift is enough.
#[derive(Default)]
pub(super) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        let x = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^ (x >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(23) ^ n;
    }
}

type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// What the server knows about one inode of the merged tree.
#[derive(Debug, Clone)]
pub(super) struct NodeState {
    /// Its names, relative to the roots; the first is used for path calls.
    /// Several after hard links; empty once every name is gone.
    pub paths: Vec<Vec<u8>>,
    /// The top-most layer holding it (0 once copied up).
    pub layer: usize,
    /// For a folder: the lower layers merged into it.
    pub lowers: Mask,
    pub is_dir: bool,
    /// Once the last name is gone: an fd of the file, for the files still open
    /// (read-write for regular upper files, read-only for lower ones, O_PATH
    /// for the rest).
    pub orphan: Option<Arc<std::os::fd::OwnedFd>>,
}

impl NodeState {
    /// For a folder: every layer whose folder is part of the merge.
    pub(super) fn mask(&self) -> Mask {
        1 | (1u128 << self.layer) | self.lowers
    }

    pub(super) fn path(&self) -> Option<&[u8]> {
        self.paths.first().map(|p| p.as_slice())
    }
}

pub(super) struct Node {
    pub ino: u64,
    lookups: AtomicU64,
    pub state: RwLock<NodeState>,
    /// The fd its reads and writes use (data.rs); taken before `state` when both are.
    pub data: Mutex<Option<DataFd>>,
    /// A folder's listing being read (dir.rs).
    pub listing: Mutex<Option<Arc<Vec<Entry>>>>,
}

impl Node {
    fn new(ino: u64, lookups: u64, state: NodeState) -> Node {
        Node { ino, lookups: AtomicU64::new(lookups), state: RwLock::new(state), data: Mutex::new(None), listing: Mutex::new(None) }
    }
}

pub(super) struct Inodes {
    nodes: RwLock<IntMap<u64, Arc<Node>>>,
    keys: Mutex<HashMap<(u64, u64), u64, BuildHasherDefault<IntHasher>>>,
    next: AtomicU64,
}

impl Inodes {
    /// A table holding the root (inode 1).
    pub(super) fn new(root: NodeState, root_key: (u64, u64)) -> Inodes {
        let t = Inodes { nodes: RwLock::new(IntMap::default()), keys: Mutex::new(HashMap::default()), next: AtomicU64::new(2) };
        t.keys.lock().insert(root_key, 1);
        // The root is never forgotten: it starts with one lookup the kernel never drops.
        t.nodes.write().insert(1, Arc::new(Node::new(1, 1, root)));
        t
    }

    pub(super) fn get(&self, ino: u64) -> Option<Arc<Node>> {
        self.nodes.read().get(&ino).cloned()
    }

    /// The inode number of a layer file, allocated on first sight.
    pub(super) fn ino_for(&self, dev: u64, ino: u64) -> u64 {
        let mut keys = self.keys.lock();
        *keys.entry((dev, ino)).or_insert_with(|| self.next.fetch_add(1, Ordering::Relaxed))
    }

    /// After copy-up: the upper file keeps the number of the lower one.
    pub(super) fn alias(&self, dev: u64, ino: u64, our: u64) {
        self.keys.lock().insert((dev, ino), our);
    }

    /// The layer file is gone for good: its (dev, ino) may be reused by a new file.
    pub(super) fn drop_key(&self, dev: u64, ino: u64) {
        self.keys.lock().remove(&(dev, ino));
    }

    /// A lookup of `ino` at `path`: counts it and records the path.
    pub(super) fn remember(&self, ino: u64, path: &[u8], layer: usize, lowers: Mask, is_dir: bool) -> Arc<Node> {
        let mut nodes = self.nodes.write();
        if let Some(n) = nodes.get(&ino) {
            n.lookups.fetch_add(1, Ordering::Relaxed);
            let n = n.clone();
            drop(nodes);
            let mut st = n.state.write();
            if !st.paths.iter().any(|p| p == path) {
                // A new name of a hard-linked file, or the old one came back.
                st.paths.insert(0, path.to_vec());
            } else if st.path() != Some(path) {
                // Prefer the name the kernel used last.
                let i = st.paths.iter().position(|p| p == path).unwrap_or(0);
                st.paths.swap(0, i);
            }
            // A lookup that raced with a copy-up may report the older layer: keep the newer.
            if layer <= st.layer || st.is_dir != is_dir {
                st.layer = layer;
                st.lowers = lowers;
                st.is_dir = is_dir;
            }
            drop(st);
            return n;
        }
        let n = Arc::new(Node::new(ino, 1, NodeState { paths: vec![path.to_vec()], layer, lowers, is_dir, orphan: None }));
        nodes.insert(ino, n.clone());
        n
    }

    /// One more lookup of a known node (a hard link's entry reply).
    pub(super) fn add_lookup(&self, node: &Node) {
        node.lookups.fetch_add(1, Ordering::Relaxed);
    }

    /// The kernel dropped `n` lookups of `ino`.
    pub(super) fn forget(&self, ino: u64, n: u64) {
        if ino == 1 {
            return;
        }
        let mut nodes = self.nodes.write();
        if let Some(node) = nodes.get(&ino) {
            let prev = node.lookups.fetch_sub(n.min(node.lookups.load(Ordering::Relaxed)), Ordering::Relaxed);
            if prev <= n {
                nodes.remove(&ino);
            }
        }
    }

    /// Every node (for renames of folders, which move their descendants).
    pub(super) fn all(&self) -> Vec<Arc<Node>> {
        self.nodes.read().values().cloned().collect()
    }

    /// The node of a layer file if the kernel holds it.
    pub(super) fn node_of_key(&self, dev: u64, ino: u64) -> Option<Arc<Node>> {
        let our = *self.keys.lock().get(&(dev, ino))?;
        self.get(our)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> NodeState {
        NodeState { paths: vec![Vec::new()], layer: 0, lowers: 0, is_dir: true, orphan: None }
    }

    #[test]
    fn numbers_are_stable_per_layer_file() {
        let t = Inodes::new(root(), (1, 2));
        let a = t.ino_for(1, 10);
        assert_eq!(t.ino_for(1, 10), a);
        assert_ne!(t.ino_for(1, 11), a);
        assert_eq!(t.ino_for(1, 2), 1);
        t.alias(7, 99, a);
        assert_eq!(t.ino_for(7, 99), a);
        t.drop_key(7, 99);
        assert_ne!(t.ino_for(7, 99), a);
    }

    #[test]
    fn nodes_live_while_looked_up() {
        let t = Inodes::new(root(), (1, 2));
        let a = t.ino_for(1, 10);
        t.remember(a, b"x", 1, 0, false);
        t.remember(a, b"y", 0, 0, false);
        let n = t.get(a).unwrap();
        assert_eq!(n.state.read().path(), Some(&b"y"[..]));
        assert_eq!(n.state.read().paths.len(), 2);
        assert_eq!(n.state.read().layer, 0);
        t.forget(a, 1);
        assert!(t.get(a).is_some());
        t.forget(a, 1);
        assert!(t.get(a).is_none());
        t.forget(1, 5);
        assert!(t.get(1).is_some());
    }
}
