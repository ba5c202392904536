// The section editor of the document pages (cspr-web routes/documents/): progressive
// enhancement of the section's textarea. Without JavaScript the textarea takes plain text and
// the few HTML tags reports allow. With it, a small editor shows the text formatted, with a
// toolbar for what reports need (sub-headings, paragraphs, bulleted and numbered lists, bold
// and italic); pasting from Word keeps its headings, lists and tables. Whatever is typed or
// pasted is sanitised on the server when saved (an allow-list: nothing else survives), and
// the editor's HTML goes back into the textarea on submit, so the form posts as before.

const group = document.querySelector('[data-cspr-editor]')
const textarea = group && group.querySelector('textarea')

if (textarea && typeof document.execCommand === 'function') {
  const label = group.querySelector('label')
  if (label && !label.id) label.id = `${textarea.id}-label`

  const editor = document.createElement('div')
  editor.className = 'govuk-textarea cspr-editor cspr-document-text'
  editor.contentEditable = 'true'
  editor.id = `${textarea.id}-editor`
  editor.setAttribute('role', 'textbox')
  editor.setAttribute('aria-multiline', 'true')
  if (label) editor.setAttribute('aria-labelledby', label.id)
  const describedBy = textarea.getAttribute('aria-describedby')
  if (describedBy) editor.setAttribute('aria-describedby', describedBy)
  // The textarea holds the server's sanitised HTML of the section (or what was just typed).
  editor.innerHTML = textarea.value.trim().startsWith('<')
    ? textarea.value
    : textarea.value
      .split(/\n\s*\n/)
      .filter((p) => p.trim() !== '')
      .map((p) => `<p>${p.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])}</p>`)
      .join('')

  const toolbar = document.createElement('div')
  toolbar.className = 'cspr-editor__toolbar'
  toolbar.setAttribute('role', 'toolbar')
  toolbar.setAttribute('aria-label', 'Formatting')
  toolbar.setAttribute('aria-controls', editor.id)
  const tools = [
    ['Sub-heading', () => document.execCommand('formatBlock', false, 'h2')],
    ['Smaller sub-heading', () => document.execCommand('formatBlock', false, 'h3')],
    ['Paragraph', () => document.execCommand('formatBlock', false, 'p')],
    ['Bold', () => document.execCommand('bold')],
    ['Italic', () => document.execCommand('italic')],
    ['Bulleted list', () => document.execCommand('insertUnorderedList')],
    ['Numbered list', () => document.execCommand('insertOrderedList')]
  ]
  for (const [name, run] of tools) {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'govuk-button govuk-button--secondary cspr-editor__button'
    button.textContent = name
    // Keep the selection in the editor while the button is pressed.
    button.addEventListener('mousedown', (event) => event.preventDefault())
    button.addEventListener('click', () => {
      editor.focus()
      run()
    })
    toolbar.appendChild(button)
  }

  textarea.hidden = true
  // GOV.UK's textarea style shows it whatever `hidden` says: the class hides it for good.
  textarea.classList.add('cspr-editor__source')
  textarea.setAttribute('aria-hidden', 'true')
  textarea.tabIndex = -1
  textarea.after(toolbar, editor)
  // The label names the editor (aria-labelledby); a click on it moves there.
  if (label) label.addEventListener('click', () => editor.focus())

  textarea.form.addEventListener('submit', () => {
    textarea.value = editor.innerHTML
  })
}
