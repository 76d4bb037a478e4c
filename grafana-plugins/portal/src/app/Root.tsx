import React, { useEffect, useMemo, useState } from 'react';
import { ThemeContext } from '@grafana/data';
import { themeFor, ThemeMode } from '../host/PanelHost';
import { PortalServices, Services } from './context';
import { EmbedPage, FullPage } from './Page';

/** Where the full portal remembers the reader's theme choice. */
const THEME_KEY = 'slurmscope-portal-theme';

/** The full portal's theme: the reader's last choice, else the config's. */
function initialTheme(services: PortalServices): ThemeMode {
  if (services.config.embed !== null) {
    return services.config.theme; // an embed follows its ?theme= only
  }
  try {
    const t = window.localStorage.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : services.config.theme;
  } catch (err) {
    console.warn('portal: localStorage unavailable, theme from the config', err);
    return services.config.theme;
  }
}

/** The page's body colours and font follow the theme (Grafana's GlobalStyles would fetch fonts). */
function useBodyStyle(mode: ThemeMode): void {
  const theme = useMemo(() => themeFor(mode), [mode]);
  useEffect(() => {
    const s = document.body.style;
    s.margin = '0';
    s.background = theme.colors.background.canvas;
    s.color = theme.colors.text.primary;
    s.fontFamily = theme.typography.fontFamily;
    s.fontSize = `${theme.typography.fontSize}px`;
    document.documentElement.style.colorScheme = mode;
  }, [theme, mode]);
}

/** The portal page: the full portal, or one embedded panel, in Grafana's theme. */
export function PortalRoot({ services }: { services: PortalServices }) {
  const [mode, setMode] = useState<ThemeMode>(() => initialTheme(services));
  const theme = useMemo(() => themeFor(mode), [mode]);
  useBodyStyle(mode);
  const choose = (t: ThemeMode) => {
    setMode(t);
    try {
      window.localStorage.setItem(THEME_KEY, t);
    } catch (err) {
      console.warn('portal: cannot remember the theme', err);
    }
  };
  const { embed } = services.config;
  return (
    <Services.Provider value={services}>
      <ThemeContext.Provider value={theme}>
        {embed === null ? <FullPage theme={mode} onTheme={choose} /> : <EmbedPage panel={embed} theme={mode} />}
      </ThemeContext.Provider>
    </Services.Provider>
  );
}
