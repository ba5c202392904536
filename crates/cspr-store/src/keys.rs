//! Key material: the master key from configuration, the key-encryption key derived from it, and
//! the per-case data keys that seal personal data (envelope encryption, XChaCha20-Poly1305).
//! Destroying a case's wrapped key erases its personal data while the events stay in place.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroize;

use crate::StoreError;

/// Layout version of every sealed value: `1 || nonce (24 bytes) || ciphertext+tag`.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// The 32-byte master key that wraps every case key; kept in memory only inside a zeroising box.
pub struct MasterKey(SecretBox<[u8; 32]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// Wraps 32 key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        let mut bytes = bytes;
        let key = MasterKey(SecretBox::init_with_mut(|k: &mut [u8; 32]| {
            k.copy_from_slice(&bytes);
        }));
        bytes.zeroize();
        key
    }

    /// A fresh random key from the operating system's generator.
    pub fn generate() -> MasterKey {
        MasterKey(random_key())
    }

    /// Reads the key file (64 hex digits, or 32 raw bytes), creating it with mode 0600 and a
    /// random key when it does not exist yet.
    ///
    /// A file that anyone but its owner may read or write is refused: the key opens every
    /// case.
    pub fn load_or_create(path: &Path) -> Result<MasterKey, StoreError> {
        match fs::read(path) {
            Ok(bytes) => {
                check_private(path)?;
                Self::parse_file(path, bytes)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Self::create_file(path),
            Err(e) => Err(StoreError::Config(format!(
                "The master key file {} could not be read: {e}.",
                path.display()
            ))),
        }
    }

    fn parse_file(path: &Path, mut bytes: Vec<u8>) -> Result<MasterKey, StoreError> {
        let result = read_key_bytes(&bytes).map(MasterKey::from_bytes).ok_or_else(|| {
            StoreError::Config(format!(
                "The master key file {} must hold exactly 32 bytes, raw or as 64 hexadecimal digits.",
                path.display()
            ))
        });
        bytes.zeroize();
        result
    }

    fn create_file(path: &Path) -> Result<MasterKey, StoreError> {
        let cannot = |e: io::Error| {
            StoreError::Config(format!(
                "The master key file {} could not be created: {e}.",
                path.display()
            ))
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(cannot)?;
        }
        let key = MasterKey::generate();
        let mut text = hex::encode(key.0.expose_secret());
        text.push('\n');
        let created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        let outcome = match created {
            Ok(mut file) => file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .map(|()| key)
                .map_err(cannot),
            // Another process created it first: use theirs.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let bytes = fs::read(path).map_err(cannot)?;
                Self::parse_file(path, bytes)
            }
            Err(e) => Err(cannot(e)),
        };
        text.zeroize();
        outcome
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

/// Refuses a key file its group or other users may read or write.
fn check_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|e| {
            StoreError::Config(format!(
                "The master key file {} could not be read: {e}.",
                path.display()
            ))
        })?
        .permissions()
        .mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    Err(StoreError::Config(format!(
        "The master key file {} may be read or changed by other users (mode {:o}): make it \
         private to the service's user with `chmod 600 {}`.",
        path.display(),
        mode & 0o777,
        path.display()
    )))
}

