import { calendarDate } from '../common/format';

/** "Mar 6, 2026 · in 5 days" / "· 3 days ago" / "· today": the date and how near it is. */
export function deadlineText(due: string | null, daysLeft: number | null, none = '—'): string {
  if (!due || daysLeft === null) return none;
  const when = daysLeft === 0 ? 'today' : daysLeft > 0 ? `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}` : `${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
  return `${calendarDate(due)} · ${when}`;
}

/** Red when the window is closing or closed, amber within a month: the colours of the priority bands. */
export function deadlineColor(daysLeft: number | null): 'error' | 'warning' | 'text.primary' {
  if (daysLeft === null) return 'text.primary';
  if (daysLeft <= 10) return 'error';
  return daysLeft <= 30 ? 'warning' : 'text.primary';
}
