-- 0002: a marker may carry a duration. Lines of the form `BOOTLAB: NAME after N usecs: DETAIL`
-- time something that is not an initcall, e.g. the slow-probe test driver's "all devices up
-- after N usecs" (kernel-patches/async-lab). time_us is when it ended.
ALTER TABLE marker ADD COLUMN duration_us INTEGER;
