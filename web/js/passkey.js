// Passkeys (cspr-web auth/passkey.rs and routes/passkeys.rs): the browser's half of the three
// WebAuthn ceremonies. Each passkey block on a page is hidden until this script finds that the
// browser can use passkeys; without JavaScript, or in a browser without WebAuthn, the page
// works as before with the password and code.
//
// A block names its ceremony and two addresses: `data-options` (where the server's options
// come from) and `data-finish` (where the authenticator's answer goes). The server keeps what
// it needs to check the answer; the page sends back only the ceremony's id. Binary fields
// travel as base64url both ways.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))
}

const toText = (buffer) => {
  let binary = ''
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const withIds = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }))

// POSTs JSON; follows a redirect the server chose (to confirm who you are, say) by going
// there; returns the answer's JSON, or throws with the server's message.
const post = async (url, body) => {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body)
  })
  if (response.redirected) {
    window.location.assign(response.url)
    return null
  }
  const answer = await response.json().catch(() => ({}))
  if (!response.ok) {
    throw new Error(answer.message || 'Something went wrong. Try again.')
  }
  return answer
}

const register = async (options) => {
  const publicKey = options.publicKey
  const credential = await navigator.credentials.create({
    publicKey: {
      ...publicKey,
      challenge: toBytes(publicKey.challenge),
      user: { ...publicKey.user, id: toBytes(publicKey.user.id) },
      excludeCredentials: withIds(publicKey.excludeCredentials)
    }
  })
  const transports = credential.response.getTransports ? credential.response.getTransports() : []
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      attestationObject: toText(credential.response.attestationObject),
      clientDataJSON: toText(credential.response.clientDataJSON),
      transports
    }
  }
}

const assert = async (options) => {
  const publicKey = options.publicKey
  const credential = await navigator.credentials.get({
    publicKey: {
      ...publicKey,
      challenge: toBytes(publicKey.challenge),
      allowCredentials: withIds(publicKey.allowCredentials)
    }
  })
  const response = credential.response
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      authenticatorData: toText(response.authenticatorData),
      clientDataJSON: toText(response.clientDataJSON),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : null
    }
  }
}

const start = (block) => {
  const button = block.querySelector('button')
  const form = block.querySelector('form')
  const error = block.querySelector('.govuk-error-message')
  const nameInput = block.querySelector('input[name="name"]')
  const group = block.querySelector('.govuk-form-group')
  const kind = block.dataset.csprPasskey
  const title = document.title

  // The GOV.UK error pattern: the message by the field (named by it for screen readers), the
  // field marked, "Error: " before the page's title, and the focus on the message.
  const show = (message) => {
    error.lastChild.textContent = ` ${message}`
    error.hidden = false
    if (group) group.classList.add('govuk-form-group--error')
    if (nameInput) {
      nameInput.classList.add('govuk-input--error')
      nameInput.setAttribute('aria-describedby', `${nameInput.dataset.hint} ${error.id}`)
    }
    document.title = `Error: ${title}`
    error.focus()
  }
  const clear = () => {
    error.hidden = true
    if (group) group.classList.remove('govuk-form-group--error')
    if (nameInput) {
      nameInput.classList.remove('govuk-input--error')
      nameInput.setAttribute('aria-describedby', nameInput.dataset.hint)
    }
    document.title = title
  }

  const run = async (event) => {
    event.preventDefault()
    clear()
    button.disabled = true
    try {
      const body = nameInput ? { name: nameInput.value } : {}
      const started = await post(block.dataset.options, body)
      if (!started) return
      let credential
      try {
        credential = kind === 'register'
          ? await register(started.options)
          : await assert(started.options)
      } catch (refused) {
        // The person closed the dialog, or their device said no.
        throw new Error('The passkey was not used. Try again, or use another way.')
      }
      const done = await post(block.dataset.finish, { ceremony: started.ceremony, credential })
      if (done) window.location.assign(done.redirect)
    } catch (problem) {
      show(problem.message)
    } finally {
      button.disabled = false
    }
  }
  // A form (the name of a new passkey) goes on Enter as well as on its button.
  if (form) {
    form.addEventListener('submit', run)
  } else {
    button.addEventListener('click', run)
  }
  block.hidden = false
}

if (window.PublicKeyCredential && navigator.credentials) {
  document.querySelectorAll('[data-cspr-passkey-unsupported]').forEach((p) => { p.hidden = true })
  document.querySelectorAll('[data-cspr-passkey]').forEach(start)
}
