#!/bin/bash
# Capture cluster for ctld fixtures: Slurm 22.05 on ports 19xxx, nodes c1..c3 (+ down ghosts), no slurmdbd.
set -euo pipefail
SA=/tmp/ctld-capture/state
H=$(hostname -s)
mkdir -p $SA/{munge,slurm/etc,slurm/state,slurm/log,slurm/run}
for n in c1 c2 c3; do mkdir -p $SA/slurm/spool/$n; done
export SLURM_CONF=$SA/slurm/etc/slurm.conf
waitfor() { local what=$1; shift; for i in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "TIMEOUT waiting for $what" >&2; return 1; }
chmod 755 $SA/munge
[ -f $SA/munge/munge.key ] || { dd if=/dev/urandom of=$SA/munge/munge.key bs=1024 count=1 2>/dev/null; chmod 400 $SA/munge/munge.key; }
munged --key-file=$SA/munge/munge.key --socket=$SA/munge/munge.sock --pid-file=$SA/munge/munged.pid \
       --seed-file=$SA/munge/munged.seed --log-file=$SA/munge/munged.log
waitfor munge sh -c "munge -S $SA/munge/munge.sock -n | unmunge -S $SA/munge/munge.sock"
cat > $SA/slurm/etc/slurm.conf <<EOC
ClusterName=capture
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=19817
SlurmdPort=19818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SA/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$SA/slurm/state
SlurmdSpoolDir=$SA/slurm/spool/%n
SlurmctldPidFile=$SA/slurm/run/slurmctld.pid
SlurmdPidFile=$SA/slurm/run/slurmd-%n.pid
SlurmctldLogFile=$SA/slurm/log/slurmctld.log
SlurmdLogFile=$SA/slurm/log/slurmd-%n.log
SlurmdParameters=config_overrides
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmdTimeout=30
GresTypes=gpu
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
PreemptExemptTime=00:02:00
NodeName=c1 NodeHostname=$H NodeAddr=127.0.0.1 Port=19831 CPUs=4 RealMemory=4000 Gres=gpu:tesla:2 State=UNKNOWN
NodeName=c2 NodeHostname=$H NodeAddr=127.0.0.1 Port=19832 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=c3 NodeHostname=$H NodeAddr=127.0.0.1 Port=19833 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=cghost[01-02] NodeHostname=$H NodeAddr=127.0.0.1 Port=19899 CPUs=64 RealMemory=256000 State=DOWN
PartitionName=batch Nodes=c[1-3],cghost[01-02] Default=YES MaxTime=INFINITE State=UP PriorityTier=10 PreemptMode=OFF
PartitionName=scavenger Nodes=c[1-3] MaxTime=INFINITE State=UP PriorityTier=1 PreemptMode=REQUEUE
PartitionName=maint Nodes=c3 MaxTime=1:00:00 State=INACTIVE PriorityTier=5 PreemptMode=SUSPEND
EOC
cat > $SA/slurm/etc/gres.conf <<EOC
NodeName=c1 Name=gpu Type=tesla File=/dev/null
NodeName=c1 Name=gpu Type=tesla File=/dev/zero
EOC
slurmctld -f $SLURM_CONF
waitfor slurmctld timeout 5 scontrol ping
for n in c1 c2 c3; do slurmd -f $SLURM_CONF -N $n; done
waitfor slurmd sh -c "[ \$(sinfo -h -N -t idle -o %N | sort -u | wc -l) -ge 3 ]"
echo "export SLURM_CONF=$SLURM_CONF"
