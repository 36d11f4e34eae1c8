#!/bin/sh
# init (PID 1) of the UML kernel booted by Scripts/kernel/run.sh. The root file system is
# the host's, read-only through hostfs; DM_RUN (from the kernel command line) is a host
# folder mounted read-write over itself, holding the executor, the plans and the reports.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t configfs configfs /sys/kernel/config
mount -t hostfs -o "$DM_RUN" hostfs "$DM_RUN"
echo "dm-init: kernel $(cat /proc/sys/kernel/osrelease), $(ls "$DM_RUN"/plans | wc -l) plans"
for plan in "$DM_RUN"/plans/*.plan; do
  name=$(basename "$plan" .plan)
  "$DM_RUN"/executor "$plan" "$DM_RUN/out/$name.json"
  echo "dm-init: $name exit $?"
done
echo "dm-init: done"
# The kernel log, for reading a difference after the fact.
dmesg >"$DM_RUN/out/dmesg.txt" 2>&1
cat /proc/interrupts >"$DM_RUN/out/interrupts.txt" 2>&1
exec "$DM_RUN"/executor --poweroff
