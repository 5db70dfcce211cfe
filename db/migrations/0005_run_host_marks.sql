-- 0005: the boot as the host saw it (issue 14). The kernel's clock starts with the kernel; the
-- host's sees the emulator start, the firmware and loader, the kernel, userspace and the
-- shutdown. Each mark is microseconds on the host's steady clock since the emulator started
-- the guest, taken when the console bytes that show it arrived (late by up to ~20 ms: bootlab
-- reads the console in chunks); NULL where it was not seen (imported logs, a boot that died).
-- The emulator's exit is wall_us. The named intervals between them (firmware, kernel,
-- userspace, shutdown) are computed from these columns, in lab/model/host_marks.cpp.
ALTER TABLE run ADD COLUMN host_first_byte_us INTEGER; -- the console's first byte
ALTER TABLE run ADD COLUMN host_kernel_us INTEGER;     -- the kernel's first timestamped line
ALTER TABLE run ADD COLUMN host_run_init_us INTEGER;   -- "Run /init as init process"
ALTER TABLE run ADD COLUMN host_init_done_us INTEGER;  -- the guest's init-done marker
