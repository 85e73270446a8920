import type { ResourceProps } from 'react-admin';
import customers from './customers';
import invoices from './invoices';
import jobs from './jobs';
import lienWaivers from './lien-waivers';
import payments from './payments';
import settlements from './settlements';
import shortPays from './short-pays';

/**
 * Every react-admin resource of the console, one line each. An area's folder exports
 * `{ list, show, edit?, icon, recordRepresentation }` (see customers/index.ts) and replaces
 * its line here.
 */
export const resources: ResourceProps[] = [
  { name: 'customers', options: { label: 'Customers' }, ...customers },
  { name: 'invoices', options: { label: 'Invoices' }, ...invoices },
  { name: 'payments', options: { label: 'Payments' }, ...payments },
  { name: 'settlements', options: { label: 'Settlements' }, ...settlements },
  { name: 'short-pays', options: { label: 'Short-pays' }, ...shortPays },
  { name: 'lien-waivers', options: { label: 'Lien waivers' }, ...lienWaivers },
  // Records reached only through other pages (no menu entry, no list of their own).
  { name: 'jobs', ...jobs },
  { name: 'adjustments' },
  { name: 'statements' },
  { name: 'audit-events' },
  { name: 'operators' },
  { name: 'settings' },
];
