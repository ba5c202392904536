//! Encrypted backups: the canonical export sealed with XChaCha20-Poly1305 in authenticated
//! chunks (the STREAM construction, so truncation and reordering are caught), under a key from
//! a passphrase (argon2id) or a 32-byte key file. A restore imports inside one transaction.
//!
//! File layout: header (magic `CSPRBAK1`, format version, KDF id, argon2 m/t/p, 16-byte salt,
//! 19-byte nonce prefix, chunk size, 32-byte key check) followed by the sealed chunks; every
//! chunk carries the whole header as associated data.

use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::Zeroize;

use crate::export::DamagedInput;
use crate::keys::read_key_bytes;
use crate::{Store, StoreError};

const MAGIC: &[u8; 8] = b"CSPRBAK1";
const VERSION: u8 = 1;
const KDF_ARGON2ID: u8 = 1;
const KDF_KEY_FILE: u8 = 2;
const SALT_LEN: usize = 16;
const PREFIX_LEN: usize = 19;
const CHECK_LEN: usize = 32;
/// Bytes of the header before the key check.
const HEADER_BODY_LEN: usize = 8 + 1 + 1 + 4 + 4 + 4 + SALT_LEN + PREFIX_LEN + 4;
const HEADER_LEN: usize = HEADER_BODY_LEN + CHECK_LEN;
const TAG_LEN: usize = 16;
/// Plaintext bytes per chunk.
const CHUNK: usize = 64 * 1024;

/// argon2id cost for new backups: 64 MiB, 3 passes, 1 lane (above the OWASP minimums).
const ARGON2_M_KIB: u32 = 64 * 1024;
const ARGON2_T: u32 = 3;
const ARGON2_P: u32 = 1;
/// The most a backup header may ask of a restore, so a forged header cannot exhaust memory.
const ARGON2_MAX_M_KIB: u32 = 1024 * 1024;
const ARGON2_MAX_T: u32 = 16;
const ARGON2_MAX_P: u32 = 8;

/// What opens a backup: a passphrase (stretched with argon2id) or a 32-byte key file.
pub enum BackupSecret {
    /// A passphrase typed by the operator.
    Passphrase(SecretString),
    /// 32 key bytes, usually read from a key file.
    Key(SecretBox<[u8; 32]>),
}

impl fmt::Debug for BackupSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackupSecret::Passphrase(_) => "BackupSecret::Passphrase([redacted])",
            BackupSecret::Key(_) => "BackupSecret::Key([redacted])",
        })
    }
}

impl BackupSecret {
    /// A passphrase; refused when empty.
    pub fn passphrase(passphrase: impl Into<String>) -> Result<BackupSecret, StoreError> {
        let passphrase: String = passphrase.into();
        if passphrase.is_empty() {
            return Err(StoreError::Invalid(
                "The backup passphrase is empty.".into(),
            ));
        }
        Ok(BackupSecret::Passphrase(SecretString::from(passphrase)))
    }

    /// Reads a key file holding 32 raw bytes or 64 hexadecimal digits.
    pub fn key_file(path: &Path) -> Result<BackupSecret, StoreError> {
        let mut bytes = fs::read(path).map_err(|e| {
            StoreError::Config(format!(
                "The backup key file {} could not be read: {e}.",
                path.display()
            ))
        })?;
        let key = read_key_bytes(&bytes);
        bytes.zeroize();
        let mut key = key.ok_or_else(|| {
            StoreError::Config(format!(
                "The backup key file {} must hold exactly 32 bytes, raw or as 64 hexadecimal digits.",
                path.display()
            ))
        })?;
        let secret = BackupSecret::Key(SecretBox::init_with_mut(|k: &mut [u8; 32]| *k = key));
        key.zeroize();
        Ok(secret)
    }

    fn kdf_id(&self) -> u8 {
        match self {
            BackupSecret::Passphrase(_) => KDF_ARGON2ID,
            BackupSecret::Key(_) => KDF_KEY_FILE,
        }
    }
}

/// The parsed fixed-size header.
#[derive(Debug, Clone)]
struct Header {
    kdf: u8,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: [u8; SALT_LEN],
    prefix: [u8; PREFIX_LEN],
    chunk: u32,
}

impl Header {
    fn body(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(HEADER_BODY_LEN);
        b.extend_from_slice(MAGIC);
        b.push(VERSION);
        b.push(self.kdf);
        b.extend_from_slice(&self.m_kib.to_be_bytes());
        b.extend_from_slice(&self.t.to_be_bytes());
        b.extend_from_slice(&self.p.to_be_bytes());
        b.extend_from_slice(&self.salt);
        b.extend_from_slice(&self.prefix);
        b.extend_from_slice(&self.chunk.to_be_bytes());
        b
    }