/// Reads 32 raw bytes, or 64 hex digits surrounded by optional whitespace.
pub(crate) fn read_key_bytes(bytes: &[u8]) -> Option<[u8; 32]> {
    if bytes.len() == 32 {
        let mut out = [0u8; 32];
        out.copy_from_slice(bytes);
        return Some(out);
    }
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

fn random_key() -> SecretBox<[u8; 32]> {
    SecretBox::init_with_mut(|k: &mut [u8; 32]| OsRng.fill_bytes(k))
}

/// Keys derived from the master key for one open store.
pub(crate) struct Keys {
    kek: SecretBox<[u8; 32]>,
    check: String,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

impl Keys {
    /// Derives the key-encryption key and the key-check value with HKDF-SHA256.
    pub(crate) fn derive(master: &MasterKey) -> Keys {
        let hk = Hkdf::<Sha256>::new(Some(b"cspr-store"), master.expose());
        let kek = SecretBox::init_with_mut(|k: &mut [u8; 32]| {
            // 32 bytes is far below HKDF-SHA256's output limit, so expand cannot fail.
            let _ = hk.expand(b"cspr case-key wrapping v1", k);
        });
        let mut check = [0u8; 32];
        let _ = hk.expand(b"cspr master-key check v1", &mut check);
        let keys = Keys {
            kek,
            check: hex::encode(check),
        };
        check.zeroize();
        keys
    }

    /// Seals a short-lived value kept outside any case (a sign-in ceremony in progress) under
    /// the key-encryption key; `aad` names what it is and binds it to its row.
    pub(crate) fn seal_transient(
        &self,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        seal_with(self.kek.expose_secret(), aad, plaintext)
    }

    /// Opens a value sealed by [`Keys::seal_transient`] with the same `aad`.
    pub(crate) fn open_transient(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        open_with(self.kek.expose_secret(), aad, sealed)
    }

    /// A value that identifies the master key without revealing it; stored in `meta`.
    pub(crate) fn check_value(&self) -> &str {
        &self.check
    }

    /// A new random data key for a case, and its wrapped form for the `case_keys` table.
    pub(crate) fn new_case_key(&self, case_id: Uuid) -> Result<(CaseKey, Vec<u8>), StoreError> {
        let key = CaseKey(random_key());
        let wrapped = seal_with(
            self.kek.expose_secret(),
            &wrap_aad(case_id),
            key.0.expose_secret(),
        )?;
        Ok((key, wrapped))
    }

    /// Unwraps a case key read from `case_keys`.
    pub(crate) fn unwrap_case_key(
        &self,
        case_id: Uuid,
        wrapped: &[u8],
    ) -> Result<CaseKey, StoreError> {
        let mut plain = open_with(self.kek.expose_secret(), &wrap_aad(case_id), wrapped)
            .map_err(|_| StoreError::Corrupt("a case key could not be unwrapped".into()))?;
        let out = read_exact_key(&plain);
        plain.zeroize();
        out.map(|k| CaseKey(SecretBox::init_with_mut(|slot: &mut [u8; 32]| *slot = k)))
            .ok_or_else(|| StoreError::Corrupt("a case key has the wrong length".into()))
    }
}

impl Keys {
    /// A new random chain secret, and its wrapped form for `meta` (`chain_key`). The chains'
    /// keys are derived from it, not from the master key directly, so a rotation of the master
    /// key re-wraps it and every link and anchor written before stays valid.
    pub(crate) fn new_chain_secret(&self) -> Result<(ChainKeys, Vec<u8>), StoreError> {
        let secret = random_key();
        let wrapped = seal_with(
            self.kek.expose_secret(),
            CHAIN_SECRET_AAD,
            secret.expose_secret(),
        )?;
        Ok((ChainKeys::derive(secret.expose_secret()), wrapped))
    }

    /// Unwraps the chain secret read from `meta` and derives the chains' keys from it.
    pub(crate) fn unwrap_chain_secret(&self, wrapped: &[u8]) -> Result<ChainKeys, StoreError> {
        let mut plain =
            open_with(self.kek.expose_secret(), CHAIN_SECRET_AAD, wrapped).map_err(|_| {
                StoreError::Corrupt("the hash chains' key could not be unwrapped".into())
            })?;
        let secret = read_exact_key(&plain);
        plain.zeroize();
        let mut secret = secret.ok_or_else(|| {
            StoreError::Corrupt("the hash chains' key has the wrong length".into())
        })?;
        let keys = ChainKeys::derive(&secret);
        secret.zeroize();
        Ok(keys)
    }

    /// Re-wraps a wrapped key from this key-encryption key to `new`'s, keeping its binding
    /// (case id, account or chain) unchanged: the key itself does not change.
    pub(crate) fn rewrap(
        &self,
        new: &Keys,
        binding: WrapBinding,
        wrapped: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        let aad = binding.aad();
        let mut plain = open_with(self.kek.expose_secret(), &aad, wrapped)
            .map_err(|_| StoreError::Corrupt("a wrapped key could not be unwrapped".into()))?;
        let out = seal_with(new.kek.expose_secret(), &aad, &plain);
        plain.zeroize();
        out
    }
}

/// What a wrapped key is bound to, through the associated data of its wrapping.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WrapBinding {
    /// A case's data key, or an account's TOTP key (under its derived id).
    Case(Uuid),
    /// The hash chains' secret.
    ChainSecret,
}

impl WrapBinding {
    fn aad(self) -> Vec<u8> {
        match self {
            WrapBinding::Case(id) => wrap_aad(id),
            WrapBinding::ChainSecret => CHAIN_SECRET_AAD.to_vec(),
        }
    }
}

/// Associated data of the wrapped chain secret: nothing else wrapped can stand in for it.
const CHAIN_SECRET_AAD: &[u8] = b"cspr-chain-secret\0";

/// The keys of the two hash chains, derived with HKDF-SHA256 from the chain secret, each with
/// its own info string: one keys every link (HMAC-SHA256), one signs anchors, and one keys the
/// pseudonyms of typed identifiers (the chain secret is random, wrapped by the key-encryption
/// key and kept through a master-key rotation, so a pseudonym stays the same across one).
pub(crate) struct ChainKeys {
    link: SecretBox<[u8; 32]>,
    anchor: SecretBox<[u8; 32]>,
    pseudonym: SecretBox<[u8; 32]>,
}

impl fmt::Debug for ChainKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKeys([redacted])")
    }
}

