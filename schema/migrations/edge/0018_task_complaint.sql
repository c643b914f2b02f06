-- Complaints (issue 17, item 4; docs/FOLLOWUP.md "Complaints"): a task of
-- kind 'complaint' carries its dissatisfied items, its source task and how it
-- was closed or escalated, as the logged field 'complaint' (sync/model/task.h
-- TaskComplaint, a JSON object). NULL for every other task, and for a task
-- logged before it existed, so verify compares it with the fold of the log.
ALTER TABLE tasks ADD COLUMN complaint TEXT;
-- A customer's open complaints: the warning at the desk.
CREATE INDEX tasks_open_complaint ON tasks(customer_id) WHERE kind = 'complaint' AND status = 'open';