    fn parse(bytes: &[u8; HEADER_LEN]) -> Result<Header, StoreError> {
        if &bytes[..8] != MAGIC {
            return Err(StoreError::Invalid("The file is not a cspr backup.".into()));
        }
        if bytes[8] != VERSION {
            return Err(StoreError::Invalid(
                "The backup was written by an incompatible version of cspr.".into(),
            ));
        }
        let u32_at = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&bytes[at..at + 4]);
            u32::from_be_bytes(b)
        };
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&bytes[22..22 + SALT_LEN]);
        let mut prefix = [0u8; PREFIX_LEN];
        prefix.copy_from_slice(&bytes[22 + SALT_LEN..22 + SALT_LEN + PREFIX_LEN]);
        let header = Header {
            kdf: bytes[9],
            m_kib: u32_at(10),
            t: u32_at(14),
            p: u32_at(18),
            salt,
            prefix,
            chunk: u32_at(22 + SALT_LEN + PREFIX_LEN),
        };
        let damaged = || StoreError::Corrupt("the backup file's header is damaged".into());
        if !(1024..=16 * 1024 * 1024).contains(&header.chunk) {
            return Err(damaged());
        }
        if header.kdf == KDF_ARGON2ID
            && (header.m_kib > ARGON2_MAX_M_KIB
                || header.t > ARGON2_MAX_T
                || header.p > ARGON2_MAX_P)
        {
            return Err(damaged());
        }
        if header.kdf != KDF_ARGON2ID && header.kdf != KDF_KEY_FILE {
            return Err(damaged());
        }
        Ok(header)
    }
}

/// The two keys of one backup file.
struct FileKeys {
    encryption: SecretBox<[u8; 32]>,
    check: [u8; CHECK_LEN],
}

/// Derives the file's keys from the secret; argon2id runs on a blocking thread.
async fn derive_keys(secret: &BackupSecret, header: &Header) -> Result<FileKeys, StoreError> {
    if secret.kdf_id() != header.kdf {
        return Err(StoreError::WrongBackupSecret);
    }
    let root: SecretBox<[u8; 32]> = match secret {
        BackupSecret::Key(key) => {
            let key = *key.expose_secret();
            let salt = header.salt;
            SecretBox::init_with_mut(move |out: &mut [u8; 32]| {
                let derived = blake3::keyed_hash(&key, &salt);
                out.copy_from_slice(derived.as_bytes());
            })
        }
        BackupSecret::Passphrase(pass) => {
            let pass = SecretString::from(pass.expose_secret().to_owned());
            let header = header.clone();
            tokio::task::spawn_blocking(move || argon2id(&pass, &header))
                .await
                .map_err(|_| {
                    StoreError::Crypto("the backup key derivation was interrupted".into())
                })??
        }
    };
    let root_bytes = root.expose_secret();
    let encryption = SecretBox::init_with_mut(|k: &mut [u8; 32]| {
        *k = blake3::derive_key("cspr backup encryption v1", root_bytes);
    });
    let check_key = blake3::derive_key("cspr backup key check v1", root_bytes);
    let check = *blake3::keyed_hash(&check_key, &header.body()).as_bytes();
    Ok(FileKeys { encryption, check })
}

fn argon2id(pass: &SecretString, header: &Header) -> Result<SecretBox<[u8; 32]>, StoreError> {
    let params = argon2::Params::new(header.m_kib, header.t, header.p, Some(32)).map_err(|e| {
        StoreError::Corrupt(format!("the backup's key parameters are unusable: {e}"))
    })?;
    let hasher = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut failure = None;
    let key = SecretBox::init_with_mut(|out: &mut [u8; 32]| {
        if let Err(e) =
            hasher.hash_password_into(pass.expose_secret().as_bytes(), &header.salt, out)
        {
            failure = Some(e);
        }
    });
    match failure {
        None => Ok(key),
        Some(e) => Err(StoreError::Crypto(format!(
            "the backup key could not be derived: {e}"
        ))),
    }
}

/// Encrypts everything written to it into chunks; [`ChunkWriter::finish`] seals the last one.
struct ChunkWriter<W: Write> {
    out: W,
    enc: Option<EncryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    buf: Vec<u8>,
    chunk: usize,
}

