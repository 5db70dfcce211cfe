-- 0006: import speed (issue 14). The index of every span by function (span_by_symbol) cost more
-- than inserting the spans themselves: 0.42 s of a 1,000,000-line import, for queries nothing
-- made. What asks by function (a function's history across boots, the gate's per-function
-- times) wants one row per boot and function, so that is what is kept and indexed instead:
-- ~700 rows per boot rather than an index entry per span.
CREATE TABLE function_total (
    symbol_id INTEGER NOT NULL REFERENCES symbol (id),
    run_id    INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    spans     INTEGER NOT NULL,   -- spans of this function in the boot (calls, or async cookies)
    total_us  INTEGER NOT NULL,   -- their durations summed, over those that returned
    max_us    INTEGER,            -- the longest; NULL if none returned
    PRIMARY KEY (symbol_id, run_id)
) WITHOUT ROWID;
CREATE INDEX function_total_by_run ON function_total (run_id); -- deleting a run
INSERT INTO function_total (symbol_id, run_id, spans, total_us, max_us)
    SELECT symbol_id, run_id, count(*), coalesce(sum(duration_us), 0), max(duration_us)
    FROM span GROUP BY symbol_id, run_id;
DROP INDEX span_by_symbol;
