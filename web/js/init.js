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
