import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/** What a panel shows instead of its data when the data cannot be shown: says why, never blank. */
export function PanelMessage({ message, testId = 'panel-message' }: { message: string; testId?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.box} role="status" data-testid={testId}>
      {message}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    padding: theme.spacing(1),
    color: theme.colors.text.secondary,
    textAlign: 'center',
  }),
});
