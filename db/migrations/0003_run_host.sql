-- 0003: boots run on more than one host, through more than one backend (issue 12).
-- A libvirt boot is described by its domain XML as a QEMU boot is by its argv, and each run
-- records the emulator that ran it (hosts differ); a boot whose
-- host failed under it (libvirtd stopped, connection lost) is marked so, and resuming the
-- experiment boots it again instead of counting it as done.
ALTER TABLE run ADD COLUMN domain_xml TEXT;
ALTER TABLE run ADD COLUMN emulator_version TEXT;
ALTER TABLE run ADD COLUMN host_failed INTEGER NOT NULL DEFAULT 0;