impl<W: Write> ChunkWriter<W> {
    fn seal_full_chunks(&mut self) -> io::Result<()> {
        while self.buf.len() > self.chunk {
            let rest = self.buf.split_off(self.chunk);
            let sealed = self.seal_buf(false)?;
            self.buf = rest;
            self.out.write_all(&sealed)?;
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        self.seal_full_chunks()?;
        let sealed = self.seal_buf(true)?;
        self.out.write_all(&sealed)?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Encrypts the buffered plaintext as the next chunk, or as the last one (which ends the
    /// stream), and wipes the plaintext.
    fn seal_buf(&mut self, last: bool) -> io::Result<Vec<u8>> {
        let finished = || io::Error::other("backup writer already finished");
        let payload = Payload {
            msg: &self.buf,
            aad: &self.aad,
        };
        let sealed = if last {
            self.enc.take().ok_or_else(finished)?.encrypt_last(payload)
        } else {
            self.enc
                .as_mut()
                .ok_or_else(finished)?
                .encrypt_next(payload)
        }
        .map_err(|_| io::Error::other("backup encryption failed"))?;
        self.buf.zeroize();
        Ok(sealed)
    }
}

impl<W: Write> Write for ChunkWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        // Keep one full chunk back: only `finish` knows which chunk is the last.
        self.seal_full_chunks()?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Decrypts chunk by chunk; any failure surfaces as an I/O error carrying [`DamagedInput`].
struct ChunkReader<R: BufRead> {
    input: R,
    dec: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    chunk: usize,
    plain: Vec<u8>,
    pos: usize,
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, DamagedInput)
}

impl<R: BufRead> ChunkReader<R> {
    /// Reads and opens the next chunk; false at the end of the stream.
    fn next_chunk(&mut self) -> io::Result<bool> {
        if self.dec.is_none() {
            return Ok(false);
        }
        let want = self.chunk + TAG_LEN;
        let mut sealed = Vec::with_capacity(want);
        (&mut self.input)
            .take(want as u64)
            .read_to_end(&mut sealed)?;
        let is_last = sealed.len() < want || self.input.fill_buf()?.is_empty();
        self.plain.zeroize();
        self.pos = 0;
        let payload = Payload {
            msg: &sealed,
            aad: &self.aad,
        };
        self.plain = if is_last {
            self.dec.take().ok_or_else(damaged)?.decrypt_last(payload)
        } else {
            self.dec.as_mut().ok_or_else(damaged)?.decrypt_next(payload)
        }
        .map_err(|_| damaged())?;
        Ok(true)
    }
}

impl<R: BufRead> Read for ChunkReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.plain.len() {
            if !self.next_chunk()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".partial-{}", uuid::Uuid::new_v4().simple()));
    path.with_file_name(name)
}

impl Store {
    /// Writes an encrypted canonical export to `path` (mode 0600), atomically: the file appears
    /// complete or not at all. The database stays online.
    pub async fn backup_to(&self, path: &Path, secret: &BackupSecret) -> Result<(), StoreError> {
        let mut header = Header {
            kdf: secret.kdf_id(),
            m_kib: ARGON2_M_KIB,
            t: ARGON2_T,
            p: ARGON2_P,
            salt: [0; SALT_LEN],
            prefix: [0; PREFIX_LEN],
            chunk: CHUNK as u32,
        };
        if secret.kdf_id() == KDF_KEY_FILE {
            (header.m_kib, header.t, header.p) = (0, 0, 0);
        }
        OsRng.fill_bytes(&mut header.salt);
        OsRng.fill_bytes(&mut header.prefix);
        let keys = derive_keys(secret, &header).await?;
        let mut full_header = header.body();
        full_header.extend_from_slice(&keys.check);

        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let partial = temp_path(path);
        let result = async {
            let file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&partial)?;
            let mut out = io::BufWriter::new(file);
            out.write_all(&full_header)?;
            let cipher = XChaCha20Poly1305::new(Key::from_slice(keys.encryption.expose_secret()));
            let mut writer = ChunkWriter {
                out,
                enc: Some(EncryptorBE32::from_aead(
                    cipher,
                    header.prefix.as_ref().into(),
                )),
                aad: full_header.clone(),
                buf: Vec::with_capacity(CHUNK * 2),
                chunk: CHUNK,
            };
            let stats = self.export_canonical(&mut writer).await?;
            let out = writer.finish()?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            fs::rename(&partial, path)?;
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                // Make the rename itself durable.
                fs::File::open(dir)?.sync_all()?;
            }
            tracing::info!(rows = stats.total_rows, "encrypted backup written");
            Ok::<(), StoreError>(())
        }
        .await;
        if result.is_err() {
            let _ = fs::remove_file(&partial);
        }
        result
    }

    /// Restores an encrypted backup into this freshly migrated, empty database. A wrong secret,
    /// a truncated or altered file leaves the database as it was (one transaction).
    pub async fn restore_from(&self, path: &Path, secret: &BackupSecret) -> Result<(), StoreError> {
        let file = fs::File::open(path).map_err(|e| {
            StoreError::Config(format!(
                "The backup file {} could not be opened: {e}.",
                path.display()
            ))
        })?;
        let mut input = BufReader::with_capacity(CHUNK + TAG_LEN, file);
        let mut raw = [0u8; HEADER_LEN];
        input.read_exact(&mut raw).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                StoreError::Invalid("The file is too short to be a cspr backup.".into())
            } else {
                StoreError::from(e)
            }
        })?;
        let header = Header::parse(&raw)?;
        let keys = derive_keys(secret, &header).await?;
        let stored_check = blake3::Hash::from_bytes({
            let mut c = [0u8; CHECK_LEN];
            c.copy_from_slice(&raw[HEADER_BODY_LEN..]);
            c
        });
        // blake3::Hash compares in constant time.
        if stored_check != blake3::Hash::from_bytes(keys.check) {
            return Err(StoreError::WrongBackupSecret);
        }
        let cipher = XChaCha20Poly1305::new(Key::from_slice(keys.encryption.expose_secret()));
        let reader = ChunkReader {
            input,
            dec: Some(DecryptorBE32::from_aead(
                cipher,
                header.prefix.as_ref().into(),
            )),
            aad: raw.to_vec(),
            chunk: header.chunk as usize,
            plain: Vec::new(),
            pos: 0,
        };
        self.import_canonical(BufReader::with_capacity(CHUNK, reader))
            .await
    }
}
