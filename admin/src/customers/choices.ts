export const STATUS_CHOICES = [
  { id: 'active', name: 'Active' },
  { id: 'inactive', name: 'Inactive' },
];

export const INVITATION_CHOICES = [
  { id: 'none', name: 'Not invited' },
  { id: 'pending', name: 'Pending' },
  { id: 'accepted', name: 'Accepted' },
  { id: 'declined', name: 'Declined' },
  { id: 'expired', name: 'Expired' },
];

export const AGING_CHOICES = [
  { id: 'current', name: 'Has current' },
  { id: 'past_due', name: 'Has past due' },
  { id: '1_30', name: '1–30 days' },
  { id: '31_60', name: '31–60 days' },
  { id: '61_90', name: '61–90 days' },
  { id: '91_plus', name: '91+ days' },
];

export const PRIORITY_CHOICES = [
  { id: 'act_now', name: 'Act now (8–10)' },
  { id: 'watch', name: 'Watch (5–7)' },
  { id: 'on_track', name: 'On track (2–4)' },
  { id: 'nothing_to_do', name: 'Nothing to do (0–1)' },
];

/** Accounts with a job owed money whose lien filing is due within the days (docs/lien-deadlines.md). */
export const LIEN_DEADLINE_CHOICES = [
  { id: 10, name: 'Within 10 days' },
  { id: 30, name: 'Within 30 days' },
];
