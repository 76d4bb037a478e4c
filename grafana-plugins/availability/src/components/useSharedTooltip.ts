import React, { useCallback, useMemo, useRef } from 'react';

/** The handlers to spread on the panel's root, and the ref of the one tooltip element. */
export interface SharedTooltip {
  readonly rootRef: React.RefObject<HTMLDivElement>;
  readonly tooltipRef: React.RefObject<HTMLDivElement>;
  readonly handlers: {
    onMouseOver: React.MouseEventHandler<HTMLDivElement>;
    onMouseOut: React.MouseEventHandler<HTMLDivElement>;
    onFocus: React.FocusEventHandler<HTMLDivElement>;
    onBlur: React.FocusEventHandler<HTMLDivElement>;
  };
}

/** The element with a tooltip (`data-tip`) at or above an event's target, inside the root. */
function tipOf(target: EventTarget | null, root: HTMLElement | null): HTMLElement | null {
  if (!(target instanceof Element) || root === null) {
    return null;
  }
  const el = target.closest<HTMLElement>('[data-tip]');
  return el !== null && root.contains(el) ? el : null;
}

/** Places the tooltip above the element (below when there is no room), inside the root's box. */
function place(tip: HTMLElement, el: HTMLElement, root: HTMLElement): void {
  const r = el.getBoundingClientRect();
  const box = root.getBoundingClientRect();
  const left = r.left - box.left + root.scrollLeft;
  const above = r.top - box.top + root.scrollTop - tip.offsetHeight - 4;
  const top = above >= root.scrollTop ? above : r.bottom - box.top + root.scrollTop + 4;
  const maxLeft = Math.max(0, root.clientWidth + root.scrollLeft - tip.offsetWidth - 2);
  tip.style.left = `${Math.max(0, Math.min(left, maxLeft))}px`;
  tip.style.top = `${Math.max(0, top)}px`;
}

/**
 * One tooltip for every tile, bar segment and grid cell, driven by event delegation on the root:
 * mouseover and keyboard focus show the element's aria-label (the same words a screen reader
 * says), mouseout and blur hide it. The tooltip is updated in the DOM directly, so hovering over
 * 2,000 cells re-renders nothing.
 */
export function useSharedTooltip(): SharedTooltip {
  const rootRef = useRef<HTMLDivElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const show = useCallback((el: HTMLElement | null) => {
    const tip = tooltipRef.current;
    const root = rootRef.current;
    if (tip === null || root === null) {
      return;
    }
    const text = el?.getAttribute('aria-label') ?? '';
    if (el === null || text === '') {
      tip.hidden = true;
      return;
    }
    tip.textContent = text;
    tip.hidden = false;
    place(tip, el, root);
  }, []);
  const handlers = useMemo(
    () => ({
      onMouseOver: (e: React.MouseEvent<HTMLDivElement>) => show(tipOf(e.target, rootRef.current)),
      onMouseOut: (e: React.MouseEvent<HTMLDivElement>) => {
        // moving onto another element with a tooltip: its mouseover shows that one
        if (tipOf(e.relatedTarget, rootRef.current) === null) {
          show(tipOf(document.activeElement, rootRef.current));
        }
      },
      onFocus: (e: React.FocusEvent<HTMLDivElement>) => show(tipOf(e.target, rootRef.current)),
      onBlur: (e: React.FocusEvent<HTMLDivElement>) => show(tipOf(e.relatedTarget, rootRef.current)),
    }),
    [show],
  );
  return { rootRef, tooltipRef, handlers };
}
