-- 0004: warm-up boots (issue 14). The first boot of a `bootlab run` reads the kernel, the
-- images and QEMU itself from a cold page cache and runs slower than the rest; an experiment
-- may ask for warm-up boots, which are stored like any other (nothing is thrown away) but
-- marked, and left out of every statistic.
ALTER TABLE run ADD COLUMN warmup INTEGER NOT NULL DEFAULT 0;
