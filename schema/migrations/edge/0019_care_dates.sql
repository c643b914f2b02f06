-- Care calls and purchases (issue 17, item 1; docs/FOLLOWUP.md "Care calls and
-- purchases"): the dates the daily sweep makes care tasks from and the day a
-- vehicle was bought here. Each column is named as its logged field
-- (sync/model/customer.h), NULL when never set and for rows logged before it
-- existed, so verify compares it with the fold of the log.
ALTER TABLE customers ADD COLUMN birthday TEXT;        -- 'MM-DD' or 'YYYY-MM-DD'
ALTER TABLE vehicles ADD COLUMN inspection_due TEXT;   -- 'YYYY-MM-DD'
ALTER TABLE vehicles ADD COLUMN insurance_due TEXT;    -- 'YYYY-MM-DD'
ALTER TABLE vehicles ADD COLUMN purchased_on TEXT;     -- 'YYYY-MM-DD'