impl ChainKeys {
    fn derive(secret: &[u8; 32]) -> ChainKeys {
        let hk = Hkdf::<Sha256>::new(Some(b"cspr-chains"), secret);
        // 32 bytes is far below HKDF-SHA256's output limit, so expand cannot fail.
        let link = SecretBox::init_with_mut(|k: &mut [u8; 32]| {
            let _ = hk.expand(b"cspr chain link hmac v1", k);
        });
        let anchor = SecretBox::init_with_mut(|k: &mut [u8; 32]| {
            let _ = hk.expand(b"cspr chain anchor hmac v1", k);
        });
        let pseudonym = SecretBox::init_with_mut(|k: &mut [u8; 32]| {
            let _ = hk.expand(b"cspr pseudonym blake3 v1", k);
        });
        ChainKeys {
            link,
            anchor,
            pseudonym,
        }
    }

    /// The key of the pseudonyms of identifiers people type (`Store::pseudonym`).
    pub(crate) fn pseudonym(&self) -> &[u8; 32] {
        self.pseudonym.expose_secret()
    }

    /// The key every chain link is an HMAC under.
    pub(crate) fn link(&self) -> &[u8; 32] {
        self.link.expose_secret()
    }

    /// The key anchors are signed with.
    pub(crate) fn anchor(&self) -> &[u8; 32] {
        self.anchor.expose_secret()
    }
}

fn read_exact_key(bytes: &[u8]) -> Option<[u8; 32]> {
    (bytes.len() == 32).then(|| {
        let mut k = [0u8; 32];
        k.copy_from_slice(bytes);
        k
    })
}

fn wrap_aad(case_id: Uuid) -> Vec<u8> {
    let mut aad = b"cspr-case-key\0".to_vec();
    aad.extend_from_slice(case_id.as_bytes());
    aad
}

/// A case's data key.
pub(crate) struct CaseKey(SecretBox<[u8; 32]>);

impl fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseKey([redacted])")
    }
}

impl CaseKey {
    /// Encrypts with a fresh random nonce, binding the ciphertext to `aad`.
    pub(crate) fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        seal_with(self.0.expose_secret(), aad, plaintext)
    }

    /// Decrypts a value sealed with the same `aad`.
    pub(crate) fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        open_with(self.0.expose_secret(), aad, sealed)
    }
}

