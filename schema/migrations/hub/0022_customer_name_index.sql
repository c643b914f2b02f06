-- A customer looked up by name at head office (the command line's and the web
-- console's search) is found by the start of the name through this index,
-- instead of a scan of every record (0.9 s at a million customers;
-- docs/PERFORMANCE.md, "Web console under load"). Only a part that starts no
-- name is looked for inside names, by the scan.
CREATE INDEX hub_customers_name ON hub_customers(name);
