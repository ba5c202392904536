// Starts the GOV.UK Frontend and MOJ Frontend components on every page. Loaded as a module
// from /assets/ (never inline: the CSP allows script only from 'self'). Every page works
// without it; it only enhances. build.rs rewrites the two import paths to the served,
// content-hashed file names.
import { createAll, initAll as initGovukFrontend } from './govuk-frontend.js'
import {
  FilterToggleButton,
  initAll as initMojFrontend
} from './moj-frontend.js'

// The GOV.UK page template sets these classes with an inline script; a module script runs
// only in browsers that GOV.UK Frontend supports, so both can be set here.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()
// MOJ's initAll leaves out the filter's show and hide button: start it for filters marked
// data-module="moj-filter".
createAll(FilterToggleButton)

// Questions that belong to one answer of a radio or checkbox question are shown only while
// that answer is chosen. GOV.UK Frontend's own reveal marks the radio with aria-expanded,
// which ARIA does not allow on a radio (axe-core reports it); this one leaves the answer's
// ARIA alone (an aria-controls would bring GOV.UK Frontend's aria-expanded back). The
// questions follow their answer in the form's order. Without JavaScript every question shows.
function syncReveals () {
  for (const input of document.querySelectorAll('input[data-cspr-reveals]')) {
    const target = document.getElementById(input.dataset.csprReveals)
    if (!target) continue
    const family = target.classList.contains('govuk-checkboxes__conditional')
      ? 'govuk-checkboxes'
      : 'govuk-radios'
    target.classList.toggle(`${family}__conditional--hidden`, !input.checked)
  }
}
document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLInputElement) syncReveals()
})
syncReveals()
