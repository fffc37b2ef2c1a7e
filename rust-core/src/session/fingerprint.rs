//! The fingerprint of an input's bytes, which keys the redaction tokens: the same bytes
//! give the same tokens, whether read on one thread or two.

use xxhash_rust::xxh3::Xxh3;

/// The fingerprint of an input's bytes, for the redaction key: xxh3-64 of the bytes
/// when they fit in one [`FINGERPRINT_BLOCK`]; beyond, xxh3-64 over the xxh3-64 of each
/// block, so that two threads can fingerprint two parts of one file ([`split`]) and get
/// what one thread reading it all gets. Holds 8 bytes per block of a second part.
#[derive(Default)]
pub(crate) struct Fingerprint {
    block: Xxh3,
    in_block: usize,
    /// Digests of the full blocks so far, folded into `blocks`, or (a second part's
    /// fingerprint) kept in `kept` for the first part to fold in.
    blocks: Xxh3,
    full_blocks: u64,
    keep: bool,
    kept: Vec<u64>,
}

/// Bytes per fingerprint block (a multiple of [`READ_CHUNK`]).
pub(crate) const FINGERPRINT_BLOCK: usize = 1024 * 1024;

impl Fingerprint {
    pub(crate) fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            self.close_full_block();
            let take = bytes.len().min(FINGERPRINT_BLOCK - self.in_block);
            self.block.update(&bytes[..take]);
            self.in_block += take;
            bytes = &bytes[take..];
        }
    }

    /// A full block is closed lazily, when more bytes (or blocks) follow it: an input of
    /// exactly one block keeps the plain xxh3.
    fn close_full_block(&mut self) {
        if self.in_block == FINGERPRINT_BLOCK {
            self.block_done(self.block.digest());
            self.block.reset();
            self.in_block = 0;
        }
    }

    fn block_done(&mut self, digest: u64) {
        if self.keep {
            self.kept.push(digest);
        } else {
            self.blocks.update(&digest.to_le_bytes());
        }
        self.full_blocks += 1;
    }

    /// A second part's fingerprint, starting on a block boundary.
    pub(crate) fn second_part() -> Self {
        Fingerprint {
            keep: true,
            ..Fingerprint::default()
        }
    }

    /// Appends `second` (read from the block boundary where this one stopped).
    pub(crate) fn append(&mut self, mut second: Fingerprint) {
        if second.in_block > 0 {
            second.block_done(second.block.digest());
        }
        for d in second.kept {
            // This part ends on a block boundary: its last block is full.
            self.close_full_block();
            self.block_done(d);
        }
    }

    pub(crate) fn digest(&self) -> u64 {
        if self.full_blocks == 0 {
            return self.block.digest();
        }
        let mut all = self.blocks.clone();
        if self.in_block > 0 {
            all.update(&self.block.digest().to_le_bytes());
        }
        all.digest()
    }
}
