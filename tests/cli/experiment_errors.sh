# A broken experiment file stops before any boot, naming FILE:LINE and what is wrong.
# usage: experiment_errors.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
db=$work/t.db
expect 1 "broken.toml:4: unknown hardware 'floppy' (known: ahci" -- run "$data/experiments/broken.toml" --db "$db"
printf 'name = "x"\nrepetitions = 3\n[machine\nsmp = 2\n' > "$work/syntax.toml"
expect 1 "syntax.toml:3: " -- run "$work/syntax.toml" --db "$db"
printf 'name = "x"\nrepetitions = "three"\n[hardware]\na = ["ahci"]\n' > "$work/type.toml"
expect 1 "type.toml:2: repetitions must be a number" -- run "$work/type.toml" --db "$db"
printf '[hardware]\na = ["ahci"]\n[flags]\nscsi_scna = "sync"\n' > "$work/key.toml"
expect 1 "key.toml:4: unknown key 'scsi_scna' in [flags]" -- run "$work/key.toml" --db "$db"
printf '[hardware]\na = ["ahci:9"]\n' > "$work/disks.toml"
expect 1 "disks.toml:2: hardware 'ahci:9': at most 6 disks" -- run "$work/disks.toml" --db "$db"
printf '[kernels]\nmine = "/no/such/bzImage"\n[hardware]\na = ["ahci"]\n' > "$work/kernel.toml"
expect 1 "/no/such/bzImage: kernel image not found" -- run "$work/kernel.toml" --db "$db"
printf '[hardware]\n"a;rm -rf /" = ["ahci"]\n' > "$work/name.toml"
expect 1 "name.toml:2: hardware set name 'a;rm -rf /'" -- run "$work/name.toml" --db "$db"
printf '[hardware]\na = ["ahci"]\n[variants.v]\nhardware = ["b"]\n' > "$work/only.toml"
expect 1 "only.toml:4: [variants.v] hardware: no hardware entry named 'b'" -- run "$work/only.toml" --db "$db"
printf '[kernels]\np = "series:no-such-series"\n[hardware]\na = ["ahci"]\n' > "$work/series.toml"
expect 1 "series.toml:2: kernel 'p': no patch series 'no-such-series'" -- run "$work/series.toml" --db "$db"
printf '[hardware]\na = ["slowprobe:0"]\n' > "$work/slow.toml"
expect 1 "slow.toml:2: hardware 'slowprobe:0': at least one device" -- run "$work/slow.toml" --db "$db"
printf '[hardware]\na = ["ahci"]\n[flags]\nslowprobe_strategy = "threads"\n' > "$work/strategy.toml"
expect 1 "strategy.toml:4: slowprobe_strategy must be" -- run "$work/strategy.toml" --db "$db"
expect 1 "nope.toml: cannot read the experiment file" -- run "$work/nope.toml" --db "$db"
check "no run was stored" sh -c "test ! -e '$db' || test \$(sqlite3 '$db' 'SELECT count(*) FROM run') -eq 0"
finish
