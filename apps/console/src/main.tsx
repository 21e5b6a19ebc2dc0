import '@patternfly/react-core/dist/styles/base.css';
import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { startI18n } from './i18n';
import { loadIntlPolyfills } from './i18n/polyfills';

// Dates, plurals and country names need Intl data for every console language before the first message is formatted.
await loadIntlPolyfills();
await startI18n();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
