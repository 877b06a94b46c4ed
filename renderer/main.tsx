import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { getKiosk } from './kiosk-bridge.ts';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App kiosk={getKiosk()} />
  </StrictMode>,
);
