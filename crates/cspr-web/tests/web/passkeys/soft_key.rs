//! A software authenticator for the server-side passkey tests: a P-256 key pair that answers
//! WebAuthn ceremonies as a platform authenticator would (attestation "none"), written from
//! the WebAuthn Level 3 byte layouts, with knobs to answer wrongly (another origin, no user
//! verification, a counter that goes backwards). The browser test drives Chromium's own
//! virtual authenticator instead.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// One credential on the software authenticator.
pub struct SoftKey {
    key: SigningKey,
    /// The credential id.
    pub id: Vec<u8>,
    /// The account's user handle, as the relying party gave it at registration.
    pub user_handle: Vec<u8>,
    /// The signature counter the next answer carries.
    pub counter: u32,
    /// The origin the "browser" reports in the client data.
    pub origin: String,
    /// The domain the credential is for.
    pub rp_id: String,
    /// Whether the authenticator says it verified the user (PIN, biometric).
    pub user_verified: bool,
    /// An authenticator that keeps no signature counter (most synced passkeys): every answer
    /// says 0.
    pub no_counter: bool,
}

fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    let major = major << 5;
    if len < 24 {
        out.push(major | u8::try_from(len).expect("small"));
    } else if len < 256 {
        out.push(major | 24);
        out.push(u8::try_from(len).expect("byte"));
    } else {
        out.push(major | 25);
        out.extend(u16::try_from(len).expect("short").to_be_bytes());
    }
}

fn cbor_int(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        cbor_head(out, 0, usize::try_from(v).expect("small"));
    } else {
        cbor_head(out, 1, usize::try_from(-1 - v).expect("small"));
    }
}

fn cbor_bytes(out: &mut Vec<u8>, b: &[u8]) {
    cbor_head(out, 2, b.len());
    out.extend_from_slice(b);
}

fn cbor_text(out: &mut Vec<u8>, s: &str) {
    cbor_head(out, 3, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// A base64url field of the options.
pub fn field(options: &Value, pointer: &str) -> Vec<u8> {
    let text = options
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {options}"));
    B64.decode(text).expect("base64url")
}

impl SoftKey {
    /// A fresh credential (from `seed`, so each test's keys differ) for the site at `origin`.
    pub fn new(seed: u8, origin: &str, rp_id: &str) -> Self {
        let mut secret = [0u8; 32];
        secret[0] = 1;
        secret[31] = seed;
        Self {
            key: SigningKey::from_slice(&secret).expect("key"),
            id: (0..32u8)
                .map(|i| i.wrapping_mul(seed).wrapping_add(seed))
                .collect(),
            user_handle: Vec::new(),
            counter: 1,
            origin: origin.to_owned(),
            rp_id: rp_id.to_owned(),
            user_verified: true,
            no_counter: false,
        }
    }

    fn client_data(&self, kind: &str, challenge: &[u8]) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": B64.encode(challenge),
            "origin": self.origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    fn flags(&self, attested: bool) -> u8 {
        let mut flags = 0x01; // user present
        if self.user_verified {
            flags |= 0x04;
        }
        if attested {
            flags |= 0x40;
        }
        flags
    }

    fn auth_data_head(&self, attested: bool) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(self.flags(attested));
        data.extend(self.counter.to_be_bytes());
        data
    }

    /// The answer to `navigator.credentials.create` with the server's `options` (the
    /// `options` member of its JSON).
    pub fn create(&mut self, options: &Value) -> Value {
        let challenge = field(options, "/publicKey/challenge");
        self.user_handle = field(options, "/publicKey/user/id");
        let client_data = self.client_data("webauthn.create", &challenge);
        let point = self.key.verifying_key().to_sec1_bytes();
        let mut cose = Vec::new();
        cbor_head(&mut cose, 5, 5);
        cbor_int(&mut cose, 1);
        cbor_int(&mut cose, 2); // kty: EC2
        cbor_int(&mut cose, 3);
        cbor_int(&mut cose, -7); // alg: ES256
        cbor_int(&mut cose, -1);
        cbor_int(&mut cose, 1); // crv: P-256
        cbor_int(&mut cose, -2);
        cbor_bytes(&mut cose, &point[1..33]);
        cbor_int(&mut cose, -3);
        cbor_bytes(&mut cose, &point[33..65]);
        let mut auth_data = self.auth_data_head(true);
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend(u16::try_from(self.id.len()).expect("id").to_be_bytes());
        auth_data.extend(&self.id);
        auth_data.extend(cose);
        let mut attestation = Vec::new();
        cbor_head(&mut attestation, 5, 3);
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        cbor_head(&mut attestation, 5, 0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);
        self.answer(json!({
            "attestationObject": B64.encode(attestation),
            "clientDataJSON": B64.encode(client_data),
            "transports": ["internal"],
        }))
    }

    /// The answer to `navigator.credentials.get` with the server's `options`.
    pub fn get(&mut self, options: &Value) -> Value {
        let challenge = field(options, "/publicKey/challenge");
        self.sign(&challenge)
    }

    /// An answer signed over `challenge`, whatever the server asked.
    pub fn sign(&mut self, challenge: &[u8]) -> Value {
        let client_data = self.client_data("webauthn.get", challenge);
        let auth_data = self.auth_data_head(false);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        self.answer(json!({
            "authenticatorData": B64.encode(auth_data),
            "clientDataJSON": B64.encode(client_data),
            "signature": B64.encode(signature.to_der().as_bytes()),
            "userHandle": B64.encode(&self.user_handle),
        }))
    }

    /// A credential as the browser's script sends it, with the authenticator's `response`; the
    /// counter moves on.
    fn answer(&mut self, response: Value) -> Value {
        if !self.no_counter {
            self.counter += 1;
        }
        json!({
            "id": B64.encode(&self.id),
            "rawId": B64.encode(&self.id),
            "type": "public-key",
            "response": response,
        })
    }
}
