CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    amount_cents BIGINT NOT NULL,
    latitude FLOAT,
    created_at TIMESTAMP
);
