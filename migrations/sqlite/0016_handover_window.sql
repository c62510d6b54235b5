-- The plan template's W-1 window ended 11 days after R-8 (5/31), breaking the plan's own rule of a
-- handover within 10 days after the new committees are formed: 5/30 where the default is kept.
update plan_steps set end_md = '05-30'
 where code = 'W-1' and end_md = '05-31';
update campaign_steps set end_date = date(end_date, '-1 day')
 where code = 'W-1' and strftime('%m-%d', end_date) = '05-31' and done_at is null;
