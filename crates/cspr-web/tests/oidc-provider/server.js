// A real OpenID Provider (the certified `oidc-provider` package) on loopback, for cspr-web's
// OpenID Connect sign-in test (../oidc.rs). Usage:
//   node server.js <port> <client_id> <client_secret> <redirect_uri>
// Prints "ready" once listening. The development interactions drive login and consent: the
// login name typed becomes the subject; the accounts below say what the ID token claims.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error('usage: node server.js <port> <client_id> <client_secret> <redirect_uri>');
  process.exit(2);
}

const ACCOUNTS = {
  'staff-123': { email: 'oidc.user@example.org', email_verified: true, amr: ['pwd', 'mfa'] },
  'staff-no-mfa': { email: 'no.mfa@example.org', email_verified: true, amr: ['pwd'] },
  // One factor each, whatever its kind: a one-time code alone, a hardware key alone.
  'staff-otp-only': { email: 'otp.only@example.org', email_verified: true, amr: ['otp'] },
  'staff-hwk-only': { email: 'hwk.only@example.org', email_verified: true, amr: ['hwk'] },
  // The organisation's multi-factor said in `acr` (issue 16, finding 11), and another class.
  'staff-acr': { email: 'acr.user@example.org', email_verified: true, amr: ['pwd'], acr: 'urn:cspr:test:mfa' },
  'staff-other-acr': { email: 'acr.other@example.org', email_verified: true, amr: ['pwd'], acr: 'urn:cspr:test:pwd' },
  // Claims the address of a cspr account without the organisation having verified it.
  'staff-unverified': { email: 'oidc.user@example.org', email_verified: false, amr: ['pwd', 'mfa'] },
};
const account = (sub) => ACCOUNTS[sub]
  ?? { email: `${sub}@example.org`, email_verified: true, amr: ['pwd', 'mfa'] };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  // `amr` and `acr` with the subject, so the ID token says how the person signed in.
  claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'] },
  acrValues: ['urn:cspr:test:mfa', 'urn:cspr:test:pwd'],
  // Put the scope's claims in the ID token (cspr reads only the ID token).
  conformIdTokenClaims: false,
  cookies: { keys: ['cspr-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(ctx, sub) {
    const { email, email_verified } = account(sub);
    return { accountId: sub, claims: async () => ({ sub, email, email_verified }) };
  },
});

// The development login knows nothing of authentication methods: say which were used, as a
// real organisation's provider would after a password (and a second factor).
const interactionFinished = provider.interactionFinished.bind(provider);
provider.interactionFinished = (req, res, result, options) => {
  if (result.login) {
    const { amr, acr } = account(result.login.accountId);
    result.login.amr = amr;
    if (acr) {
      result.login.acr = acr;
    }
  }
  return interactionFinished(req, res, result, options);
};

provider.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
