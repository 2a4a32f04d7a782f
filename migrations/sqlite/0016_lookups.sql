-- A user's conversations are found by index for each way of taking part: as the customer too
-- (the other ways already had one).
CREATE INDEX conversations_by_customer ON conversations (customer_id);
