import { LIEN_DAYS_RANGE, LIEN_RULES, jobLienDeadlines, lienRuleFor, nearestLienFiling, normalizeState, type JobLienInput } from './lien-deadlines';

const job = (over: Partial<JobLienInput> = {}): JobLienInput => ({
  jobState: 'CA', accountState: null, firstDeliveryDate: '2026-01-10', lastDeliveryDate: '2026-03-01', ...over,
});

describe('lien rule table', () => {
  it('covers the dozen states lumber yards sell in most, every figure within the override bounds', () => {
    expect(Object.keys(LIEN_RULES).sort()).toEqual(['AZ', 'CA', 'CO', 'FL', 'GA', 'IL', 'NC', 'NV', 'NY', 'OR', 'TX', 'WA']);
    for (const rule of Object.values(LIEN_RULES)) {
      expect(rule.lienFilingDays).toBeGreaterThanOrEqual(LIEN_DAYS_RANGE.min);
      expect(rule.lienFilingDays).toBeLessThanOrEqual(LIEN_DAYS_RANGE.max);
      if (rule.preliminaryNoticeDays !== null) expect(rule.preliminaryNoticeDays).toBeGreaterThanOrEqual(LIEN_DAYS_RANGE.min);
    }
  });

  it('says when a state requires no preliminary notice', () => {
    const deadlines = jobLienDeadlines(job({ jobState: 'NY' }), [], '2026-03-01');
    expect(deadlines.rule).toEqual({ preliminaryNoticeDays: null, lienFilingDays: 240 });
    expect(deadlines.preliminaryNotice).toBeNull();
    expect(deadlines.lienFiling).toEqual({ due: '2026-10-27', daysLeft: 240 });
  });

  it('has no deadlines for a state outside the table or an unknown state', () => {
    expect(lienRuleFor('VT', [])).toBeNull();
    expect(jobLienDeadlines(job({ jobState: 'VT' }), [], '2026-03-01')).toMatchObject({ state: 'VT', rule: null, preliminaryNotice: null, lienFiling: null });
    expect(jobLienDeadlines(job({ jobState: null }), [], '2026-03-01')).toMatchObject({ state: null, stateSource: null, lienFiling: null });
  });
});

describe('job lien deadlines', () => {
  it('counts calendar days from the first and the last delivery', () => {
    const deadlines = jobLienDeadlines(job(), [], '2026-01-20');
    expect(deadlines).toMatchObject({ state: 'CA', stateSource: 'job', ruleSource: 'default' });
    expect(deadlines.preliminaryNotice).toEqual({ due: '2026-01-30', daysLeft: 10 });
    expect(deadlines.lienFiling).toEqual({ due: '2026-05-30', daysLeft: 130 });
  });

  it('crosses month ends and year ends', () => {
    expect(jobLienDeadlines(job({ jobState: 'OR', firstDeliveryDate: '2026-01-28' }), [], '2026-01-28').preliminaryNotice).toEqual({ due: '2026-02-05', daysLeft: 8 });
    expect(jobLienDeadlines(job({ jobState: 'CA', lastDeliveryDate: '2026-10-31' }), [], '2026-10-31').lienFiling?.due).toBe('2027-01-29');
    expect(jobLienDeadlines(job({ jobState: 'AZ', firstDeliveryDate: '2026-12-20' }), [], '2026-12-20').preliminaryNotice?.due).toBe('2027-01-09');
  });

  it('counts February 29 in a leap year and not in other years', () => {
    expect(jobLienDeadlines(job({ jobState: 'CA', firstDeliveryDate: '2028-02-15' }), [], '2028-02-15').preliminaryNotice?.due).toBe('2028-03-06');
    expect(jobLienDeadlines(job({ jobState: 'CA', firstDeliveryDate: '2027-02-15' }), [], '2027-02-15').preliminaryNotice?.due).toBe('2027-03-07');
    expect(jobLienDeadlines(job({ jobState: 'FL', lastDeliveryDate: '2027-12-01' }), [], '2028-02-29').lienFiling).toEqual({ due: '2028-02-29', daysLeft: 0 });
  });

  it("falls back to the customer account's state when the job has none", () => {
    const deadlines = jobLienDeadlines(job({ jobState: null, accountState: ' fl ' }), [], '2026-03-01');
    expect(deadlines).toMatchObject({ state: 'FL', stateSource: 'account' });
    expect(deadlines.lienFiling?.due).toBe('2026-05-30');
    expect(jobLienDeadlines(job({ jobState: 'TX', accountState: 'FL' }), [], '2026-03-01').state).toBe('TX');
    expect(normalizeState('Texas')).toBeNull();
  });

  it("uses the dealer's override of a state's days, including a notice the default does not require", () => {
    const overrides = [{ state: 'CA', preliminaryNoticeDays: 30, lienFilingDays: 60 }, { state: 'CO', preliminaryNoticeDays: 10, lienFilingDays: 100 }];
    const ca = jobLienDeadlines(job(), overrides, '2026-03-01');
    expect(ca).toMatchObject({ ruleSource: 'override', rule: { preliminaryNoticeDays: 30, lienFilingDays: 60 } });
    expect(ca.preliminaryNotice?.due).toBe('2026-02-09');
    expect(ca.preliminaryNotice?.daysLeft).toBe(-20);
    expect(ca.lienFiling).toEqual({ due: '2026-04-30', daysLeft: 60 });
    expect(jobLienDeadlines(job({ jobState: 'CO' }), overrides, '2026-03-01').preliminaryNotice?.due).toBe('2026-01-20');
    expect(jobLienDeadlines(job({ jobState: 'NV' }), overrides, '2026-03-01').ruleSource).toBe('default');
  });

  it('has no deadline without the delivery it counts from', () => {
    const deadlines = jobLienDeadlines(job({ firstDeliveryDate: null, lastDeliveryDate: null }), [], '2026-03-01');
    expect(deadlines.preliminaryNotice).toBeNull();
    expect(deadlines.lienFiling).toBeNull();
  });

  it('finds the soonest lien-filing deadline still ahead, ignoring passed ones', () => {
    const jobs = [job({ lastDeliveryDate: '2025-11-01' }), job({ lastDeliveryDate: '2026-01-15' }), job({ lastDeliveryDate: '2026-02-01' })];
    expect(nearestLienFiling(jobs, [], '2026-04-10')).toEqual({ due: '2026-04-15', daysLeft: 5 });
    expect(nearestLienFiling(jobs.slice(0, 1), [], '2026-04-10')).toBeNull();
  });
});
