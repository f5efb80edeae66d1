//! An append-only file of byte blobs, so that content and shingle sets live on
//! disk between stages instead of in memory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{Error, Result};

/// Where a blob is in a [`BlobStore`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BlobRef {
    /// Byte offset in the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
}

/// An append-only blob file: [`BlobStore::append`] from any thread while
/// writing, then [`BlobStore::read`] once [`BlobStore::finish`] was called.
#[derive(Debug)]
pub struct BlobStore {
    path: PathBuf,
    writer: Mutex<Option<(BufWriter<File>, u64)>>,
    reader: File,
}

impl BlobStore {
    /// Creates (or truncates) the blob file at `path`.
    pub fn create(path: &Path) -> Result<BlobStore> {
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let file = File::create(path).map_err(io)?;
        let reader = File::open(path).map_err(io)?;
        Ok(BlobStore {
            path: path.to_owned(),
            writer: Mutex::new(Some((BufWriter::with_capacity(1 << 20, file), 0))),
            reader,
        })
    }

    /// Opens a finished blob file for reading only: one written by another
    /// process (a shard task) and closed.
    pub fn open(path: &Path) -> Result<BlobStore> {
        let reader = File::open(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Ok(BlobStore {
            path: path.to_owned(),
            writer: Mutex::new(None),
            reader,
        })
    }

    /// Appends `bytes` and says where they are.
    pub fn append(&self, bytes: &[u8]) -> Result<BlobRef> {
        let mut guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some((writer, offset)) = guard.as_mut() else {
            return Err(self.io(std::io::Error::other("blob store already finished")));
        };
        writer.write_all(bytes).map_err(|e| self.io(e))?;
        let blob = BlobRef {
            offset: *offset,
            len: bytes.len() as u64,
        };
        *offset += bytes.len() as u64;
        Ok(blob)
    }

    /// Appends `values` as little-endian bytes, in chunks, without an
    /// intermediate copy of the whole slice.
    pub fn append_u64s(&self, values: &[u64]) -> Result<BlobRef> {
        let mut guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some((writer, offset)) = guard.as_mut() else {
            return Err(self.io(std::io::Error::other("blob store already finished")));
        };
        let mut chunk = Vec::with_capacity(8 * 1024);
        for values in values.chunks(1024) {
            chunk.clear();
            values.iter().for_each(|v| chunk.extend_from_slice(&v.to_le_bytes()));
            writer.write_all(&chunk).map_err(|e| self.io(e))?;
        }
        let len = 8 * values.len() as u64;
        let blob = BlobRef { offset: *offset, len };
        *offset += len;
        Ok(blob)
    }

    /// Flushes what was appended and syncs it to disk; from now on the
    /// store is read-only.
    pub fn finish(&self) -> Result<()> {
        let mut guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((mut writer, _)) = guard.take() {
            writer.flush().map_err(|e| self.io(e))?;
            writer.get_ref().sync_all().map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    /// Reads a blob into `buf` (cleared first). Call after [`finish`](Self::finish).
    pub fn read_into(&self, blob: BlobRef, buf: &mut Vec<u8>) -> Result<()> {
        buf.clear();
        buf.resize(blob.len as usize, 0);
        self.reader.read_exact_at(buf, blob.offset).map_err(|e| self.io(e))
    }

    /// Reads a blob. Call after [`finish`](Self::finish).
    pub fn read(&self, blob: BlobRef) -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        self.read_into(blob, &mut buf)?;
        Ok(buf)
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::create(&dir.path().join("blobs")).unwrap();
        let a = store.append(b"hello").unwrap();
        let b = store.append(b"").unwrap();
        let c = store.append(b"world!").unwrap();
        let d = store.append_u64s(&(0..3000u64).collect::<Vec<_>>()).unwrap();
        store.finish().unwrap();
        assert_eq!(store.read(a).unwrap(), b"hello");
        assert_eq!(store.read(b).unwrap(), b"");
        assert_eq!(store.read(c).unwrap(), b"world!");
        let read = store.read(d).unwrap();
        assert_eq!(read.len(), 24_000);
        assert_eq!(u64::from_le_bytes(read[8 * 2999..].try_into().unwrap()), 2999);
        assert!(store.append(b"late").is_err());
    }
}
