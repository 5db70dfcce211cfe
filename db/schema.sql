-- bootlab database schema: the contract between the lab and everything that reads its results.
--
-- This file is the *current* schema in one piece, for reading and for creating new databases.
-- Existing databases are brought up to date by db/migrations/NNNN_*.sql, applied in order;
-- PRAGMA user_version holds the number of the last migration applied. A test checks that
-- applying every migration to an empty database yields exactly this schema.
--
-- Units: every time is integer microseconds since the kernel started (the printk clock; the
-- run table's host_* marks are on the host's clock),
-- every duration integer microseconds. NULL means "not known" (e.g. an initcall that never
-- returned has a NULL duration), never zero.

-- One experiment: a set of runs launched together (or one imported log).
CREATE TABLE experiment (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    spec    TEXT,                      -- the experiment file (TOML) as it was run; NULL for imports
    origin  TEXT NOT NULL CHECK (origin IN ('gui', 'cli', 'ci', 'service', 'import')),
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A kernel that was booted. Imported logs get a row keyed by their version banner.
CREATE TABLE kernel (
    id      INTEGER PRIMARY KEY,
    hash    TEXT NOT NULL UNIQUE,      -- content hash of the image, or 'banner:<version line>'
    version TEXT,                      -- e.g. 6.1.0-56-amd64
    banner  TEXT,                      -- the whole `Linux version ...` line
    origin  TEXT NOT NULL CHECK (origin IN ('distro', 'source', 'unknown')),
    series  TEXT,                      -- patch series name for source builds
    config  TEXT                       -- config fragment / .config hash
);

-- One boot.
CREATE TABLE run (
    id             INTEGER PRIMARY KEY,
    experiment_id  INTEGER NOT NULL REFERENCES experiment (id) ON DELETE CASCADE,
    kernel_id      INTEGER REFERENCES kernel (id),
    variant        TEXT NOT NULL DEFAULT '',   -- flag/hardware combination, e.g. 'scan=sync'
    repetition     INTEGER NOT NULL DEFAULT 0,
    backend        TEXT NOT NULL,              -- 'import', 'qemu', 'libvirt'
    host           TEXT,                       -- where it ran, as the hosts list names it
    source         TEXT,                       -- the imported file, as given
    kernel_cmdline TEXT,                       -- as the kernel printed it
    emulator_argv  TEXT,                       -- JSON array (qemu backend); NULL otherwise
    status         TEXT NOT NULL CHECK (status IN ('ok', 'timeout', 'panic', 'error', 'cancelled')),
    error          TEXT,                       -- what went wrong, for status <> 'ok'
    created        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    wall_us        INTEGER,                    -- emulator start to exit, host clock
    -- boot metrics, derived from the spans by the model; recomputed by `bootlab reparse`
    boot_to_init_us      INTEGER,              -- `Run /init as init process`
    init_done_us         INTEGER,              -- guest marker `BOOTLAB: init-done`
    free_initmem_us      INTEGER,              -- `Freeing unused kernel image` (end of kernel init)
    last_initcall_end_us INTEGER,
    initcall_total_us    INTEGER,              -- sum of sync initcall durations
    async_total_us       INTEGER,              -- sum of async cookie durations
    boot_wait_us         INTEGER,              -- pid 1 time in async_waiting .. async_continuing
    sync_count           INTEGER,
    async_count          INTEGER,
    unfinished_count     INTEGER,              -- spans that started and never returned
    sync_chain_pid       INTEGER,              -- pid with the most sync initcall time ...
    sync_chain_us        INTEGER,              -- ... and that time: serial work nothing overlapped
    panic_message        TEXT,
    -- parse bookkeeping
    parser_version INTEGER NOT NULL,
    lines_total    INTEGER NOT NULL,
    lines_unused   INTEGER NOT NULL,           -- initcall-like lines the parser could not use
    log_bytes      INTEGER NOT NULL,           -- size of the raw log (uncompressed)
    -- added by migration 0003
    domain_xml     TEXT,                       -- the libvirt domain XML; NULL for other backends
    emulator_version TEXT,                     -- e.g. 'QEMU emulator version 7.2.22', as the host said
    host_failed    INTEGER NOT NULL DEFAULT 0, -- 1: the host failed under this boot (status 'error');
                                               -- resuming the experiment boots it again
    -- added by migration 0004
    warmup         INTEGER NOT NULL DEFAULT 0, -- 1: a warm-up boot, stored but in no statistic
    -- added by migration 0005: the boot on the host's clock, microseconds since the emulator
    -- started the guest, when the console showed each mark (late by up to ~20 ms); NULL where
    -- not seen. The emulator's exit is wall_us. Intervals: lab/model/host_marks.cpp.
    host_first_byte_us INTEGER,                -- the console's first byte
    host_kernel_us     INTEGER,                -- the kernel's first timestamped line
    host_run_init_us   INTEGER,                -- "Run /init as init process"
    host_init_done_us  INTEGER                 -- the guest's init-done marker
);
CREATE INDEX run_by_experiment ON run (experiment_id, variant);

-- The raw log as received, zstd-compressed in independent frames of at most 1 MiB input each,
-- so that import and reparse stream it without holding the whole log in memory.
CREATE TABLE log_chunk (
    run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    zstd   BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Function names, each stored once. Spans refer to them by id: a run of 700 spans does not
-- repeat 700 names, and the history of one function across runs is an integer index lookup.
CREATE TABLE symbol (
    id       INTEGER PRIMARY KEY,
    function TEXT NOT NULL,                    -- symbol without +0x../0x..
    module   TEXT NOT NULL DEFAULT '',         -- [module], '' for built-in code
    UNIQUE (function, module)
);

-- An initcall (kind 'sync') or an async cookie (kind 'async') of one boot.
CREATE TABLE span (
    run_id      INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,              -- order of the `calling` lines
    symbol_id   INTEGER NOT NULL REFERENCES symbol (id),
    cookie      INTEGER,                       -- async cookie, NULL for sync initcalls
    pid         INTEGER NOT NULL,
    start_us    INTEGER NOT NULL,
    duration_us INTEGER,                       -- NULL: never returned (boot died)
    ret         INTEGER,                       -- return value; NULL where not printed (async)
    kind        TEXT NOT NULL CHECK (kind IN ('sync', 'async')),
    line        INTEGER NOT NULL,              -- line of the `calling` line in the raw log
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Per boot and function, the spans summed (migration 0006): what a function's history across
-- boots reads, through its primary key, instead of an index over every span.
--   SELECT r.created, t.total_us FROM function_total t JOIN symbol y ON y.id = t.symbol_id
--   JOIN run r ON r.id = t.run_id WHERE y.function = 'ahci_pci_driver_init' ORDER BY r.id;
CREATE TABLE function_total (
    symbol_id INTEGER NOT NULL REFERENCES symbol (id),
    run_id    INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    spans     INTEGER NOT NULL,   -- spans of this function in the boot (calls, or async cookies)
    total_us  INTEGER NOT NULL,   -- their durations summed, over those that returned
    max_us    INTEGER,            -- the longest; NULL if none returned
    PRIMARY KEY (symbol_id, run_id)
) WITHOUT ROWID;
CREATE INDEX function_total_by_run ON function_total (run_id); -- deleting a run

-- Spans with their names, for reading and ad-hoc queries:
--   SELECT function, duration_us FROM span_named WHERE run_id = 1 ORDER BY duration_us DESC;
CREATE VIEW span_named AS
    SELECT s.run_id, s.seq, y.function, NULLIF(y.module, '') AS module, s.cookie, s.pid,
           s.start_us, s.duration_us, s.ret, s.kind, s.line, s.symbol_id
    FROM span s JOIN symbol y ON y.id = s.symbol_id;

-- async_waiting @ pid ... async_continuing @ pid after N usec
CREATE TABLE wait (
    run_id      INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    pid         INTEGER NOT NULL,
    start_us    INTEGER NOT NULL,
    duration_us INTEGER,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Work that initcall_debug times but that is not an initcall: device probes (`probe of DEV
-- returned R after N usecs`, an end line only: start = time - duration) and PCI quirks.
-- span_seq ties a probe to the initcall or cookie that was running around it.
CREATE TABLE device_call (
    run_id      INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('probe', 'quirk')),
    device      TEXT NOT NULL,
    function    TEXT,                          -- quirk function; NULL for probes
    pid         INTEGER,                       -- from the tied span (probes) or the line (quirks)
    start_us    INTEGER NOT NULL,
    duration_us INTEGER,
    ret         INTEGER,
    span_seq    INTEGER,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Named points in time: guest markers (`BOOTLAB: init-done`) and kernel milestones; those
-- printed as `BOOTLAB: NAME after N usecs: DETAIL` also carry the duration that ended there.
CREATE TABLE marker (
    run_id  INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    detail  TEXT,
    time_us INTEGER,                           -- NULL for lines printed without a timestamp
    duration_us INTEGER,                       -- `BOOTLAB: NAME after N usecs: ...`; else NULL
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Block and network devices in the order the guest listed them (by-path order), so that boots
-- can be checked for the async promise: device names do not change.
CREATE TABLE device (
    run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('disk', 'net')),
    name   TEXT NOT NULL,                      -- sda, eth0
    path   TEXT NOT NULL,                      -- by-path name (disks) or MAC (NICs)
    detail TEXT,                               -- H:C:T:L (disks) or driver (NICs)
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
