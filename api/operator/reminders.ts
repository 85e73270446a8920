import { Router } from 'express';
import {
  customerReminders, reminderPreviewBody, reminderSettingsBody, remindersOptInBody, remindersOptOutBody, type CustomerReminders, type ReminderSettings,
} from '../../contracts/operator/reminders';
import { reminderAccount, reminderSettings, saveReminderSettings, setRemindersOptOut, type ReminderSettingsRow } from '../../db/reminders';
import { REMINDER_PLACEHOLDERS } from '../../domain/reminders';
import { previewReminder } from '../../services/reminders';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { body } from '../validate';
import { routeId } from './list-helpers';

/**
 * Payment reminders in the console (docs/reminders.md): the cadence and templates as the
 * `settings/reminders` record (admins change it, audited), a preview of the email for one
 * customer with the templates being edited, and each customer's opt-out (audited).
 */
const toRecord = (row: ReminderSettingsRow): ReminderSettings => ({
  id: 'reminders', enabled: row.enabled, rules: row.rules, subject_template: row.subject_template, body_template: row.body_template,
  placeholders: [...REMINDER_PLACEHOLDERS], updated_at: row.updated_at ? new Date(row.updated_at).toISOString() : null,
});

export function reminderRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  router.get('/settings/reminders', async (req, res) => {
    res.json(toRecord(await reminderSettings(db, operatorOf(req).dealerId)));
  });

  router.put('/settings/reminders', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    const change = body(req, reminderSettingsBody);
    res.json(toRecord(await saveReminderSettings(db, { dealerId: operator.dealerId, operatorId: operator.id }, change)));
  });

  router.post('/customers/:id/reminder-preview', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const id = routeId(req.params.id, 'Customer');
    const request = body(req, reminderPreviewBody);
    res.json(await previewReminder(db, config, dealerId, id, { subjectTemplate: request.subject_template, bodyTemplate: request.body_template, asOf: request.as_of }));
  });

  const stateOf = async (dealerId: string, id: string): Promise<CustomerReminders> => {
    const account = await reminderAccount(db, dealerId, id);
    if (!account) throw notFound('Customer');
    return customerReminders.parse({ id: account.id, opted_out: account.reminders_opted_out });
  };

  router.get('/customers/:id/reminders', async (req, res) => {
    res.json(await stateOf(operatorOf(req).dealerId, routeId(req.params.id, 'Customer')));
  });

  // Both roles, like portal access: stopping mail to a customer who asked must not wait for an admin.
  const change = (path: 'opt-out' | 'opt-in', optedOut: boolean, schema: typeof remindersOptOutBody | typeof remindersOptInBody) => {
    router.post(`/customers/:id/reminders/${path}`, requireRole('admin', 'ar_operator'), async (req, res) => {
      const operator = operatorOf(req);
      const id = routeId(req.params.id, 'Customer');
      const { reason } = body(req, schema);
      await setRemindersOptOut(db, operator.dealerId, { customerAccountId: id, optedOut, operatorId: operator.id, reason });
      res.json(await stateOf(operator.dealerId, id));
    });
  };
  change('opt-out', true, remindersOptOutBody);
  change('opt-in', false, remindersOptInBody);

  return router;
}
