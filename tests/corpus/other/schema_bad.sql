CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    amount FLOAT NOT NULL, -- expect: float-money
    created_at TIMESTAMP
);
