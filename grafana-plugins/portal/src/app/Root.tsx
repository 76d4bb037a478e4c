import React, { useEffect, useMemo, useState } from 'react';
import { ThemeContext } from '@grafana/data';
import { themeFor, ThemeMode } from '../host/PanelHost';
import { pickTheme } from './config';
import { PortalServices, Services } from './context';
import { EmbedPage, FullPage } from './Page';

/** Where the full portal remembers the reader's theme choice. */
const THEME_KEY = 'slurmscope-portal-theme';

/** The reader's stored theme choice; null when none or storage is refused. */
function storedTheme(): string | null {
  try {
    return window.localStorage.getItem(THEME_KEY);
  } catch (err) {
    console.warn('portal: localStorage unavailable, theme from the page', err);
    return null;
  }
}

/** The page's theme: an embed's config; on the full portal ?theme= first, then the stored choice, then the config. */
function initialTheme(services: PortalServices): ThemeMode {
  const embed = services.config.embed !== null;
  return pickTheme({
    embed,
    config: services.config.theme,
    url: new URLSearchParams(window.location.search).get('theme'),
    stored: embed ? null : storedTheme(),
  });
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