/// Associated data of an event's sealed payload: the row's stream and version.
pub(crate) fn event_aad(stream_id: Uuid, version: u64) -> Vec<u8> {
    let mut aad = b"cspr-event\0".to_vec();
    aad.extend_from_slice(stream_id.as_bytes());
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

/// Associated data of a blob's sealed parts: the blob, its case and which part.
pub(crate) fn blob_aad(blob_id: Uuid, case_id: Uuid, part: &str) -> Vec<u8> {
    let mut aad = b"cspr-blob\0".to_vec();
    aad.extend_from_slice(blob_id.as_bytes());
    aad.extend_from_slice(case_id.as_bytes());
    aad.extend_from_slice(part.as_bytes());
    aad
}

fn seal_with(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| StoreError::Crypto("a value could not be encrypted".into()))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(SEALED_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

fn open_with(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
    let damaged = || StoreError::Corrupt("an encrypted value failed its authenticity check".into());
    if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != SEALED_V1 {
        return Err(damaged());
    }
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let nonce = XNonce::from_slice(&sealed[1..=NONCE_LEN]);
    cipher
        .decrypt(
            nonce,
            Payload {
                msg: &sealed[1 + NONCE_LEN..],
                aad,
            },
        )
        .map_err(|_| damaged())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_are_bound_to_their_row() {
        let keys = Keys::derive(&MasterKey::from_bytes([7; 32]));
        let case = Uuid::new_v4();
        let (key, wrapped) = keys.new_case_key(case).unwrap();
        let sealed = key.seal(&event_aad(case, 1), b"secret").unwrap();
        assert_eq!(key.open(&event_aad(case, 1), &sealed).unwrap(), b"secret");
        assert!(key.open(&event_aad(case, 2), &sealed).is_err());
        let again = keys.unwrap_case_key(case, &wrapped).unwrap();
        assert_eq!(again.open(&event_aad(case, 1), &sealed).unwrap(), b"secret");
        assert!(keys.unwrap_case_key(Uuid::new_v4(), &wrapped).is_err());
    }

    /// Issue 16, finding 12: a re-wrapped key opens with the new key-encryption key only, and
    /// is still bound to its case.
    #[test]
    fn rewrapped_keys_open_with_the_new_key_only() {
        let old = Keys::derive(&MasterKey::from_bytes([7; 32]));
        let new = Keys::derive(&MasterKey::from_bytes([8; 32]));
        let case = Uuid::new_v4();
        let (key, wrapped) = old.new_case_key(case).unwrap();
        let sealed = key.seal(&event_aad(case, 1), b"secret").unwrap();
        let rewrapped = old.rewrap(&new, WrapBinding::Case(case), &wrapped).unwrap();
        let again = new.unwrap_case_key(case, &rewrapped).unwrap();
        assert_eq!(again.open(&event_aad(case, 1), &sealed).unwrap(), b"secret");
        assert!(old.unwrap_case_key(case, &rewrapped).is_err());
        assert!(new.unwrap_case_key(Uuid::new_v4(), &rewrapped).is_err());
        assert!(
            old.rewrap(&new, WrapBinding::ChainSecret, &wrapped)
                .is_err(),
            "a case key is not a chain secret"
        );
        let (_, chain) = old.new_chain_secret().unwrap();
        let chain = old.rewrap(&new, WrapBinding::ChainSecret, &chain).unwrap();
        assert!(new.unwrap_chain_secret(&chain).is_ok());
        assert!(old.unwrap_chain_secret(&chain).is_err());
    }

    #[test]
    fn key_files_accept_hex_or_raw() {
        assert_eq!(read_key_bytes(&[1u8; 32]), Some([1u8; 32]));
        let hex = format!("{}\n", "ab".repeat(32));
        assert_eq!(read_key_bytes(hex.as_bytes()), Some([0xab; 32]));
        assert_eq!(read_key_bytes(b"abcd"), None);
    }

    #[test]
    fn load_or_create_writes_a_private_file_and_reads_it_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("cspr-key-{}", Uuid::new_v4()));
        let path = dir.join("nested").join("master.key");
        let first = MasterKey::load_or_create(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let second = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(first.expose(), second.expose());
        fs::write(&path, b"too short").unwrap();
        let err = MasterKey::load_or_create(&path).unwrap_err();
        assert!(matches!(err, StoreError::Config(_)), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Issue 16, finding 12: the master key file's permissions were not checked, so a key any
    /// user of the machine could read was used as it was. A file that others may read or write
    /// is refused, naming the fix; once private, it is read.
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("cspr-key-{}", Uuid::new_v4()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("master.key");
        fs::write(&path, format!("{}\n", "ab".repeat(32))).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o620] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = MasterKey::load_or_create(&path).unwrap_err();
            assert!(
                matches!(&err, StoreError::Config(m) if m.contains("chmod 600")),
                "{mode:o}: {err}"
            );
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            MasterKey::load_or_create(&path).unwrap().expose(),
            &[0xab; 32]
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        assert!(
            MasterKey::load_or_create(&path).is_ok(),
            "read-only for its owner"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
